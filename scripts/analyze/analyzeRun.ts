import { median } from "simple-statistics";
import { type CellRecord } from "../model/cell.ts";
import { type HostFacts } from "../model/hostFacts.ts";
import type { AnalysisSettings, MicroManifest } from "../model/manifest.ts";
import { readRawCsv, type RawRow } from "../results/rawCsv.ts";
import { runPaths } from "../results/runDir.ts";
import { formatSummaryCsv, type SummaryRow } from "../results/summaryCsv.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import { DEFAULT_ANALYSIS } from "../model/manifest.ts";
import { canonicalTracer, parseTracer, plainPlacementFor } from "../model/vocabulary.ts";
import { cellId } from "../model/cell.ts";
import { bootstrapMedianContrast } from "./bootstrap.ts";
import { describe } from "./describe.ts";
import { groupBy } from "./groupBy.ts";
import { mad, trialVariation } from "./dispersion.ts";
import { mannWhitney } from "./mannWhitney.ts";
import { MIN_N_FOR_MEDIAN_CI, medianInterval } from "./medianCi.ts";
import { modeRounds, splitModes } from "./modes.ts";
import { cyclesToNs } from "./nanoseconds.ts";
import { overheadCycles, overheadPercent } from "./overhead.ts";
import { cellWarnings } from "./warnings.ts";

export interface AnalysisContext {
  /** Host facts by host name, for the TSC frequency. */
  hosts: Record<string, HostFacts>;
  analysis: AnalysisSettings;
}

/** Overhead of a value over the plain median, or nulls when there is no plain cell to compare with. */
function against(plain: number | null, value: number): [number | null, number | null] {
  return plain === null ? [null, null] : [overheadCycles(value, plain), overheadPercent(value, plain)];
}

const NO_INTERVAL = { low: null, high: null };

function summarizeCell(cell: CellRecord, rows: RawRow[], plainCycles: number[] | null, context: AnalysisContext): SummaryRow {
  const cycles = rows.map((r) => r.cycles);
  const d = describe(cycles);
  const split = modeRounds(cycles);
  const modes = splitModes(cycles, split);
  const plain = cell.tracer !== "none" ? plainCycles : null;
  const baseline = plain === null ? null : median(plain);
  const [overhead_cycles, overhead_percent] = against(baseline, d.median);
  const [bc_overhead_cycles, bc_overhead_percent] = against(baseline, modes.bcMedian);
  const [wc_overhead_cycles, wc_overhead_percent] = against(baseline, modes.wcMedian);

  const settings = { resamples: context.analysis.bootstrapResamples, seed: context.analysis.seed };
  // Resampling the median of fewer values than an order-statistics interval needs says nothing either.
  const contrastWith = (rounds: number[]) =>
    plain !== null && Math.min(plain.length, rounds.length) >= MIN_N_FOR_MEDIAN_CI ? bootstrapMedianContrast(plain, rounds, settings) : null;
  const contrast = contrastWith(cycles);
  const overhead = contrast?.differenceInterval ?? NO_INTERVAL;
  const ratioInterval = contrast?.ratioInterval ?? NO_INTERVAL;
  // A mode's interval is conditional on the split: the mode's rounds are resampled as they were assigned.
  const modeInterval = (rounds: number[] | undefined) => (rounds ? (contrastWith(rounds)?.differenceInterval ?? NO_INTERVAL) : overhead);
  const bcInterval = modeInterval(split?.low);
  const wcInterval = modeInterval(split?.high);

  const ci = medianInterval(cycles);
  const variation = trialVariation(rows);
  const spread = mad(cycles);
  const timerOverhead = cell.timerOverheadCycles?.length ? median(cell.timerOverheadCycles) : null;
  const tscHz = context.hosts[cell.host]?.tscHz ?? null;
  return {
    host: cell.host,
    call: cell.call,
    fd: cell.fd,
    tracer: cell.tracer,
    placement: cell.placement,
    trials: new Set(rows.map((r) => r.trial)).size,
    ...d,
    timer_overhead: timerOverhead,
    plain_median: baseline,
    overhead_cycles,
    overhead_percent,
    bimodal: modes.bimodal,
    bc_median: modes.bcMedian,
    bc_n: modes.bcN,
    wc_median: modes.wcMedian,
    wc_n: modes.wcN,
    bc_overhead_cycles,
    bc_overhead_percent,
    wc_overhead_cycles,
    wc_overhead_percent,
    median_ci_low: ci?.low ?? null,
    median_ci_high: ci?.high ?? null,
    mad: spread,
    median_ns: cyclesToNs(d.median, tscHz),
    between_trial_spread: variation.betweenTrialSpread,
    within_trial_mad: variation.withinTrialMad,
    overhead_ns: cyclesToNs(overhead_cycles, tscHz),
    overhead_ci_low: overhead.low,
    overhead_ci_high: overhead.high,
    ratio: baseline === null ? null : d.median / baseline,
    ratio_ci_low: ratioInterval.low,
    ratio_ci_high: ratioInterval.high,
    mann_whitney_p: plain === null ? null : mannWhitney(cycles, plain).p,
    bc_overhead_ci_low: bcInterval.low,
    bc_overhead_ci_high: bcInterval.high,
    wc_overhead_ci_low: wcInterval.low,
    wc_overhead_ci_high: wcInterval.high,
    analysis_cycles: null,
    warnings: cellWarnings({ n: d.n, median: d.median, mad: spread, timerOverhead, bimodal: modes.bimodal, ...variation }),
  };
}

/** summary.csv rows for every done cell of a run, in the manifest's order. */
export function summarizeRun(
  cells: CellRecord[],
  raw: RawRow[],
  context: AnalysisContext = { hosts: {}, analysis: DEFAULT_ANALYSIS },
): SummaryRow[] {
  const byCell = groupBy(raw, cellId);
  const cyclesOf = (id: string) => byCell.get(id)?.map((r) => r.cycles) ?? null;
  const rows = cells
    .filter((c) => c.status === "done" && byCell.has(c.id))
    .map((c) => {
      const plainId = cellId({ ...c, tracer: "none", placement: plainPlacementFor(c.placement) });
      return summarizeCell(c, byCell.get(c.id)!, cyclesOf(plainId), context);
    });
  return withAnalysisCost(rows);
}

/** Fill analysis_cycles of each ":inspect" row from the row of the same cell with the null handler. */
function withAnalysisCost(rows: SummaryRow[]): SummaryRow[] {
  const byId = new Map(rows.map((r) => [cellId(r), r]));
  for (const row of rows) {
    const parts = parseTracer(row.tracer);
    if (typeof parts === "string" || parts.handler !== "inspect") continue;
    const nullHandler = byId.get(cellId({ ...row, tracer: canonicalTracer({ ...parts, handler: null }) }));
    if (nullHandler) row.analysis_cycles = row.median - nullHandler.median;
  }
  return rows;
}

/** What the analysis of a run reads from its manifest: host facts and the bootstrap settings it recorded. */
export function analysisContext(manifest: MicroManifest): AnalysisContext {
  return { hosts: manifest.hosts, analysis: manifest.settings.analysis ?? DEFAULT_ANALYSIS };
}

/** The analyze stage of a microbenchmark run: reads raw.csv, writes summary.csv. */
export function analyzeRun(dir: string, manifest: MicroManifest): SummaryRow[] {
  const paths = runPaths(dir);
  const rows = summarizeRun(manifest.cells, readRawCsv(paths.raw), analysisContext(manifest));
  writeFileAtomic(paths.summary, formatSummaryCsv(rows));
  return rows;
}
