import type { HostFacts } from "../results/manifest.ts";
import type { Placement } from "../spec/vocabulary.ts";
import { compareWithPublished } from "./comparison.ts";
import { formatNumber, formatPercent } from "./format.ts";
import { hostFigures, type FigurePlan } from "./hostFigures.ts";
import { factsTable, html, Html, slug, table } from "./html.ts";
import type { RunData } from "./runData.ts";
import { figurePlacement } from "./selection.ts";
import { SERIES_LABELS } from "./series.ts";
import { writeFigure } from "./svg.ts";

function environmentTable(facts: HostFacts | undefined): Html {
  if (!facts) return html`<p>No facts were gathered for this host (it failed before measuring).</p>`;
  return factsTable([
    ["OS", facts.os],
    ["OS release", facts.osRelease],
    ["kernel", facts.kernel],
    ["architecture", facts.arch],
    ["CPU model", facts.cpuModel],
    ["cores", facts.cores],
    ["memory", facts.memoryBytes === null ? "unknown" : `${formatNumber(facts.memoryBytes)} bytes`],
    ["TSC frequency", `${facts.tscHz === null ? "unknown" : `${formatNumber(facts.tscHz)} Hz`} (${facts.tscHzSource})`],
    ["TSC flags", facts.tscFlags.join(" ") || "none reported"],
    ["TSC note", facts.tscNote ?? "none"],
    ["virtualized", facts.virtualized ? "yes (hypervisor flag set)" : "no"],
    ["compiler", facts.compiler],
    ["load average (1, 5, 15 min)", facts.loadAverage?.join(", ") ?? "unknown"],
    ["timer overhead", facts.timerOverheadCycles === null ? "unknown" : `${formatNumber(facts.timerOverheadCycles)} cycles (recorded, not subtracted)`],
    ["timer", facts.timer ?? "unknown"],
  ]);
}

async function figureBlock(outDir: string, host: string, plan: FigurePlan): Promise<{ markup: Html; files: string[] }> {
  if (!plan.spec) return { markup: html`<figure><h3>${plan.heading}</h3><figcaption>${plan.caption}</figcaption></figure>`, files: [] };
  const written = await writeFigure(outDir, `${slug(host)}-${plan.name}`, plan.spec, plan.csv);
  const { links } = written;
  const markup = html`<figure>
<h3>${plan.heading}</h3>
${new Html(written.svg)}
<figcaption>${plan.caption}
<span class="files">Files: <a href="${links.svg}">SVG</a> · <a href="${links.spec}">vega-lite spec</a> · <a href="${links.csv}">data (CSV)</a></span></figcaption>
</figure>`;
  return { markup, files: Object.values(links) };
}

function comparisonTable(run: RunData, host: string, placement: Placement): Html {
  const rows = compareWithPublished(host, placement, run.published, run.summary, run.manifest.cells).map((c) => [
    c.published.fd,
    c.published.call,
    SERIES_LABELS[c.published.series],
    c.ours === null ? "—" : formatPercent(c.ours),
    formatPercent(c.published.overheadPercent),
    c.verdict,
  ]);
  return html`<p>Overhead in percent of the plain median, ours (placement ${placement}) beside the slides' bar labels
(frames 27 and 28). "Similar" means within a factor of two either way; otherwise the factor ours ÷ published is given.</p>
${table(["descriptor", "call", "series", "ours", "published (2009)", "verdict"], rows, "numbers")}`;
}

/** One host's part of the report: its environment, the four figures, and the comparison with the slides. */
export async function hostSection(run: RunData, host: string, outDir: string): Promise<{ markup: Html; files: string[] }> {
  const placement = figurePlacement(run.summary.filter((r) => r.host === host));
  const figures = [];
  for (const plan of hostFigures(run, host, placement)) figures.push(await figureBlock(outDir, host, plan));
  const markup = html`<section id="host-${slug(host)}">
<h2>Host ${host}</h2>
<h3>Environment</h3>
${environmentTable(run.manifest.hosts[host])}
${figures.map((f) => f.markup)}
<h3>Comparison with the published overheads</h3>
${comparisonTable(run, host, placement)}
</section>`;
  return { markup, files: figures.flatMap((f) => f.files) };
}
