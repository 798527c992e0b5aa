import { basename, join } from "node:path";
import { mkdirSync, rmSync } from "node:fs";
import { LocalHost } from "../hosts/localHost.ts";
import { MANIFEST_FORMAT, type Manifest } from "../results/manifest.ts";
import { REFERENCE_DIR } from "../results/referenceDir.ts";
import { createRunDir, runPaths } from "../results/runDir.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import { renderReport } from "../render/report.ts";
import { toolIdentity } from "../run/toolIdentity.ts";
import { checkFreeDisk } from "./freeDisk.ts";
import { generateFile, generateTree, inputBytes } from "./generatedInputs.ts";
import { runSucceeded, summarizeMacro, writeMacroCsv, writeMacroSummary, type MacroRow } from "./macroCsv.ts";
import { loadMacroSpec, type MacroSpec } from "./macroSpec.ts";
import { runServerOnce, timeCommand } from "./runWorkload.ts";

/** manifest.json of a macrobenchmark run: the run's identity and host like any run, repetitions instead of cells. */
export type MacroManifest = Omit<Manifest, "settings" | "cells"> & {
  kind: "macro";
  settings: { repetitions: number; timeoutSeconds: number };
  cells: [];
};

export interface MacroRunOptions {
  specPath: string;
  resultsRoot: string;
  reportRoot: string;
  report?: boolean; // render the report at the end (default true)
}

const blank = { requests: null, errors: null, rps: null, p50_us: null, p99_us: null };

/** Every run of every workload under every mechanism, in the spec's order; inputs are generated in `scratch`. */
async function measure(spec: MacroSpec, scratch: string): Promise<MacroRow[]> {
  const rows: MacroRow[] = [];
  const { repetitions, timeoutSeconds } = spec;
  for (const w of spec.workloads) {
    if (w.type === "server") {
      for (const mode of w.modes)
        for (const mechanism of spec.mechanisms)
          for (let run = 1; run <= repetitions; run++) {
            const r = await runServerOnce(mechanism, { mode, requests: w.requests, concurrency: w.concurrency, timeoutSeconds });
            const load = r.load ?? { requests: null, errors: w.requests, rps: null, p50_us: null, p99_us: null };
            // Requests the server did not count as answered are errors too, whatever the client saw.
            const errors = Math.max(load.errors ?? 0, w.requests - (r.served ?? 0));
            rows.push({ workload: `server-${mode}`, mechanism, ...r.timed, run, requests: load.requests, errors, rps: load.rps, p50_us: load.p50_us, p99_us: load.p99_us });
          }
      continue;
    }
    const input = join(scratch, w.type);
    if (w.type === "find") generateTree(input, w);
    else generateFile(input, w);
    const command = w.type === "find" ? ["find", input] : ["gzip", "-9", "-c", input];
    for (const mechanism of spec.mechanisms) {
      for (const t of await timeCommand(mechanism, repetitions, timeoutSeconds, command)) rows.push({ workload: w.type, mechanism, ...t, ...blank });
    }
  }
  return rows;
}

/**
 * The run stage of a macrobenchmark spec: results/<run-id>/ with macro.csv
 * (one row per run) and macro-summary.csv, then the report. Bad input and a
 * disk too full for the generated inputs throw InputError before anything is
 * written.
 */
export async function runMacro(o: MacroRunOptions): Promise<{ runDir: string; reportIndex: string | null; failedRuns: number }> {
  const spec = loadMacroSpec(o.specPath);
  mkdirSync(o.resultsRoot, { recursive: true });
  checkFreeDisk(o.resultsRoot, inputBytes(spec.value.workloads));
  const host = new LocalHost();
  await host.build();
  const paths = createRunDir(o.resultsRoot, REFERENCE_DIR);
  const manifest: MacroManifest = {
    format: MANIFEST_FORMAT,
    kind: "macro",
    runId: basename(paths.dir),
    tool: toolIdentity(),
    spec: { path: spec.path, sha256: spec.sha256, text: spec.text },
    settings: { repetitions: spec.value.repetitions, timeoutSeconds: spec.value.timeoutSeconds },
    startedAt: new Date().toISOString(),
    endedAt: null,
    state: "running",
    hosts: { [host.name]: await host.facts() },
    cells: [],
  };
  const save = () => writeFileAtomic(runPaths(paths.dir).manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  save();

  // The generated inputs are made again from their seeds whenever needed; the dataset does not keep them.
  const scratch = join(paths.dir, "scratch");
  mkdirSync(scratch);
  let rows: MacroRow[];
  try {
    rows = await measure(spec.value, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  writeMacroCsv(paths.dir, rows);
  writeMacroSummary(paths.dir, summarizeMacro(rows));
  manifest.state = "complete";
  manifest.endedAt = new Date().toISOString();
  save();

  const reportIndex = o.report === false ? null : (await renderReport(paths.dir, join(o.reportRoot, manifest.runId))).indexPath;
  return { runDir: paths.dir, reportIndex, failedRuns: rows.filter((r) => !runSucceeded(r)).length };
}
