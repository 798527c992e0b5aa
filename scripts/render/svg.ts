import { join } from "node:path";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import { svgToPng } from "./png.ts";

/** Vega-lite → vega → SVG markup, in Node with no browser and no canvas. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Vega numbers clip paths and gradients with module-wide counters; restart
  // them so a figure gets the same ids however many figures came before it.
  vega.resetSVGDefIds();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface WrittenFigure {
  svg: string;
  /** Paths relative to the directory the figures directory is in, as links from index.html. */
  links: { svg: string; png: string; spec: string; csv: string };
}

/** Write a figure four ways: the picture as SVG and PNG, the spec that draws it, and the rows it was drawn from. */
export async function writeFigure(outDir: string, baseName: string, spec: TopLevelSpec, csv: string): Promise<WrittenFigure> {
  const svg = await renderSvg(spec);
  const links = {
    svg: `figures/${baseName}.svg`,
    png: `figures/${baseName}.png`,
    spec: `figures/${baseName}.vl.json`,
    csv: `figures/${baseName}.csv`,
  };
  writeFileAtomic(join(outDir, links.svg), svg);
  writeFileAtomic(join(outDir, links.png), svgToPng(svg));
  writeFileAtomic(join(outDir, links.spec), `${JSON.stringify(spec, null, 2)}\n`);
  writeFileAtomic(join(outDir, links.csv), csv);
  return { svg, links };
}
