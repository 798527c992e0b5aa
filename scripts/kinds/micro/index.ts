import { randomBytes } from "node:crypto";
import { median } from "simple-statistics";
import { analyzeRun, estimateHost } from "../../analyze/analyzeRun.ts";
import { BLOCK_BOOTSTRAP_METHOD } from "../../analyze/blockBootstrap.ts";
import { DEFAULT_PRECISION, precise } from "../../analyze/stoppingRule.ts";
import { groupBy } from "../../analyze/groupBy.ts";
import { verifyMicroRun } from "../../archive/verifyMicroRun.ts";
import { InputError } from "../../inputError.ts";
import { cellId, type CellRecord } from "../../model/cell.ts";
import type { MicroManifest, MicroSettings } from "../../model/manifest.ts";
import { planCells } from "../../plan/cells.ts";
import { whyTracerUnavailable } from "../../plan/servable.ts";
import { microReport } from "../../render/microReport.ts";
import { microTable } from "../../render/microTable.ts";
import { writeFileAtomic } from "../../results/atomicWrite.ts";
import { formatRawRows, rawHeader, readRawCsv } from "../../results/rawCsv.ts";
import { runPaths } from "../../results/runDir.ts";
import { readTrialsCsv, startTrialsCsv } from "../../results/trialsCsv.ts";
import { measureCells, type PrecisionRule } from "../../run/measureCells.ts";
import type { MeasureContext } from "../../run/measuringKind.ts";
import { specSchema, type Spec } from "../../spec/schema.ts";
import type { ExperimentKind } from "../kind.ts";

/** Resamples of the bootstrap behind the stopping rule: fewer than the analysis's, which the simulation test shows is enough to decide. */
const RULE_RESAMPLES = 400;

/**
 * The stopping rule of a run with a precision goal: every traced cell's
 * ratio interval, from the rows measured so far, within ±ratio, after at
 * least as many blocks as the spec's trials and the rule's minimum.
 */
function precisionRule(ctx: MeasureContext<MicroSettings, CellRecord>): PrecisionRule {
  return (host, cells) => {
    const goal = ctx.settings.precision;
    if (!goal) return true;
    const ids = new Set(cells.filter((c) => c.status === "pending").map((c) => c.id));
    const rounds = groupBy(readRawCsv(runPaths(ctx.runDir).raw).filter((r) => r.host === host && ids.has(cellId(r))), (r) => cellId(r));
    const measured = cells.filter((c) => rounds.has(c.id));
    if (measured.length === 0) return true;
    const estimates = estimateHost(measured, rounds, { bootstrapResamples: RULE_RESAMPLES, seed: ctx.settings.analysis?.seed ?? 1 });
    return precise(estimates, { relativeHalfWidth: goal.ratio, minBlocks: Math.max(DEFAULT_PRECISION.minBlocks, ctx.settings.trials) });
  };
}

/** The paper's kind: system calls timed in cycles, plain and under each mechanism, one row per round in raw.csv. */
export const microKind: ExperimentKind = {
  name: "micro",
  schema: specSchema,
  renamedFields: { tracers: "mechanisms" },
  payload: "manifest.json, raw.csv (one row per measured round), trials.csv (one row per process), summary.csv (one row per cell), logs/ and the published numbers in reference/",

  settings(spec: Spec, o, where): MicroSettings {
    if (o.keepInputs) throw new InputError(`--keep-inputs: ${where} is a microbenchmark spec, which generates no inputs`);
    // The order seed is drawn fresh for every run: two runs of a spec see different orders.
    const orderSeed = randomBytes(4).readUInt32LE(0);
    return {
      rounds: o.rounds ?? spec.rounds,
      warmup: spec.warmup,
      trials: o.trials ?? spec.trials,
      timeoutSeconds: spec.timeoutSeconds,
      analysis: { ...spec.analysis, method: BLOCK_BOOTSTRAP_METHOD },
      orderSeed,
      // --trials asks for that many blocks, no more and no slower: it sets aside the spec's precision goal and spread.
      ...(spec.precision && o.trials === undefined ? { precision: spec.precision } : {}),
      spreadSeconds: o.trials === undefined ? spec.spreadSeconds : 0,
    };
  },
  plan: (spec: Spec, settings: MicroSettings, hosts) => planCells({ ...spec, ...settings }, hosts),
  describe: (cell: CellRecord) => `${cell.trials} trials × ${cell.rounds} rounds`,
  unavailable: (cell: CellRecord, facts) => whyTracerUnavailable(cell.tracer, facts),
  preflight: async () => {},

  startRows(runDir) {
    writeFileAtomic(runPaths(runDir).raw, rawHeader());
    startTrialsCsv(runDir);
  },
  // A (cell, trial) is written whole: its rounds count once its row is in trials.csv. The rest are measured again.
  reopen(runDir, manifest: MicroManifest, cells: CellRecord[]) {
    const raw = runPaths(runDir).raw;
    const trials = readTrialsCsv(runDir);
    const finished = new Set(trials.map((t) => `${cellId(t)}#${t.trial}`));
    writeFileAtomic(raw, rawHeader() + formatRawRows(readRawCsv(raw).filter((r) => finished.has(`${cellId(r)}#${r.trial}`))));
    const byCell = groupBy(trials, (t) => cellId(t));
    for (const c of cells) {
      const kept = byCell.get(c.id) ?? [];
      c.timerOverheadCycles = kept.flatMap((t) => (t.timer_overhead_cycles === null ? [] : [t.timer_overhead_cycles]));
      c.tracerStops = kept.flatMap((t) => (t.tracer_stops === null ? [] : [t.tracer_stops]));
    }
    return cells;
  },
  blocks: (settings: MicroSettings) => settings.trials,
  measure: (host, cells: CellRecord[], ctx: MeasureContext<MicroSettings, CellRecord>) => measureCells(host, cells, ctx, precisionRule(ctx)),

  analyze: (runDir, manifest) => ({ file: runPaths(runDir).summary, rows: analyzeRun(runDir, manifest as MicroManifest).length }),
  // The process is the unit of replication: compare sets the trials' medians side by side, not the rounds.
  comparable(runDir, manifest) {
    const done = new Set(manifest.cells.filter((c) => c.status === "done").map((c) => c.id));
    const trials = groupBy(readRawCsv(runPaths(runDir).raw).filter((r) => done.has(cellId(r))), (r) => `${cellId(r)}#${r.trial}`);
    const byCell = new Map<string, { host: string; name: string; samples: number[] }>();
    for (const rows of trials.values()) {
      const id = cellId(rows[0]);
      if (!byCell.has(id)) byCell.set(id, { host: rows[0].host, name: id.slice(rows[0].host.length + 1), samples: [] });
      byCell.get(id)!.samples.push(median(rows.map((r) => r.cycles)));
    }
    return { sample: "cycles, the median of each trial (a process each)", cells: [...byCell.values()] };
  },

  verify: (runDir, manifest) => verifyMicroRun(runDir, manifest as MicroManifest),
  report: (runDir, manifest, outDir, referenceDir) => microReport(runDir, manifest as MicroManifest, outDir, referenceDir),
  table: (runDir, manifest) => microTable(runDir, manifest as MicroManifest),
};

