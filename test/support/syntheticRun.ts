// Synthetic runs for the tests that need a run directory without measuring:
// cells, rows, summaries and manifests of either kind, written as the
// pipeline writes them.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cellId, type CellRecord, type CellStatus } from "../../scripts/model/cell.ts";
import type { HostFacts } from "../../scripts/model/hostFacts.ts";
import { macroCellId, type MacroCellRecord } from "../../scripts/model/macroCell.ts";
import { MANIFEST_FORMAT, type MicroManifest, type RunManifest } from "../../scripts/model/manifest.ts";
import type { Call, Fd, Placement, Tracer } from "../../scripts/model/vocabulary.ts";
import { formatRawRows, rawHeader, type RawRow } from "../../scripts/results/rawCsv.ts";
import { formatSummaryCsv, type SummaryRow } from "../../scripts/results/summaryCsv.ts";
import type { MacroSettings } from "../../scripts/kinds/macro/macroPlan.ts";
import { writeMacroCsv, type MacroRow } from "../../scripts/kinds/macro/macroRows.ts";

export interface CellPoint {
  call: Call;
  fd: Fd;
  tracer: Tracer;
  placement: Placement;
}

/** A microbenchmark cell's manifest record. */
export function microCell(host: string, point: CellPoint, o: { trials: number; rounds: number; status?: CellStatus; reason?: string; warmup?: number }): CellRecord {
  const cell = { host, ...point };
  return { id: cellId(cell), ...cell, trials: o.trials, rounds: o.rounds, warmup: o.warmup ?? 1, status: o.status ?? "done", ...(o.reason ? { reason: o.reason } : {}) };
}

/** Every round of a cell, cycles(trial, round) each; results as a correct round of the cell returns them. */
export function roundsOf(cell: CellRecord, cycles: (trial: number, round: number) => number, result = cell.fd === "valid" ? "ok" : "EBADF"): RawRow[] {
  const rows: RawRow[] = [];
  for (let trial = 1; trial <= cell.trials; trial++)
    for (let round = 1; round <= cell.rounds; round++) {
      rows.push({ host: cell.host, call: cell.call, fd: cell.fd, tracer: cell.tracer, placement: cell.placement, trial, round, cycles: cycles(trial, round), result });
    }
  return rows;
}

/** A summary row whose every statistic is empty or neutral, but for those given. */
export function summaryRowOf(cell: CellRecord, numbers: Partial<SummaryRow>): SummaryRow {
  const n = cell.trials * cell.rounds;
  const median = numbers.median ?? 1000;
  return {
    host: cell.host, call: cell.call, fd: cell.fd, tracer: cell.tracer, placement: cell.placement, trials: cell.trials, n,
    median, q1: median, q3: median, min: median, max: median, timer_overhead: null,
    plain_median: null, overhead_cycles: null, overhead_percent: null,
    bimodal: false, bc_median: median, bc_n: n, wc_median: median, wc_n: n,
    bc_overhead_cycles: null, bc_overhead_percent: null, wc_overhead_cycles: null, wc_overhead_percent: null,
    median_ci_low: null, median_ci_high: null, mad: 1, median_ns: null, between_trial_spread: null, within_trial_mad: 1,
    overhead_ns: null, overhead_ci_low: null, overhead_ci_high: null, ratio: null, analysis_cycles: null, ratio_ci_low: null, ratio_ci_high: null,
    block_test_p: null, bc_overhead_ci_low: null, bc_overhead_ci_high: null, wc_overhead_ci_low: null, wc_overhead_ci_high: null,
    upper_share: null, upper_share_ci_low: null, upper_share_ci_high: null, paired_blocks: null, within_trial_sd: 0.01, between_trial_sd: null,
    between_share: null, boots: null, between_boot_sd: null, imprecise: false, steal_trials: null, migrated_trials: null, rq_delay_us: null,
    warnings: [],
    ...numbers,
  };
}

/** Facts of a Linux host, with any field changed. */
export function hostFacts(name: string, changes: Partial<HostFacts> = {}): HostFacts {
  return {
    name, os: "Linux", osRelease: "Debian 12", kernel: "6.1.0 #1 SMP", arch: "x86_64", cpuModel: "Xeon", cores: 4, memoryBytes: 8_000_000_000,
    tscHz: 2_400_000_000, tscHzSource: "cpuinfo", tscFlags: ["constant_tsc"], tscNote: null, virtualized: false, compiler: "cc 12.2",
    loadAverage: [0.1, 0.2, 0.3], timerOverheadCycles: 30, timer: "lfence;rdtsc..rdtscp;lfence", ...changes,
  };
}

/** What every synthetic manifest shares; a run ended ten minutes after it started. */
function manifestBase(runId: string, specPath: string) {
  return {
    format: MANIFEST_FORMAT,
    runId,
    tool: { name: "tracetax", version: "0.1.0", commit: "deadbeef" },
    spec: { path: specPath, sha256: "0".repeat(64), text: "" },
    startedAt: "2024-01-01T00:00:00Z",
    endedAt: "2024-01-01T00:10:00Z",
    state: "complete" as const,
  };
}

export function microManifest(cells: CellRecord[], o: { runId?: string; hosts?: Record<string, HostFacts>; analysis?: { bootstrapResamples: number; seed: number } } = {}): MicroManifest {
  const [first] = cells;
  return {
    ...manifestBase(o.runId ?? "20240101T000000Z-micro", "experiments/zinke2009.yaml"),
    kind: "micro",
    settings: { rounds: first?.rounds ?? 1, warmup: 1, trials: first?.trials ?? 1, timeoutSeconds: 60, analysis: o.analysis ?? { bootstrapResamples: 200, seed: 1 } },
    hosts: o.hosts ?? {},
    cells,
  };
}

function writeManifestFile(dir: string, manifest: RunManifest): void {
  mkdirSync(join(dir, "logs"), { recursive: true });
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
}

/** A microbenchmark run directory: manifest.json, raw.csv and, when given, summary.csv. */
export function writeMicroRun(dir: string, manifest: MicroManifest, raw: RawRow[], summary?: SummaryRow[]): void {
  writeManifestFile(dir, manifest);
  writeFileSync(join(dir, "raw.csv"), rawHeader() + formatRawRows(raw));
  if (summary) writeFileSync(join(dir, "summary.csv"), formatSummaryCsv(summary));
}

export type MacroManifest = RunManifest<"macro", MacroSettings, MacroCellRecord>;

/** A macrobenchmark cell's manifest record. */
export function macroCell(host: string, workload: string, mechanism: string, calls = "all", status: CellStatus = "done"): MacroCellRecord {
  const cell = { host, workload, mechanism, calls };
  return { id: macroCellId(cell), ...cell, status };
}

/** A successful run of a macro cell taking `real` seconds. */
export function macroRow(cell: MacroCellRecord, run: number, real: number): MacroRow {
  const { host, workload, mechanism, calls } = cell;
  return { host, workload, mechanism, calls, run, real_s: real, user_s: real / 4, sys_s: real / 2, exit: "0", stops: null, requests: null, errors: null, rps: null, p50_us: null, p99_us: null, reason: "" };
}

export function macroManifest(cells: MacroCellRecord[], repetitions: number, o: { runId?: string } = {}): MacroManifest {
  return {
    ...manifestBase(o.runId ?? "20240101T000000Z-macro", "experiments/provos2002.yaml"),
    kind: "macro",
    settings: { repetitions, timeoutSeconds: 60, keepInputs: false, workloads: [{ type: "find", files: 10, dirs: 1, maxFileBytes: 10, seed: 1 }] },
    hosts: {},
    cells,
  };
}

/** A macrobenchmark run directory: manifest.json and macro.csv (the summary is left to the analysis). */
export function writeMacroRun(dir: string, manifest: MacroManifest, rows: MacroRow[]): void {
  writeManifestFile(dir, manifest);
  writeMacroCsv(dir, rows);
}
