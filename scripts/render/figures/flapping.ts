import type { TopLevelSpec } from "vega-lite";
import type { RawRow } from "../../results/rawCsv.ts";
import { PLACEMENTS } from "../../spec/vocabulary.ts";
import { TRIAL_COLOURS } from "../palette.ts";
import { FIGURE_CONFIG } from "./style.ts";

/** Frame 26: cycles of every round, one line per trial, one panel per placement (the suspected cause of the flapping). */
export function flappingSpec(rows: RawRow[], title: string): TopLevelSpec {
  return {
    config: FIGURE_CONFIG,
    title,
    data: { values: rows },
    facet: { column: { field: "placement", type: "nominal", sort: [...PLACEMENTS], title: "placement" } },
    spec: {
      width: 300,
      height: 240,
      mark: { type: "line", strokeWidth: 1.2, point: { size: 14 } },
      encoding: {
        x: { field: "round", type: "quantitative", title: "round", scale: { zero: false, nice: false }, axis: { tickMinStep: 1 } },
        y: { field: "cycles", type: "quantitative", title: "cycles" },
        color: { field: "trial", type: "nominal", title: "trial", scale: { range: TRIAL_COLOURS } },
      },
    },
  };
}
