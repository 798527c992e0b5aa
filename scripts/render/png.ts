import { Resvg } from "@resvg/resvg-js";
import { FONT } from "./figures/style.ts";

// Twice the SVG's size, so the picture stays sharp on slides and high-density screens.
const PNG_SCALE = 2;

/** Rasterise a figure's SVG in Node (resvg: no browser, no canvas), with the system's fonts as the page would use them. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: PNG_SCALE },
    font: { loadSystemFonts: true, defaultFontFamily: FONT.split(",")[0].trim() },
  });
  return resvg.render().asPng();
}
