import type { TopLevelSpec } from "vega-lite";
import type { SummaryRow } from "../../results/summaryCsv.ts";
import type { Tracer } from "../../model/vocabulary.ts";
import type { PublishedObserverCost } from "../observersReference.ts";
import { tracerColour } from "../palette.ts";
import { FIGURE_CONFIG, MECHANISM_LEGEND } from "./style.ts";

/** Where a bar or a published mark stands: its family, then the mechanism. */
export const familyOf = (observing: boolean) => (observing ? "observation" : "interception");

/** A point of the figure: one of our cells (label: its call) or a published figure (label: what and whose). */
interface Mark {
  kind: "ours" | "published";
  family: string;
  tracer: Tracer;
  label: string;
  overhead_ns: number;
}

/**
 * Every mechanism's overhead per call in ns on one log axis, grouped by
 * family (interception, observation): our medians as points per call, the
 * published figures that give times as crosses beside the mechanism they
 * correspond to.
 */
export function observingCostSpec(rows: (SummaryRow & { family: string })[], published: PublishedObserverCost[], tracers: Tracer[], title: string): TopLevelSpec {
  const marks: Mark[] = [
    ...rows.map((r) => ({ kind: "ours" as const, family: r.family, tracer: r.tracer, label: r.call, overhead_ns: r.overhead_ns! })),
    ...published.map((p) => ({ kind: "published" as const, family: p.family, tracer: p.mechanism, label: `${p.label} (${p.source})`, overhead_ns: p.tracedNs! - p.baseNs! })),
  ];
  const y = { field: "overhead_ns", type: "quantitative", title: "overhead per call (ns, log scale)", scale: { type: "log" } } as const;
  const x = { field: "tracer", type: "nominal", sort: tracers, title: null } as const;
  return {
    config: FIGURE_CONFIG,
    title,
    data: { values: marks },
    facet: { column: { field: "family", type: "nominal", title: null, sort: ["interception", "observation"] } },
    resolve: { scale: { x: "independent" } },
    spec: {
      width: 360,
      height: 320,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'ours'" }],
          mark: { type: "point", filled: true, size: 60 },
          encoding: {
            x,
            y,
            color: { field: "tracer", type: "nominal", title: "mechanism", scale: { domain: tracers, range: tracers.map(tracerColour) }, legend: MECHANISM_LEGEND },
            tooltip: [{ field: "tracer" }, { field: "label", title: "call" }, { field: "overhead_ns", format: ".0f" }],
          },
        },
        {
          transform: [{ filter: "datum.kind === 'published'" }],
          mark: { type: "point", shape: "cross", size: 120, color: "#1a1a1a" },
          encoding: { x, y, tooltip: [{ field: "label" }, { field: "overhead_ns", format: ".1f" }] },
        },
      ],
    },
  } as TopLevelSpec;
}
