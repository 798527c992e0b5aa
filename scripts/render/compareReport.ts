import type { CellComparison, RunComparison, RunSamples } from "../analyze/compareRuns.ts";
import { formatInterval, formatNumber, formatP } from "./format.ts";
import { html, table, type Html } from "./html.ts";
import { page } from "./page.ts";
import { textTable } from "./textTable.ts";

// `tracetax compare` as benchstat shows it: one line per cell measured in
// both runs, the change only where the interval of B/A leaves out 1 ("~"
// otherwise). The same rows serve the terminal and the HTML page.

const COLUMNS = ["cell", "A median", "B median", "B/A", "95% CI", "p", "change"];

const ratioText = (ratio: number) => ratio.toFixed(3);

function changeText(c: CellComparison): string {
  if (!c.changed) return "~";
  const percent = (c.ratio - 1) * 100;
  return `${percent >= 0 ? "+" : "−"}${Math.abs(percent).toFixed(1)}%`;
}

function rowTexts(c: CellComparison): string[] {
  return [
    c.cell,
    formatNumber(c.medianA),
    formatNumber(c.medianB),
    ratioText(c.ratio),
    formatInterval(c.ratioInterval.low, c.ratioInterval.high, ratioText),
    formatP(c.p),
    changeText(c),
  ];
}

function describeRun(r: RunSamples): string {
  const hosts = [...new Set(r.manifest.cells.map((c) => c.host))].join(", ");
  return `${r.dir} (${r.manifest.runId}, ${r.manifest.kind}; ${hosts})`;
}

function explanation(c: RunComparison): string[] {
  const match = c.matchedByHost ? "host and name" : "name (one host in each run)";
  return [
    `Cells matched by ${match}; medians of ${c.a.run.sample}.`,
    `B/A: ratio of the medians, 95% bootstrap interval (${c.analysis.bootstrapResamples} resamples, seed ${c.analysis.seed}).`,
    `p: two-sided Mann-Whitney U test over the same samples. change: shown where the interval leaves out 1, else "~".`,
  ];
}

function geomeanText(c: RunComparison): string | null {
  return c.geomeanRatio === null ? null : `geomean B/A over ${c.cells.length} cells: ${ratioText(c.geomeanRatio)}`;
}

function unmatched(c: RunComparison): string[] {
  return [
    c.onlyInA.length > 0 ? `only in A (${c.onlyInA.length}): ${c.onlyInA.join(", ")}` : "",
    c.onlyInB.length > 0 ? `only in B (${c.onlyInB.length}): ${c.onlyInB.join(", ")}` : "",
  ].filter(Boolean);
}

/** A plain-text table for the terminal: the cell name left-aligned, numbers right-aligned. */
export function comparisonText(c: RunComparison): string {
  return [
    `A: ${describeRun(c.a)}`,
    `B: ${describeRun(c.b)}`,
    ...explanation(c),
    "",
    ...(c.cells.length > 0 ? textTable(COLUMNS, c.cells.map(rowTexts)) : ["no cell was measured in both runs"]),
    ...[geomeanText(c)].filter((t): t is string => t !== null),
    ...unmatched(c),
    "",
  ].join("\n");
}

/** The same comparison as a self-contained HTML page. */
export function comparisonPage(c: RunComparison): string {
  const list = (lines: string[]): Html => html`${lines.map((l) => html`<p>${l}</p>\n`)}`;
  const body = html`<h1>Comparison of two tracetax runs</h1>
<ul><li><b>A</b>: ${describeRun(c.a)}</li><li><b>B</b>: ${describeRun(c.b)}</li></ul>
${list(explanation(c))}
${c.cells.length > 0 ? table(COLUMNS, c.cells.map(rowTexts), "numbers compare") : html`<p>No cell was measured in both runs.</p>`}
${list([geomeanText(c) ?? "", ...unmatched(c)].filter(Boolean))}`;
  return page(`tracetax compare ${c.a.manifest.runId} ${c.b.manifest.runId}`, body);
}
