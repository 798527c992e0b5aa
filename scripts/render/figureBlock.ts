import type { FigurePlan } from "./hostFigures.ts";
import { html, Html, slug } from "./html.ts";
import { writeFigure } from "./svg.ts";

/** A figure of one host in the page: heading, the SVG inline, the caption and links to its four files; only the caption when there is nothing to draw. */
export async function figureBlock(outDir: string, host: string, plan: FigurePlan): Promise<{ markup: Html; files: string[] }> {
  if (!plan.spec) return { markup: html`<figure><h3>${plan.heading}</h3><figcaption>${plan.caption}</figcaption></figure>`, files: [] };
  const written = await writeFigure(outDir, `${slug(host)}-${plan.name}`, plan.spec, plan.csv);
  const { links } = written;
  const markup = html`<figure>
<h3>${plan.heading}</h3>
${new Html(written.svg)}
<figcaption>${plan.caption}
<span class="files">Files: <a href="${links.svg}">SVG</a> · <a href="${links.png}">PNG</a> · <a href="${links.spec}">vega-lite spec</a> · <a href="${links.csv}">data (CSV)</a></span></figcaption>
</figure>`;
  return { markup, files: Object.values(links) };
}
