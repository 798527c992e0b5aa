import { appendFileSync, mkdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
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
import { groupKey, planMacroGroups, type MacroGroup } from "./macroPlan.ts";
import { loadMacroSpec, type MacroSpec } from "./macroSpec.ts";
import { interceptionRefusal, lastWords, runServerOnce, timeCommand } from "./runWorkload.ts";

/** A measurement of the manifest: the group's identity, and what became of it. */
export interface MacroGroupRecord {
  workload: string;
  mechanism: string;
  calls: string;
  status: "pending" | "done" | "skipped" | "failed";
  reason?: string;
}

/** manifest.json of a macrobenchmark run: the run's identity and host like any run, measurements instead of cells. */
export type MacroManifest = Omit<Manifest, "settings" | "cells"> & {
  kind: "macro";
  settings: { repetitions: number; timeoutSeconds: number; keepInputs: boolean };
  cells: [];
  measurements: MacroGroupRecord[];
};

export interface MacroRunOptions {
  specPath: string;
  resultsRoot: string;
  reportRoot: string;
  report?: boolean; // render the report at the end (default true)
  keepInputs?: boolean; // leave the generated tree and file in the run's scratch/ directory
  signal?: AbortSignal; // stop after the current measurement
  progress?: (line: string) => void;
}

const blank = { requests: null, errors: null, rps: null, p50_us: null, p99_us: null };

/** Every run of one group; `input` is the generated tree or file of find and gzip. */
async function measureGroup(g: MacroGroup, s: MacroSpec, input: string, log: (text: string) => void): Promise<MacroRow[]> {
  const { repetitions, timeoutSeconds } = s;
  const at = { workload: g.workload, mechanism: g.mechanism, calls: g.calls };
  if (g.spec.type !== "server") {
    const command = g.spec.type === "find" ? ["find", input] : ["gzip", "-9", "-c", input];
    const { runs, stderr } = await timeCommand(g, repetitions, timeoutSeconds, command);
    log(stderr);
    return runs.map((t) => ({ ...at, ...t, ...blank, reason: t.exit === "0" ? "" : lastWords(stderr) || `exit ${t.exit}` }));
  }
  const w = g.spec;
  const rows: MacroRow[] = [];
  for (let run = 1; run <= repetitions; run++) {
    const r = await runServerOnce(g, { mode: w.mode, requests: w.requests, concurrency: w.concurrency, port: w.port, timeoutSeconds });
    log(r.stderr);
    const load = r.load ?? { requests: null, errors: w.requests, rps: null, p50_us: null, p99_us: null };
    // Requests the server did not count as answered are errors too, whatever the client saw.
    const errors = Math.max(load.errors ?? 0, w.requests - (r.served ?? 0));
    const failed = r.timed.exit !== "0" || errors > 0;
    const reason = failed ? lastWords(r.stderr) || `exit ${r.timed.exit}, ${errors} of ${w.requests} requests unanswered` : "";
    rows.push({ ...at, ...r.timed, run, requests: load.requests, errors, rps: load.rps, p50_us: load.p50_us, p99_us: load.p99_us, reason });
  }
  return rows;
}

/** The inputs of find and gzip, generated once from their seeds before their first measurement. */
function generatedInput(g: MacroGroup, scratch: string): string {
  const path = join(scratch, g.spec.type);
  if (g.spec.type === "find") generateTree(path, g.spec);
  if (g.spec.type === "gzip") generateFile(path, g.spec);
  return path;
}

/**
 * The run stage of a macrobenchmark spec: results/<run-id>/ with macro.csv
 * (one row per run, rewritten after each measurement) and macro-summary.csv,
 * then the report. Bad input and a disk too full for the generated inputs
 * throw InputError before anything is written; a mechanism this machine
 * cannot serve is skipped with its reason; an error or an interruption
 * keeps every row measured so far and leaves the run "incomplete".
 */
export async function runMacro(o: MacroRunOptions): Promise<{ runDir: string; reportIndex: string | null; failedRuns: number; complete: boolean }> {
  const spec = loadMacroSpec(o.specPath);
  checkFreeDisk(o.resultsRoot, inputBytes(spec.value.workloads));
  const host = new LocalHost();
  await host.build();
  const paths = createRunDir(o.resultsRoot, REFERENCE_DIR, { rawCsv: false }); // macro.csv holds the rows
  const groups = planMacroGroups(spec.value);
  const manifest: MacroManifest = {
    format: MANIFEST_FORMAT,
    kind: "macro",
    runId: basename(paths.dir),
    tool: toolIdentity(),
    spec: { path: spec.path, sha256: spec.sha256, text: spec.text },
    settings: { repetitions: spec.value.repetitions, timeoutSeconds: spec.value.timeoutSeconds, keepInputs: o.keepInputs ?? false },
    startedAt: new Date().toISOString(),
    endedAt: null,
    state: "running",
    hosts: { [host.name]: await host.facts() },
    cells: [],
    measurements: groups.map((g) => ({ workload: g.workload, mechanism: g.mechanism, calls: g.calls, status: "pending" })),
  };
  const save = () => writeFileAtomic(runPaths(paths.dir).manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  save();
  const log = (title: string) => (text: string) => {
    if (text.trim()) appendFileSync(join(paths.logs, "macro.log"), `## ${title}\n${text.trimEnd()}\n`);
  };
  const progress = o.progress ?? (() => {});

  // The generated inputs are made again from their seeds whenever needed; the dataset does not keep them.
  const scratch = join(paths.dir, "scratch");
  mkdirSync(scratch);
  const inputs = new Map<string, string>();
  const refusals = new Map<string, string | null>();
  const rows: MacroRow[] = [];
  try {
    for (const [i, g] of groups.entries()) {
      if (o.signal?.aborted) throw new Error("interrupted (signal)");
      const record = manifest.measurements[i];
      const selection = `${g.mechanism} ${g.calls}`;
      if (!refusals.has(selection)) refusals.set(selection, await interceptionRefusal(g));
      const refusal = refusals.get(selection);
      if (refusal) {
        Object.assign(record, { status: "skipped", reason: refusal });
      } else {
        if (!inputs.has(g.workload)) inputs.set(g.workload, generatedInput(g, scratch));
        const measured = await measureGroup(g, spec.value, inputs.get(g.workload)!, log(groupKey(g)));
        rows.push(...measured);
        writeMacroCsv(paths.dir, rows);
        const failed = measured.filter((r) => !runSucceeded(r));
        record.status = failed.length === measured.length ? "failed" : "done";
        if (failed.length > 0) record.reason = `${failed.length} of ${measured.length} runs failed: ${failed[0].reason}`;
      }
      save();
      progress(`${groupKey(g)}: ${record.status}${record.reason ? ` (${record.reason})` : ""}`);
    }
    manifest.state = "complete";
  } catch (err) {
    manifest.state = "incomplete";
    manifest.stoppedBecause = (err as Error).message;
  } finally {
    if (!o.keepInputs) rmSync(scratch, { recursive: true, force: true });
    writeMacroCsv(paths.dir, rows);
    writeMacroSummary(paths.dir, summarizeMacro(rows));
    manifest.endedAt = new Date().toISOString();
    save();
  }

  const reportIndex = o.report === false ? null : (await renderReport(paths.dir, join(o.reportRoot, manifest.runId))).indexPath;
  return { runDir: paths.dir, reportIndex, failedRuns: rows.filter((r) => !runSucceeded(r)).length, complete: manifest.state === "complete" };
}
