import type { TopLevelSpec } from "vega-lite";
import type { RawRow } from "../../results/rawCsv.ts";
import { PLACEMENTS, type Tracer } from "../../model/vocabulary.ts";
import { TRIAL_COLOURS } from "../palette.ts";
import { FIGURE_CONFIG } from "./style.ts";

/**
 * Frame 26: cycles of every round, one line per trial, one panel per
 * placement (the suspected cause of the flapping). The y axis is
 * logarithmic: a few descheduled rounds cost a hundred times the rest and
 * would otherwise flatten the two levels the figure is about. Given
 * `tracerRows`, the rows hold several tracers, one row of panels each, in
 * that order; lower panels keep the figure readable, and every panel gets
 * its own axis, since one tracer's descheduled rounds would flatten another's levels.
 */
export function flappingSpec(rows: RawRow[], title: string, tracerRows?: Tracer[]): TopLevelSpec {
  const column = { field: "placement", type: "nominal" as const, sort: [...PLACEMENTS], title: "placement" };
  return {
    config: FIGURE_CONFIG,
    title,
    data: { values: rows },
    facet: tracerRows ? { column, row: { field: "tracer", type: "nominal", sort: tracerRows, title: "tracer" } } : { column },
    ...(tracerRows ? { resolve: { scale: { y: "independent" } } } : {}),
    spec: {
      width: 320,
      height: tracerRows ? 150 : 260,
      mark: { type: "line", strokeWidth: 1.2, point: { size: 14 } },
      encoding: {
        x: { field: "round", type: "quantitative", title: "round", scale: { zero: false, nice: false }, axis: { tickMinStep: 1 } },
        y: { field: "cycles", type: "quantitative", title: "cycles (log scale)", scale: { type: "log" } },
        color: { field: "trial", type: "nominal", title: "trial", scale: { range: TRIAL_COLOURS } },
      },
    },
  };
}
