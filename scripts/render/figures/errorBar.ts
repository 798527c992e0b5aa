import type { TopLevelSpec } from "vega-lite";
import { INK } from "../palette.ts";

type Layer = NonNullable<Extract<TopLevelSpec, { layer: unknown }>["layer"]>[number];

/**
 * An error bar from two columns of the data, drawn over bars; rows whose
 * interval is empty get none. `axisTitle` must be the bars' axis title, or
 * vega-lite joins the layers' field titles into the shared axis title; the
 * field title names the mark for screen readers.
 */
export function errorBarLayer(low: string, high: string, what: string, axisTitle: string): Layer {
  return {
    transform: [{ filter: `datum.${low} != null` }],
    mark: { type: "errorbar", ticks: { size: 7 }, color: INK, thickness: 1.3 },
    encoding: {
      y: { field: low, type: "quantitative", title: `95% CI of the ${what}, low`, axis: { title: axisTitle } },
      y2: { field: high, title: "high" },
    },
  };
}
