import type { TopLevelSpec } from "vega-lite";
import type { SummaryRow } from "../../results/summaryCsv.ts";
import { CALLS, FDS } from "../../model/vocabulary.ts";
import { FD_COLOURS } from "../palette.ts";
import { errorBarLayer } from "./errorBar.ts";
import { FIGURE_CONFIG } from "./style.ts";

/** Frame 25: median cycles of plain (tracer none) cells, one bar per descriptor, the 95% interval of the median as error bars. */
export function plainCallsSpec(rows: SummaryRow[], title: string): TopLevelSpec {
  // One axis title in every layer (see errorBarLayer).
  const axis = { title: "cycles (median)" };
  return {
    config: FIGURE_CONFIG,
    title,
    width: 560,
    height: 300,
    data: { values: rows },
    encoding: {
      x: { field: "call", type: "nominal", sort: [...CALLS], title: "call" },
      xOffset: { field: "fd", type: "nominal", sort: [...FDS] },
    },
    layer: [
      {
        mark: "bar",
        encoding: {
          y: { field: "median", type: "quantitative", title: "median (cycles)", axis },
          color: {
            field: "fd",
            type: "nominal",
            title: "descriptor",
            scale: { domain: [...FDS], range: FDS.map((fd) => FD_COLOURS[fd]) },
          },
        },
      },
      // Cells with too few rounds have no interval and so no error bar.
      errorBarLayer("median_ci_low", "median_ci_high", "median", axis.title),
    ],
  };
}
