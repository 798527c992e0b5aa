import type { Config } from "vega-lite";

// Without a canvas, vega sizes text from the font size alone, so a fixed
// family keeps the SVG identical between machines; browsers then draw it in
// the first of these they have.
export const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

/** Shared by every figure: font, horizontal labels, axis titles kept clear of the labels. */
export const FIGURE_CONFIG: Config = {
  font: FONT,
  background: "white",
  axis: { labelFontSize: 11, titleFontSize: 12, titlePadding: 10, labelPadding: 4 },
  axisX: { labelAngle: 0 },
  legend: { orient: "top", labelFontSize: 11, titleFontSize: 11 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 13, anchor: "start", offset: 12 },
  view: { stroke: "#d0d0d0" },
};

/** A legend of one entry per tracer is too long for the top: a column beside the plot, names in full. */
export const MECHANISM_LEGEND = { orient: "right", labelLimit: 320 } as const;
