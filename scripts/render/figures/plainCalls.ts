import type { TopLevelSpec } from "vega-lite";
import type { SummaryRow } from "../../results/summaryCsv.ts";
import { CALLS, FDS } from "../../spec/vocabulary.ts";
import { FD_COLOURS, INK } from "../palette.ts";
import { FIGURE_CONFIG } from "./style.ts";

/** Frame 25: median cycles of plain (tracer none) cells, one bar per descriptor, q1–q3 as error bars. */
export function plainCallsSpec(rows: SummaryRow[], title: string): TopLevelSpec {
  return {
    config: FIGURE_CONFIG,
    title,
    width: 440,
    height: 260,
    data: { values: rows },
    encoding: {
      x: { field: "call", type: "nominal", sort: [...CALLS], title: "call" },
      xOffset: { field: "fd", type: "nominal", sort: [...FDS] },
    },
    layer: [
      {
        mark: "bar",
        encoding: {
          y: { field: "median", type: "quantitative", title: "cycles (median)" },
          color: {
            field: "fd",
            type: "nominal",
            title: "descriptor",
            scale: { domain: [...FDS], range: FDS.map((fd) => FD_COLOURS[fd]) },
          },
        },
      },
      {
        mark: { type: "rule", color: INK, strokeWidth: 1.5 },
        encoding: {
          y: { field: "q1", type: "quantitative" },
          y2: { field: "q3" },
        },
      },
    ],
  };
}
