import { randomBytes } from "node:crypto";
import { analyzeRun } from "../../analyze/analyzeRun.ts";
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
import { measureCells } from "../../run/measureCells.ts";
import { specSchema, type Spec } from "../../spec/schema.ts";
import type { ExperimentKind } from "../kind.ts";

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
    return { rounds: o.rounds ?? spec.rounds, warmup: spec.warmup, trials: o.trials ?? spec.trials, timeoutSeconds: spec.timeoutSeconds, analysis: spec.analysis, orderSeed };
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
  measure: measureCells,

  analyze: (runDir, manifest) => ({ file: runPaths(runDir).summary, rows: analyzeRun(runDir, manifest as MicroManifest).length }),
  comparable(runDir, manifest) {
    const done = new Set(manifest.cells.filter((c) => c.status === "done").map((c) => c.id));
    const byCell = new Map<string, { host: string; name: string; samples: number[] }>();
    for (const r of readRawCsv(runPaths(runDir).raw)) {
      const id = cellId(r);
      if (!done.has(id)) continue;
      if (!byCell.has(id)) byCell.set(id, { host: r.host, name: id.slice(r.host.length + 1), samples: [] });
      byCell.get(id)!.samples.push(r.cycles);
    }
    return { sample: "cycles, one per round (a cell's trials pooled)", cells: [...byCell.values()] };
  },

  verify: (runDir, manifest) => verifyMicroRun(runDir, manifest as MicroManifest),
  report: (runDir, manifest, outDir, referenceDir) => microReport(runDir, manifest as MicroManifest, outDir, referenceDir),
  table: (runDir, manifest) => microTable(runDir, manifest as MicroManifest),
};

