import type { TopLevelSpec } from "vega-lite";
import type { SummaryRow } from "../../results/summaryCsv.ts";
import { CALLS, type Call, type Tracer } from "../../model/vocabulary.ts";
import { tracerColour } from "../palette.ts";
import { errorBarLayer } from "./errorBar.ts";
import { FIGURE_CONFIG, MECHANISM_LEGEND } from "./style.ts";

/** One bar: a traced cell's overhead, with its interval only where both ends can stand on a log axis. */
interface MechanismBar {
  call: Call;
  tracer: Tracer;
  overhead_cycles: number;
  ci_low: number | null;
  ci_high: number | null;
}

/** A log axis has no place for zero or less: such overheads are named in the caption instead of drawn. */
export function hasPositiveOverhead(row: SummaryRow): boolean {
  return row.overhead_cycles !== null && row.overhead_cycles > 0;
}

function mechanismBars(rows: SummaryRow[]): MechanismBar[] {
  return rows.filter(hasPositiveOverhead).map((r) => {
    const logInterval = r.overhead_ci_low !== null && r.overhead_ci_low > 0 && r.overhead_ci_high !== null && r.overhead_ci_high > 0;
    return {
      call: r.call,
      tracer: r.tracer,
      overhead_cycles: r.overhead_cycles!,
      ci_low: logInterval ? r.overhead_ci_low : null,
      ci_high: logInterval ? r.overhead_ci_high : null,
    };
  });
}

/**
 * Overhead of every mechanism per call, grouped bars in the tracers' order.
 * The axis is logarithmic: a filter in the kernel and a tracer process
 * differ by orders of magnitude.
 */
export function mechanismOverheadSpec(rows: SummaryRow[], tracers: Tracer[], title: string): TopLevelSpec {
  // One axis title in every layer (see errorBarLayer).
  const axis = { title: "overhead (cycles, log scale)" };
  return {
    config: FIGURE_CONFIG,
    title,
    width: 900,
    height: 360,
    data: { values: mechanismBars(rows) },
    encoding: {
      x: { field: "call", type: "nominal", sort: [...CALLS], title: "call" },
      xOffset: { field: "tracer", type: "nominal", sort: tracers, scale: { domain: tracers } },
    },
    layer: [
      {
        mark: "bar",
        encoding: {
          y: { field: "overhead_cycles", type: "quantitative", title: "overhead (cycles)", scale: { type: "log" }, stack: null, axis },
          color: {
            field: "tracer",
            type: "nominal",
            title: "tracer",
            scale: { domain: tracers, range: tracers.map(tracerColour) },
            legend: MECHANISM_LEGEND,
          },
        },
      },
      errorBarLayer("ci_low", "ci_high", "overhead", axis.title),
    ],
  };
}
