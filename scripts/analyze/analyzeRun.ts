import { median } from "simple-statistics";
import { cellId, type CellRecord } from "../model/cell.ts";
import { DEFAULT_ANALYSIS, type AnalysisSettings, type MicroManifest } from "../model/manifest.ts";
import type { HostFacts } from "../model/hostFacts.ts";
import { canonicalTracer, parseTracer, plainPlacementFor } from "../model/vocabulary.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import { readRawCsv, type RawRow } from "../results/rawCsv.ts";
import { runPaths } from "../results/runDir.ts";
import { formatSummaryCsv, type SummaryRow } from "../results/summaryCsv.ts";
import { readTrialsCsv, type TrialRow } from "../results/trialsCsv.ts";
import { blockBootstrap, type CellEstimates, type CellTrials, type Estimate, type HostEstimates } from "./blockBootstrap.ts";
import { describe } from "./describe.ts";
import { mad, trialVariation } from "./dispersion.ts";
import { groupBy } from "./groupBy.ts";
import { cellNoise, noisyShares } from "./noise.ts";
import { cyclesToNs } from "./nanoseconds.ts";
import { overheadCycles, overheadPercent } from "./overhead.ts";
import { DEFAULT_PRECISION, impreciseCells } from "./stoppingRule.ts";
import { cellWarnings } from "./warnings.ts";

export interface AnalysisContext {
  /** Host facts by host name, for the TSC frequency. */
  hosts: Record<string, HostFacts>;
  analysis: AnalysisSettings;
  /** The ratio's largest acceptable relative half-width: a cell above it is flagged imprecise. */
  precision: number;
  /** trials.csv: the noise facts and timer cost of each process (none for runs made before it existed). */
  trials: TrialRow[];
}

const NO_INTERVAL = { low: null, high: null };

/** A cell's trials as the bootstrap takes them: its rounds by trial, trial k having run in block k. */
function cellTrials(cell: CellRecord, rows: RawRow[], plain: string | undefined): CellTrials {
  const byTrial = groupBy(rows, (r) => r.trial);
  const trials = new Map([...byTrial].map(([trial, rs]) => [trial, Float64Array.from(rs.sort((a, b) => a.round - b.round).map((r) => r.cycles))]));
  return { id: cell.id, plain, trials };
}

/** The id of the plain cell a traced cell is compared with: the same benchmark, the benchmark's own pinning. */
const plainIdOf = (c: CellRecord) => cellId({ ...c, tracer: "none", placement: plainPlacementFor(c.placement) });

function summarizeCell(cell: CellRecord, rows: RawRow[], cellTrialRows: TrialRow[], e: CellEstimates, plain: CellEstimates | null, imprecise: boolean, context: AnalysisContext): SummaryRow {
  const cycles = rows.map((r) => r.cycles);
  const d = describe(cycles);
  const baseline = plain?.median.value ?? null;
  const paired = e.paired;
  const vs = (value: number) => (baseline === null ? [null, null] : [overheadCycles(value, baseline), overheadPercent(value, baseline)]);
  const bc = e.modes?.bc.value ?? d.median;
  const wc = e.modes?.wc.value ?? d.median;
  const [bc_overhead_cycles, bc_overhead_percent] = vs(bc);
  const [wc_overhead_cycles, wc_overhead_percent] = vs(wc);
  // A mode's overhead interval is its median's, less the plain median: the plain cell's own uncertainty is small beside a mode's.
  const modeOverhead = (m: Estimate | undefined) =>
    baseline === null ? NO_INTERVAL : m ? { low: m.low === null ? null : m.low - baseline, high: m.high === null ? null : m.high - baseline } : pairedInterval(paired?.overheadCycles);
  const bcInterval = modeOverhead(e.modes?.bc);
  const wcInterval = modeOverhead(e.modes?.wc);
  const overhead = paired && Number.isFinite(paired.overheadCycles.value) ? paired.overheadCycles.value : null;
  const variation = trialVariation(rows);
  const spread = mad(cycles);
  const timerCosts = cellTrialRows.length > 0 ? cellTrialRows.flatMap((t) => (t.timer_overhead_cycles === null ? [] : [t.timer_overhead_cycles])) : (cell.timerOverheadCycles ?? []);
  const timerOverhead = timerCosts.length ? median(timerCosts) : null;
  const noise = cellNoise(cellTrialRows);
  const tscHz = context.hosts[cell.host]?.tscHz ?? null;
  return {
    host: cell.host,
    call: cell.call,
    fd: cell.fd,
    tracer: cell.tracer,
    placement: cell.placement,
    trials: e.trials,
    ...d,
    timer_overhead: timerOverhead,
    plain_median: baseline,
    overhead_cycles: overhead,
    overhead_percent: paired && Number.isFinite(paired.overheadPercent.value) ? paired.overheadPercent.value : null,
    bimodal: e.modes !== null,
    bc_median: bc,
    bc_n: e.modes?.bcRounds ?? d.n,
    wc_median: wc,
    wc_n: e.modes?.wcRounds ?? d.n,
    bc_overhead_cycles,
    bc_overhead_percent,
    wc_overhead_cycles,
    wc_overhead_percent,
    median_ci_low: e.median.low,
    median_ci_high: e.median.high,
    mad: spread,
    median_ns: cyclesToNs(d.median, tscHz),
    between_trial_spread: variation.betweenTrialSpread,
    within_trial_mad: variation.withinTrialMad,
    overhead_ns: cyclesToNs(overhead, tscHz),
    ...interval("overhead", pairedInterval(paired?.overheadCycles)),
    ratio: paired && Number.isFinite(paired.ratio.value) ? paired.ratio.value : null,
    ...interval("ratio", pairedInterval(paired?.ratio)),
    block_test_p: paired && paired.blockTest.n > 0 ? paired.blockTest.p : null,
    analysis_cycles: null,
    bc_overhead_ci_low: bcInterval.low,
    bc_overhead_ci_high: bcInterval.high,
    wc_overhead_ci_low: wcInterval.low,
    wc_overhead_ci_high: wcInterval.high,
    upper_share: e.modes?.upperShare.value ?? null,
    upper_share_ci_low: e.modes?.upperShare.low ?? null,
    upper_share_ci_high: e.modes?.upperShare.high ?? null,
    paired_blocks: paired?.pairedBlocks ?? null,
    within_trial_sd: e.variance.withinTrial,
    between_trial_sd: e.variance.betweenTrials,
    between_share: e.variance.betweenShare,
    boots: e.variance.boots > 0 ? e.variance.boots : null,
    between_boot_sd: e.variance.betweenBoots,
    imprecise,
    steal_trials: noise.trials > 0 ? noise.stealTrials : null,
    migrated_trials: noise.trials > 0 ? noise.migratedTrials : null,
    rq_delay_us: noise.runQueueUs,
    warnings: cellWarnings({
      n: d.n, median: d.median, mad: spread, noInterval: e.median.low === null, timerOverhead, bimodal: e.modes !== null, ...variation, imprecise, ...noisyShares(noise),
    }),
  };
}

const pairedInterval = (e: Estimate | undefined) => (e ? { low: e.low, high: e.high } : NO_INTERVAL);
const interval = <K extends string>(name: K, i: { low: number | null; high: number | null }) =>
  ({ [`${name}_ci_low`]: i.low, [`${name}_ci_high`]: i.high }) as Record<`${K}_ci_low` | `${K}_ci_high`, number | null>;

/**
 * summary.csv rows for every done cell of a run, in the manifest's order.
 * Intervals come from the two-level block bootstrap, host by host: the
 * process (trial) is the unit of replication, and a traced trial is paired
 * with the plain trial of its block.
 */
export function summarizeRun(cells: CellRecord[], raw: RawRow[], context: AnalysisContext): SummaryRow[] {
  const byCell = groupBy(raw, cellId);
  const done = cells.filter((c) => c.status === "done" && byCell.has(c.id));
  const estimates = new Map<string, CellEstimates>();
  const imprecise = new Set<string>();
  for (const hostCells of groupBy(done, (c) => c.host).values()) {
    const host = estimateHost(hostCells, byCell, context.analysis, context.trials);
    for (const e of host.cells) estimates.set(e.id, e);
    for (const c of impreciseCells(host, { relativeHalfWidth: context.precision, minBlocks: 0 })) imprecise.add(c.cell);
  }
  const trialsByCell = groupBy(context.trials, (t) => cellId(t));
  const rows = done.map((c) => {
    const e = estimates.get(c.id)!;
    return summarizeCell(c, byCell.get(c.id)!, trialsByCell.get(c.id) ?? [], e, e.plain ? estimates.get(e.plain)! : null, imprecise.has(c.id), context);
  });
  return withAnalysisCost(rows);
}

/** The block bootstrap of one host's cells (their rounds by cell id); a traced cell is paired with its plain cell where that is among them. */
export function estimateHost(cells: CellRecord[], rounds: Map<string, RawRow[]>, settings: AnalysisSettings, trials: TrialRow[] = []): HostEstimates {
  const ids = new Set(cells.map((c) => c.id));
  const input = cells.map((c) => cellTrials(c, rounds.get(c.id)!, c.tracer === "none" || !ids.has(plainIdOf(c)) ? undefined : plainIdOf(c)));
  // The boot each block ran in (one boot per block of a host, however many cells): blocks of a boot are drawn together.
  const hosts = new Set(cells.map((c) => c.host));
  const bootOf = new Map(trials.filter((t) => hosts.has(t.host) && t.boot_id !== "").map((t) => [t.block, t.boot_id]));
  return blockBootstrap(input, { resamples: settings.bootstrapResamples, seed: settings.seed }, bootOf);
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

/** What the analysis of a run reads besides its rows: host facts, the settings it recorded, its trials. */
export function analysisContext(manifest: MicroManifest, runDir: string): AnalysisContext {
  return {
    hosts: manifest.hosts,
    analysis: manifest.settings.analysis ?? DEFAULT_ANALYSIS,
    precision: manifest.settings.precision?.ratio ?? DEFAULT_PRECISION.relativeHalfWidth,
    trials: readTrialsCsv(runDir),
  };
}

/** The analyze stage of a microbenchmark run: reads raw.csv and trials.csv, writes summary.csv. */
export function analyzeRun(dir: string, manifest: MicroManifest): SummaryRow[] {
  const paths = runPaths(dir);
  const rows = summarizeRun(manifest.cells, readRawCsv(paths.raw), analysisContext(manifest, dir));
  writeFileAtomic(paths.summary, formatSummaryCsv(rows));
  return rows;
}
