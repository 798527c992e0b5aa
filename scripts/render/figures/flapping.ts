import type { TopLevelSpec } from "vega-lite";
import type { RawRow } from "../../results/rawCsv.ts";
import { PLACEMENTS } from "../../spec/vocabulary.ts";
import { TRIAL_COLOURS } from "../palette.ts";
import { FIGURE_CONFIG } from "./style.ts";

/**
 * Frame 26: cycles of every round, one line per trial, one panel per
 * placement (the suspected cause of the flapping). The y axis is
 * logarithmic: a few descheduled rounds cost a hundred times the rest and
 * would otherwise flatten the two levels the figure is about.
 */
export function flappingSpec(rows: RawRow[], title: string): TopLevelSpec {
  return {
    config: FIGURE_CONFIG,
    title,
    data: { values: rows },
    facet: { column: { field: "placement", type: "nominal", sort: [...PLACEMENTS], title: "placement" } },
    spec: {
      width: 320,
      height: 260,
      mark: { type: "line", strokeWidth: 1.2, point: { size: 14 } },
      encoding: {
        x: { field: "round", type: "quantitative", title: "round", scale: { zero: false, nice: false }, axis: { tickMinStep: 1 } },
        y: { field: "cycles", type: "quantitative", title: "cycles (log scale)", scale: { type: "log" } },
        color: { field: "trial", type: "nominal", title: "trial", scale: { range: TRIAL_COLOURS } },
      },
    },
  };
}
