import type { TopLevelSpec } from "vega-lite";
import type { Mechanism, Tracer } from "../../model/vocabulary.ts";
import { tracerColour } from "../palette.ts";
import { FIGURE_CONFIG, MECHANISM_LEGEND } from "./style.ts";

/** The two parts of an interception's cost, stacked in this order from the axis up. */
export const COST_PARTS = ["interception", "analysis"] as const;
export type CostPart = (typeof COST_PARTS)[number];

/** One segment of a stacked bar: a mechanism's part of the cost, read from the cell named by tracer. */
export interface CostSegment {
  mechanism: Mechanism;
  part: CostPart;
  /** The cell the number was read from: the null handler's for interception, the inspect handler's for analysis. */
  tracer: Tracer;
  cycles: number;
  /** Legend entry: the part and the cell it comes from. */
  segment: string;
  stack_order: number;
}

export function costSegment(mechanism: Mechanism, part: CostPart, tracer: Tracer, cycles: number): CostSegment {
  return { mechanism, part, tracer, cycles, segment: `${part} (${tracer})`, stack_order: COST_PARTS.indexOf(part) };
}

/**
 * Interception vs analysis: per mechanism one bar, the null handler's
 * overhead over plain at the bottom and the inspect handler's extra cost on
 * top, each in the colour of the cell it was read from.
 */
export function handlerSplitSpec(segments: CostSegment[], mechanisms: Mechanism[], title: string): TopLevelSpec {
  const legend = segments.map((s) => s.segment);
  return {
    config: FIGURE_CONFIG,
    title,
    width: Math.max(240, 110 * mechanisms.length),
    height: 320,
    data: { values: segments },
    mark: "bar",
    encoding: {
      x: { field: "mechanism", type: "nominal", sort: mechanisms, title: "mechanism" },
      y: { field: "cycles", type: "quantitative", title: "cycles", stack: "zero" },
      order: { field: "stack_order", type: "quantitative" },
      color: {
        field: "segment",
        type: "nominal",
        title: "part (cell)",
        scale: { domain: legend, range: segments.map((s) => tracerColour(s.tracer)) },
        legend: MECHANISM_LEGEND,
      },
    },
  };
}
