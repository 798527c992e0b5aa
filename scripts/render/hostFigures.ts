import type { TopLevelSpec } from "vega-lite";
import { type CellRecord } from "../model/cell.ts";
import { formatRawRows, rawHeader } from "../results/rawCsv.ts";
import { formatSummaryCsv, type SummaryRow } from "../results/summaryCsv.ts";
import { DEFAULT_ANALYSIS } from "../model/manifest.ts";
import { FDS, plainPlacementFor, type Fd, type Placement } from "../model/vocabulary.ts";
import { flappingSpec } from "./figures/flapping.ts";
import { overheadSpec, seriesDrawn } from "./figures/overhead.ts";
import { plainCallsSpec } from "./figures/plainCalls.ts";
import { html, type Html } from "./html.ts";
import type { RunData } from "./runData.ts";
import { distinct, matches, type CellKey } from "./selection.ts";
import { SERIES, SERIES_LABELS, SERIES_TRACER } from "./series.ts";

/** One of the paper's figures for one host, ready to render; spec is null when there is nothing to draw. */
export interface FigurePlan {
  /** File name part: figures/<host>-<name>.svg */
  name: string;
  heading: string;
  spec: TopLevelSpec | null;
  /** The rows the figure is drawn from, in the format of the file they were read from. */
  csv: string;
  caption: Html;
}

/** The run's own words for cells that were not measured, or that the spec has none. */
export function whyMissing(cells: CellRecord[], want: Partial<CellKey>): string {
  const wanted = cells.filter((c) => matches(c, want));
  if (wanted.length === 0) return "the spec has no such cells";
  const reasons = distinct(wanted.filter((c) => c.status !== "done").map((c) => `${c.status}: ${c.reason ?? "no reason recorded"}`));
  return reasons.length > 0 ? reasons.join("; ") : "measured, but summary.csv has no value for it";
}

/** "51 rounds × 3 trials", from the manifest records of the cells drawn (summary.csv only has the pooled n). */
export function sampleSize(cells: CellRecord[], drawn: CellKey[]): string {
  const drawnCells = cells.filter((c) => drawn.some((key) => matches(c, key)));
  return distinct(drawnCells.map((c) => `${c.rounds} rounds × ${c.trials} trials`)).join(" or ");
}

function pooledN(rows: SummaryRow[]): string {
  return distinct(rows.map((r) => r.n)).join(" or ");
}

function placementNote(placement: Placement): Html {
  return placement === "unpinned"
    ? html``
    : html` This host has no unpinned traced cells, so the figure is drawn for placement <b>${placement}</b> instead.`;
}

function plainCallsFigure(run: RunData, host: string, placement: Placement): FigurePlan {
  const plainPlacement = plainPlacementFor(placement);
  const want = { host, tracer: "none", placement: plainPlacement } as const;
  const rows = run.summary.filter((r) => matches(r, want));
  const cells = run.manifest.cells;
  return {
    name: "plain-calls",
    heading: "Frame 25: plain system calls",
    spec: rows.length > 0 ? plainCallsSpec(rows, `Plain calls on ${host} (${plainPlacement})`) : null,
    csv: formatSummaryCsv(rows),
    caption:
      rows.length > 0
        ? html`A bar is the median cycles of one plain cell (tracer none, placement ${plainPlacement}): the median of
${sampleSize(cells, rows)}, all rounds pooled (n = ${pooledN(rows)}). The error bar is the 95% confidence interval of
that median, from the two-level block bootstrap (no bar for a cell of a single trial). The same medians in nanoseconds are in the table
below.${placementNote(placement)}`
        : html`Not drawn: no plain cells with placement ${plainPlacement} on this host (${whyMissing(cells, want)}).`,
  };
}

function flappingFigure(run: RunData, host: string): FigurePlan {
  const want = { host, call: "write", fd: "invalid", tracer: "ptrace" } as const;
  const rows = run.raw.filter((r) => matches(r, want));
  const cells = run.manifest.cells;
  const placements = distinct(rows.map((r) => r.placement));
  return {
    name: "flapping",
    heading: "Frame 26: flapping of write() under ptrace",
    spec: rows.length > 0 ? flappingSpec(rows, `write() with an invalid descriptor under ptrace on ${host}`) : null,
    csv: rawHeader() + formatRawRows(rows),
    caption:
      rows.length > 0
        ? html`Cycles of every measured round of write() with an invalid descriptor under ptrace: one point per round,
one line per trial (${sampleSize(cells, rows)} per placement; each trial is its own benchmark process with a fresh
tracer), one panel per placement (${placements.join(", ")}). The cycle axis is logarithmic, so that two levels
stay apart when a few descheduled rounds cost a hundred times more.`
        : html`Not drawn: no rounds of write() with an invalid descriptor under ptrace on this host (${whyMissing(cells, want)}).`,
  };
}

function bootstrapNote(run: RunData): Html {
  const { bootstrapResamples, seed } = run.manifest.settings.analysis ?? DEFAULT_ANALYSIS;
  return html`The error bar is the 95% bootstrap interval of that difference (${bootstrapResamples} resamples, seed ${seed});
for ptrace (wc) and (bc) of a bimodal cell it is conditional on the split into modes.`;
}

function overheadFigure(run: RunData, host: string, placement: Placement, fd: Fd): FigurePlan {
  const rows = run.summary.filter(
    (r) => matches(r, { host, fd, placement }) && SERIES.some((s) => SERIES_TRACER[s] === r.tracer),
  );
  const cells = run.manifest.cells;
  const drawn = seriesDrawn(rows);
  const absent = SERIES.filter((s) => !drawn.includes(s)).map(
    (s) => html` No ${SERIES_LABELS[s]} bars: ${whyMissing(cells, { host, fd, placement, tracer: SERIES_TRACER[s] })}.`,
  );
  const frame = fd === "valid" ? 27 : 28;
  return {
    name: `overhead-${fd}`,
    heading: `Frame ${frame}: overhead with ${fd} descriptors`,
    spec: drawn.length > 0 ? overheadSpec(rows, `Overhead with ${fd} descriptors on ${host} (${placement})`) : null,
    csv: formatSummaryCsv(rows),
    caption: drawn.length === 0
      ? html`Not drawn: no overhead of any series on this host.${absent}`
      : html`A bar is the overhead in cycles of one traced cell (placement ${placement}) over the plain cell
(placement ${plainPlacementFor(placement)}): for ptrace (wc) the median of the upper mode minus the plain median, for
ptrace (bc) that of the lower mode, for systrace the median minus the plain median; each median is taken over
${sampleSize(cells, rows)}, all rounds pooled (n = ${pooledN(rows)}). ${bootstrapNote(run)} The label above a bar is
the same overhead in percent of the plain median.${placementNote(placement)}${absent}`,
  };
}

/** The four figures of the slides (frames 25–28) for one host, drawn for one placement of the traced cells. */
export function hostFigures(run: RunData, host: string, placement: Placement): FigurePlan[] {
  return [
    plainCallsFigure(run, host, placement),
    flappingFigure(run, host),
    ...FDS.map((fd) => overheadFigure(run, host, placement, fd)),
  ];
}
