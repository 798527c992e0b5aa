import type { Placement } from "../model/vocabulary.ts";
import { compareWithPublished } from "./comparison.ts";
import { cellStatisticsTable, overheadTable } from "./cellTables.ts";
import { environmentSection } from "./environment.ts";
import { formatPercent } from "./format.ts";
import { figureBlock } from "./figureBlock.ts";
import { hostFigures } from "./hostFigures.ts";
import { html, slug, table, type Html } from "./html.ts";
import { mechanismsSection } from "./mechanismsSection.ts";
import { observersSection } from "./observersSection.ts";
import type { RunData } from "./runData.ts";
import { figurePlacement } from "./selection.ts";
import { SERIES_LABELS } from "./series.ts";

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
(frames 27 and 28). "Similar" means within a factor of two either way; otherwise the factor ours ÷ published is given.
Where the 95% interval of our overhead includes zero, there is no overhead of ours to compare.</p>
${table(["descriptor", "call", "series", "ours", "published (2009)", "verdict"], rows, "comparison")}`;
}

/** One host's part of the report: its environment and warnings, the four figures, the comparison with the slides, the other interception mechanisms, and every cell's statistics. */
export async function hostSection(run: RunData, host: string, outDir: string): Promise<{ markup: Html; files: string[] }> {
  const placement = figurePlacement(run.summary.filter((r) => r.host === host));
  const figures = [];
  for (const plan of hostFigures(run, host, placement)) figures.push(await figureBlock(outDir, host, plan));
  const rows = run.summary.filter((r) => r.host === host);
  const mechanisms = await mechanismsSection(run, host, outDir);
  const observers = await observersSection(run, host, outDir);
  const markup = html`<section id="host-${slug(host)}">
<h2>Host ${host}</h2>
<h3>Environment</h3>
${environmentSection(run.manifest.hosts[host])}
${figures.map((f) => f.markup)}
<h3>Comparison with the published overheads</h3>
${comparisonTable(run, host, placement)}
${mechanisms.markup}
${observers.markup}
<h3>Statistics per cell</h3>
<p>Every measured cell, all trials pooled; from <code>summary.csv</code>. The interval of the median is distribution-free
(order statistics); the spread between trials is the MAD of the trials' medians, the MAD within trials the median
distance of a round from its own trial's median. Warnings are explained below the table and under Methodology.</p>
${cellStatisticsTable(rows)}
<h3>Overhead per traced cell</h3>
<p>Traced against the plain cell of the same benchmark pinning: difference and ratio of the medians with 95% bootstrap
intervals, and the two-sided p of a Mann-Whitney U test that the traced and plain rounds come from one distribution.</p>
${overheadTable(rows)}
</section>`;
  return { markup, files: [...figures, mechanisms, observers].flatMap((f) => f.files) };
}
