import { formatRawRows, rawHeader } from "../results/rawCsv.ts";
import { formatSummaryCsv, type SummaryRow } from "../results/summaryCsv.ts";
import {
  CALLS,
  canonicalTracer,
  MECHANISM_NAMES,
  MECHANISMS,
  mechanismOf,
  PLACEMENTS,
  type Mechanism,
  type Placement,
  type Tracer,
} from "../model/vocabulary.ts";
import { ratioText } from "./cellTables.ts";
import { figureBlock } from "./figureBlock.ts";
import { flappingSpec } from "./figures/flapping.ts";
import { costSegment, handlerSplitSpec, type CostSegment } from "./figures/handlerSplit.ts";
import { hasPositiveOverhead, mechanismOverheadSpec } from "./figures/mechanismOverhead.ts";
import { formatNumber } from "./format.ts";
import { sampleSize, whyMissing, type FigurePlan } from "./hostFigures.ts";
import { html, slug, table, type Html } from "./html.ts";
import type { RunData } from "./runData.ts";
import { distinct, matches } from "./selection.ts";
import { SERIES_TRACER } from "./series.ts";

// The mechanisms a modern kernel offers beside the paper's ptrace and
// systrace, compared on the calls of the run: what each costs, how much of
// that is analysing the call rather than intercepting it, and whether the
// two-process ones flap like ptrace did in 2009.

const PAPER_TRACERS: Tracer[] = ["none", ...Object.values(SERIES_TRACER)];

/** Mechanisms are compared where the paper drew its figures: unpinned, and a valid descriptor. */
const COMPARED = { fd: "valid", placement: "unpinned" } as const;

/** The call the inspect handler does real work for: it reads and judges open()'s path. */
const ANALYSED_CALL = "open";

const hasTracerProcess = (tracer: Tracer) => MECHANISMS[mechanismOf(tracer)].tracerProcess;

/** Whether a host's summary rows hold any tracer beyond the paper's; only then is there a mechanisms section. */
export function measuresMechanisms(hostRows: SummaryRow[]): boolean {
  return hostRows.some((r) => !PAPER_TRACERS.includes(r.tracer));
}

export function mechanismsAnchor(host: string): string {
  return `mechanisms-${slug(host)}`;
}

/** The traced tracers of some rows in the vocabulary's order of mechanisms, each null handler before its inspect handler. */
function tracersOf(rows: { tracer: Tracer }[]): Tracer[] {
  const rank = (t: Tracer) => 2 * MECHANISM_NAMES.indexOf(mechanismOf(t)) + (t.endsWith(":inspect") ? 1 : 0);
  return distinct(rows.map((r) => r.tracer).filter((t) => t !== "none")).sort((a, b) => rank(a) - rank(b));
}

/** "preload on write, close; sud on fstat": the cells a caption names, grouped by tracer. */
function cellsByTracer(rows: SummaryRow[]): string {
  return tracersOf(rows)
    .map((t) => `${t} on ${rows.filter((r) => r.tracer === t).map((r) => r.call).join(", ")}`)
    .join("; ");
}

function overheadFigure(run: RunData, host: string, hostRows: SummaryRow[]): FigurePlan {
  const rows = hostRows.filter((r) => matches(r, COMPARED) && r.tracer !== "none" && r.overhead_cycles !== null);
  const drawn = rows.filter(hasPositiveOverhead);
  const leftOut = rows.filter((r) => !hasPositiveOverhead(r));
  return {
    name: "mechanism-overhead",
    heading: "Overhead per mechanism",
    spec: drawn.length > 0 ? mechanismOverheadSpec(rows, tracersOf(drawn), `Overhead per mechanism on ${host} (valid descriptors, unpinned)`) : null,
    csv: formatSummaryCsv(rows),
    caption:
      drawn.length > 0
        ? html`A bar is the overhead in cycles of one traced cell with a valid descriptor, unpinned (mechanisms without a
tracer process are measured unpinned too), over the plain unpinned cell: the traced median minus the plain median, each
the median of ${sampleSize(run.manifest.cells, drawn)}. The error bar is the 95% bootstrap interval of that difference,
drawn where both its ends are above zero. The cycle axis is logarithmic, so that overheads orders of magnitude
apart fit one figure.${leftOut.length > 0 ? ` No positive overhead: ${cellsByTracer(leftOut)}.` : ""}`
        : html`Not drawn: no traced unpinned cell with a valid descriptor has a positive overhead on this host
(${whyMissing(run.manifest.cells, { host, ...COMPARED })}).`,
  };
}

function handlerSplitFigure(run: RunData, host: string, hostRows: SummaryRow[]): FigurePlan {
  const want = { host, call: ANALYSED_CALL, ...COMPARED } as const;
  const mechanisms = distinct(tracersOf(hostRows).map(mechanismOf)).filter((m) => MECHANISMS[m].handlers);
  const segments: CostSegment[] = [];
  const read: SummaryRow[] = [];
  const missing: string[] = [];
  for (const mechanism of mechanisms) {
    const inspect = canonicalTracer({ mechanism, handler: "inspect" });
    const interception = hostRows.find((r) => matches(r, { ...want, tracer: mechanism }));
    const analysis = hostRows.find((r) => matches(r, { ...want, tracer: inspect }));
    if (interception?.overhead_cycles != null) segments.push(costSegment(mechanism, "interception", mechanism, interception.overhead_cycles));
    else missing.push(`no interception part for ${mechanism} (${whyMissing(run.manifest.cells, { ...want, tracer: mechanism })})`);
    if (analysis?.analysis_cycles != null) segments.push(costSegment(mechanism, "analysis", inspect, analysis.analysis_cycles));
    else missing.push(`no analysis part for ${mechanism} (${whyMissing(run.manifest.cells, { ...want, tracer: inspect })})`);
    read.push(...[interception, analysis].filter((r): r is SummaryRow => r !== undefined));
  }
  const drawnMechanisms: Mechanism[] = distinct(segments.map((s) => s.mechanism));
  const gaps = missing.length > 0 ? ` Missing: ${missing.join("; ")}.` : "";
  return {
    name: "interception-analysis",
    heading: "Interception vs analysis",
    spec: segments.length > 0 ? handlerSplitSpec(segments, drawnMechanisms, `Interception and analysis of open() on ${host} (valid descriptor, unpinned)`) : null,
    csv: formatSummaryCsv(read),
    caption:
      segments.length > 0
        ? html`The cost of intercepting a call has two parts, as the 2009 slides cite from [Chu]: <b>interception</b>, getting
the call to a handler and back, and <b>analysis</b>, what the handler does with it. The lower segment is the overhead of the
null handler's cell over plain (<code>overhead_cycles</code>; the handler only lets the call through); the upper one is the
inspect handler's cell minus the null handler's (<code>analysis_cycles</code>; the handler reads the call's arguments and
judges open()'s path). Both for open() with a valid descriptor, unpinned; an analysis part below the axis means the
inspect handler's cell had the lower median.${gaps}`
        : html`Not drawn: no mechanism with handlers has either part on this host.${gaps}`,
  };
}

function ratioTable(hostRows: SummaryRow[]): Html {
  const rows = hostRows.filter((r) => matches(r, COMPARED));
  const calls = CALLS.filter((c) => rows.some((r) => r.call === c));
  const body = tracersOf(rows).map((tracer) => [
    tracer,
    ...calls.map((call) => {
      const row = rows.find((r) => r.tracer === tracer && r.call === call);
      return row ? ratioText(row) : "—";
    }),
  ]);
  return html`<h4>Ratio to plain</h4>
<p>Traced median ÷ plain median per call, valid descriptor, unpinned, with its 95% bootstrap interval
(<code>ratio</code>, <code>ratio_ci_low</code>, <code>ratio_ci_high</code>); "—" where the cell was not measured.</p>
${table(["tracer", ...calls], body, "numbers ratios")}`;
}

/** The cells of write() with an invalid descriptor under two-process tracers, the flapping cells of frame 26. */
const FLAPPING_CELL = { call: "write", fd: "invalid" } as const;

function flappingFigure(run: RunData, host: string, tracers: Tracer[]): FigurePlan {
  const want = { host, ...FLAPPING_CELL };
  const rows = run.raw.filter((r) => matches(r, want) && tracers.includes(r.tracer));
  const drawnTracers = tracers.filter((t) => rows.some((r) => r.tracer === t));
  return {
    name: "mechanism-flapping",
    heading: "Flapping by placement, every two-process mechanism",
    spec: rows.length > 0 ? flappingSpec(rows, `write() with an invalid descriptor on ${host}`, drawnTracers) : null,
    csv: rawHeader() + formatRawRows(rows),
    caption:
      rows.length > 0
        ? html`As frame 26, for every tracer whose mechanism intercepts from a second process (one row of panels each:
${drawnTracers.join(", ")}): cycles of every round of write() with an invalid descriptor, one line per trial
(${sampleSize(run.manifest.cells, rows)} per placement), one panel per placement, on a logarithmic axis of its own in every panel.`
        : html`Not drawn: no rounds of write() with an invalid descriptor under a two-process tracer on this host
(${whyMissing(run.manifest.cells, want)}).`,
  };
}

const placementRank = (p: Placement) => PLACEMENTS.indexOf(p as (typeof PLACEMENTS)[number]);

/** What the modes show about placement, in words taken from the table's bimodal column. */
function placementFinding(rows: SummaryRow[]): string {
  const bimodal = rows.filter((r) => r.bimodal);
  if (bimodal.length === 0) return `None of these ${rows.length} cells is bimodal: in this run there are no two modes for placement to explain.`;
  const tracers = tracersOf(rows);
  const placementsOf = (t: Tracer, modes: boolean) => rows.filter((r) => r.tracer === t && r.bimodal === modes).map((r) => r.placement);
  const everywhere = tracers.filter((t) => placementsOf(t, true).length > 0 && placementsOf(t, false).length === 0);
  const somewhere = tracers.filter((t) => placementsOf(t, true).length > 0 && placementsOf(t, false).length > 0);
  const never = tracers.filter((t) => placementsOf(t, true).length === 0);
  const sentences = [`${bimodal.length} of ${rows.length} cells are bimodal.`];
  if (everywhere.length > 0) {
    sentences.push(`${everywhere.join(", ")}: bimodal at every placement measured, so for ${everywhere.length === 1 ? "it" : "them"} placement does not explain the bimodal rounds.`);
  }
  for (const t of somewhere) {
    sentences.push(`${t}: bimodal at ${placementsOf(t, true).join(", ")} but not at ${placementsOf(t, false).join(", ")}, so for it the modes come and go with the placement.`);
  }
  if (never.length > 0) sentences.push(`${never.join(", ")}: one mode at every placement.`);
  return sentences.join(" ");
}

function modesTable(hostRows: SummaryRow[], tracers: Tracer[]): Html {
  const rank = (r: SummaryRow) => tracers.indexOf(r.tracer) * PLACEMENTS.length + placementRank(r.placement);
  const rows = hostRows.filter((r) => matches(r, FLAPPING_CELL) && tracers.includes(r.tracer)).sort((a, b) => rank(a) - rank(b));
  if (rows.length === 0) return html``;
  const body = rows.map((r) => [
    r.tracer,
    r.placement,
    r.bimodal ? "yes" : "no",
    `${formatNumber(r.bc_median)} (${r.bc_n})`,
    `${formatNumber(r.wc_median)} (${r.wc_n})`,
  ]);
  return html`<h4>Two modes by placement</h4>
<p>write() with an invalid descriptor under each two-process tracer: whether the cell's rounds fall into two modes, and
the median cycles of the best case (bc, lower mode) and worst case (wc, upper mode) with their rounds in brackets; a cell
with one mode has the same median in both. From <code>summary.csv</code>.</p>
${table(["tracer", "placement", "bimodal", "bc median (rounds)", "wc median (rounds)"], body, "numbers modes")}
<p>${placementFinding(rows)}</p>`;
}

/** A host's comparison of every interception mechanism it measured; empty when it measured only the paper's tracers. */
export async function mechanismsSection(run: RunData, host: string, outDir: string): Promise<{ markup: Html; files: string[] }> {
  const hostRows = run.summary.filter((r) => r.host === host);
  if (!measuresMechanisms(hostRows)) return { markup: html``, files: [] };
  const twoProcess = tracersOf(hostRows).filter(hasTracerProcess);
  // One figure after the other: rendering restarts vega's module-wide id counters (see renderSvg).
  const overhead = await figureBlock(outDir, host, overheadFigure(run, host, hostRows));
  const split = await figureBlock(outDir, host, handlerSplitFigure(run, host, hostRows));
  const flapping = await figureBlock(outDir, host, flappingFigure(run, host, twoProcess));
  const markup = html`<section id="${mechanismsAnchor(host)}">
<h3>Interception mechanisms</h3>
<p>Besides the paper's tracers this run measured ${tracersOf(hostRows).filter((t) => !PAPER_TRACERS.includes(t)).join(", ")}.
A ":inspect" tracer runs the handler that reads the call's arguments; the same mechanism without it runs the null handler.</p>
${overhead.markup}
${split.markup}
${ratioTable(hostRows)}
${flapping.markup}
${modesTable(hostRows, twoProcess)}
</section>`;
  return { markup, files: [overhead, split, flapping].flatMap((f) => f.files) };
}
