import { appendFileSync } from "node:fs";
import { basename, join } from "node:path";
import { BuildError, type Host } from "../hosts/host.ts";
import { Fleet } from "../hosts/fleet.ts";
import { loadInventory } from "../hosts/inventory.ts";
import { LocalHost } from "../hosts/localHost.ts";
import { resolveHosts } from "../hosts/resolveHosts.ts";
import { InputError } from "../inputError.ts";
import { MANIFEST_FORMAT, type CellStatus, type Manifest } from "../results/manifest.ts";
import { REFERENCE_DIR } from "../results/referenceDir.ts";
import { createRunDir, runPaths } from "../results/runDir.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import { renderReport } from "../render/report.ts";
import { toolIdentity } from "../run/toolIdentity.ts";
import { runSucceeded, summarizeMacro, writeMacroCsv, writeMacroSummary, type MacroRow } from "./macroCsv.ts";
import { groupKey, planMacroGroups, type MacroGroup } from "./macroPlan.ts";
import { loadMacroSpec, type MacroSpec } from "./macroSpec.ts";
import { generateInput, inputSpaceRefusal, interceptionRefusal, lastWords, runServerOnce, timeCommand } from "./runWorkload.ts";

/** A measurement of the manifest: the group's identity, and what became of it. */
export interface MacroGroupRecord {
  host: string;
  workload: string;
  mechanism: string;
  calls: string;
  status: CellStatus;
  reason?: string;
}

/** manifest.json of a macrobenchmark run: the run's identity and hosts like any run, measurements instead of cells. */
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
  hostsFile?: string; // inventory of lab hosts
  on?: string[]; // hosts instead of the spec's
  report?: boolean; // render the report at the end (default true)
  keepInputs?: boolean; // leave the generated tree and file in the run's scratch directory on each host
  signal?: AbortSignal; // stop after the current measurement
  progress?: (line: string) => void;
}

const blank = { requests: null, errors: null, rps: null, p50_us: null, p99_us: null };

/**
 * Every run of one group on its host, each row added to `rows` as soon as it
 * is known; `input` is the generated tree or file of find and gzip. Returns
 * why runs are missing, if some are; throws when the host cannot be used.
 */
async function measureGroup(host: Host, g: MacroGroup, s: MacroSpec, input: string, rows: MacroRow[], log: (text: string) => void): Promise<string | null> {
  const { repetitions, timeoutSeconds } = s;
  const at = { host: g.host, workload: g.workload, mechanism: g.mechanism, calls: g.calls };
  if (g.spec.type !== "server") {
    const command = g.spec.type === "find" ? ["find", input] : ["gzip", "-9", "-c", input];
    const { runs, stderr, missing } = await timeCommand(host, g, repetitions, timeoutSeconds, command);
    log(stderr);
    rows.push(...runs.map((t) => ({ ...at, ...t, ...blank, reason: t.exit === "0" ? "" : lastWords(stderr) || `exit ${t.exit}` })));
    return missing;
  }
  const w = g.spec;
  for (let run = 1; run <= repetitions; run++) {
    const r = await runServerOnce(host, g, { mode: w.mode, requests: w.requests, concurrency: w.concurrency, port: w.port, timeoutSeconds });
    log(r.stderr);
    const load = r.load ?? { requests: null, errors: w.requests, rps: null, p50_us: null, p99_us: null };
    // Requests the server did not count as answered are errors too, whatever the client saw.
    const errors = Math.max(load.errors ?? 0, w.requests - (r.served ?? 0));
    const failed = r.timed.exit !== "0" || errors > 0;
    const reason = failed ? lastWords(r.stderr) || `exit ${r.timed.exit}, ${errors} of ${w.requests} requests unanswered` : "";
    rows.push({ ...at, ...r.timed, run, requests: load.requests, errors, rps: load.rps, p50_us: load.p50_us, p99_us: load.p99_us, reason });
  }
  return null;
}

/** The run being written: its manifest, the rows of each host (in the order of the hosts), and how to save them. */
interface MacroRunState {
  runDir: string;
  manifest: MacroManifest;
  rowsByHost: Map<string, MacroRow[]>;
  save(): void;
}

const allRows = (run: MacroRunState) => [...run.rowsByHost.values()].flat();

/**
 * One host's part of the run: build native/ there, record its facts, then
 * each of its groups in the spec's order. A build that fails, an input that
 * cannot be generated, a connection that drops: the groups concerned fail
 * with the reason and the rest go on. Only an interruption stops it.
 */
async function measureOnHost(host: Host, groups: MacroGroup[], spec: MacroSpec, run: MacroRunState, o: MacroRunOptions): Promise<void> {
  // This host's measurements in the manifest, in the order of its groups.
  const records = run.manifest.measurements.filter((m) => m.host === host.name);
  let scratch: string;
  try {
    await host.build();
    run.manifest.hosts[host.name] = await host.facts();
    scratch = await host.makeScratch(run.manifest.runId, join(run.runDir, "scratch"));
  } catch (err) {
    const reason = err instanceof BuildError ? err.message : `${host.name}: ${(err as Error).message}`;
    for (const record of records) Object.assign(record, { status: "failed", reason });
    run.save();
    return;
  }
  run.save();
  const inputs = new Map<string, Promise<string>>();
  const refusals = new Map<string, string | null>();
  const rows = run.rowsByHost.get(host.name)!;
  const lastUse = new Map(groups.map((g) => [g.workload, g])); // an input is removed after its last group
  try {
    for (const [i, g] of groups.entries()) {
      if (o.signal?.aborted) throw new Error("interrupted (signal)");
      const record = records[i];
      const before = rows.length;
      try {
        const selection = `${g.mechanism} ${g.calls}`;
        if (!refusals.has(selection)) refusals.set(selection, await interceptionRefusal(host, g));
        const refusal = refusals.get(selection);
        if (refusal) {
          Object.assign(record, { status: "skipped", reason: refusal });
        } else {
          let input = "";
          if (g.spec.type !== "server") {
            const w = g.spec;
            // Made from the seed once per host and workload, before its first measurement.
            if (!inputs.has(w.type)) inputs.set(w.type, generateInput(host, w, `${scratch}/${w.type}`).then(() => `${scratch}/${w.type}`));
            input = await inputs.get(w.type)!;
          }
          const missing = await measureGroup(host, g, spec, input, rows, (text) => {
            if (text.trim()) appendFileSync(join(runPaths(run.runDir).logs, "macro.log"), `## ${groupKey(g)}\n${text.trimEnd()}\n`);
          });
          const measured = rows.slice(before);
          const failed = measured.filter((r) => !runSucceeded(r));
          record.status = missing || failed.length === measured.length ? "failed" : "done";
          const reasons = [missing, failed.length > 0 ? `${failed.length} of ${measured.length} runs failed: ${failed[0].reason}` : null];
          if (reasons.some(Boolean)) record.reason = reasons.filter(Boolean).join("; ");
        }
      } catch (err) {
        Object.assign(record, { status: "failed", reason: (err as Error).message });
      }
      writeMacroCsv(run.runDir, allRows(run));
      run.save();
      o.progress?.(`${groupKey(g)}: ${record.status}${record.reason ? ` (${record.reason})` : ""}`);
      if (lastUse.get(g.workload) === g && inputs.has(g.workload) && !o.keepInputs) {
        await host.removeScratch(`${scratch}/${g.workload}`).catch((err: Error) => o.progress?.(`${host.name}: cannot remove the ${g.workload} input: ${err.message}`));
      }
    }
  } finally {
    if (!o.keepInputs) await host.removeScratch(scratch);
  }
}

/** Refuse, before anything is written, inputs that could nearly fill this machine's disk. */
async function checkLocalSpace(spec: MacroSpec, resultsRoot: string): Promise<void> {
  const local = new LocalHost();
  await local.build();
  for (const w of spec.workloads) {
    if (w.type === "server") continue;
    const refusal = await inputSpaceRefusal(local, w, join(resultsRoot, "scratch", w.type));
    if (refusal) throw new InputError(refusal);
  }
}

/**
 * The run stage of a macrobenchmark spec: results/<run-id>/ with macro.csv
 * (one row per run, rewritten after each measurement) and macro-summary.csv,
 * then the report. Hosts are measured in parallel, each one's groups one
 * after another. Bad input, and inputs too big for this machine's disk,
 * throw InputError before anything is written; a mechanism a host cannot
 * serve is skipped with its reason; an interruption keeps every row
 * measured so far and leaves the run "incomplete".
 */
export async function runMacro(o: MacroRunOptions): Promise<{ runDir: string; reportIndex: string | null; failedRuns: number; complete: boolean }> {
  const spec = loadMacroSpec(o.specPath);
  const fleet = new Fleet(o.hostsFile ? loadInventory(o.hostsFile) : undefined);
  const hosts = resolveHosts(spec.value.hosts, o.on, o.on?.length ? "--on" : `${o.specPath}: hosts`, fleet);
  try {
    if (hosts.some((h) => h.name === "local")) await checkLocalSpace(spec.value, o.resultsRoot);
    const paths = createRunDir(o.resultsRoot, REFERENCE_DIR, { rawCsv: false }); // macro.csv holds the rows
    const groupsByHost = new Map(hosts.map((h) => [h.name, planMacroGroups(spec.value, h.name)]));
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
      hosts: {},
      cells: [],
      measurements: [...groupsByHost.values()].flat().map((g) => ({ host: g.host, workload: g.workload, mechanism: g.mechanism, calls: g.calls, status: "pending" })),
    };
    const run: MacroRunState = {
      runDir: paths.dir,
      manifest,
      rowsByHost: new Map(hosts.map((h) => [h.name, []])),
      save: () => writeFileAtomic(runPaths(paths.dir).manifest, `${JSON.stringify(manifest, null, 2)}\n`),
    };
    run.save();
    writeMacroCsv(paths.dir, []);

    const outcomes = await Promise.allSettled(hosts.map((h) => measureOnHost(h, groupsByHost.get(h.name)!, spec.value, run, o)));
    const stop = outcomes.find((r): r is PromiseRejectedResult => r.status === "rejected");
    manifest.state = stop ? "incomplete" : "complete";
    if (stop) manifest.stoppedBecause = (stop.reason as Error).message;
    const rows = allRows(run);
    writeMacroCsv(paths.dir, rows);
    writeMacroSummary(paths.dir, summarizeMacro(rows));
    manifest.endedAt = new Date().toISOString();
    run.save();

    const reportIndex = o.report === false ? null : (await renderReport(paths.dir, join(o.reportRoot, manifest.runId))).indexPath;
    return { runDir: paths.dir, reportIndex, failedRuns: rows.filter((r) => !runSucceeded(r)).length, complete: manifest.state === "complete" };
  } finally {
    await fleet.close();
  }
}
