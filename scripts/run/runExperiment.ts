import { fileURLToPath } from "node:url";
import { basename, join } from "node:path";
import { analyzeRun } from "../analyze/analyzeRun.ts";
import { Fleet } from "../hosts/fleet.ts";
import { loadInventory } from "../hosts/inventory.ts";
import { resolveHosts } from "../hosts/resolveHosts.ts";
import { planCells } from "../plan/cells.ts";
import { MANIFEST_FORMAT, type Manifest } from "../results/manifest.ts";
import { createRunDir, writeManifest } from "../results/runDir.ts";
import { REFERENCE_DIR } from "../results/referenceDir.ts";
import { renderReport } from "../render/report.ts";
import { loadSpec, type LoadedSpec } from "../spec/loadSpec.ts";
import { InputError } from "../inputError.ts";
import type { Cell } from "../plan/cells.ts";
import type { Host } from "../hosts/host.ts";
import { prepareResume } from "./resumeRun.ts";
import { measureAllHosts } from "./measureAllHosts.ts";
import type { Progress } from "./progress.ts";
import { toolIdentity } from "./toolIdentity.ts";

export const REPO_DIR = fileURLToPath(new URL("../..", import.meta.url));

export interface RunOptions {
  specPath: string;
  on?: string[];
  hostsFile?: string; // host inventory (YAML); without it only "local" is known
  rounds?: number;
  trials?: number;
  resultsRoot?: string;
  reportRoot?: string;
  report?: boolean; // analyse and render at the end (default true)
  progress?: Progress;
  signal?: AbortSignal;
  resume?: string; // an interrupted run directory to complete instead of starting a new one
}

export interface RunOutcome {
  runDir: string;
  reportIndex: string | null;
  failedCells: number;
  hostErrors: string[];
  complete: boolean;
}

/** A fresh run directory and manifest for a spec; every planned cell pending. */
interface PreparedRun {
  runDir: string;
  manifest: Manifest;
  cells: Cell[]; // to measure now
  hosts: Host[];
}

function startNew(spec: LoadedSpec, fleet: Fleet, o: RunOptions): PreparedRun {
  const hosts = resolveHosts(spec.value.hosts, o.on, o.on?.length ? "--on" : `${o.specPath}: hosts`, fleet);
  const settings = {
    rounds: o.rounds ?? spec.value.rounds,
    warmup: spec.value.warmup,
    trials: o.trials ?? spec.value.trials,
    timeoutSeconds: spec.value.timeoutSeconds,
    analysis: spec.value.analysis,
  };
  const cells = planCells({ ...spec.value, ...settings }, hosts.map((h) => h.name));
  const paths = createRunDir(o.resultsRoot ?? join(REPO_DIR, "results"), REFERENCE_DIR);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    runId: basename(paths.dir),
    tool: toolIdentity(),
    spec: { path: spec.path, sha256: spec.sha256, text: spec.text },
    settings,
    startedAt: new Date().toISOString(),
    endedAt: null,
    state: "running",
    hosts: {},
    cells: cells.map((c) => ({ ...c, status: "pending" })),
  };
  return { runDir: paths.dir, manifest, cells, hosts };
}

function resumeExisting(runDir: string, spec: LoadedSpec, fleet: Fleet, o: RunOptions): PreparedRun {
  if (o.on?.length) throw new InputError("--on: a resumed run measures the hosts it was started on");
  const { manifest, cells, dropUnfinishedRows } = prepareResume(runDir, spec, o);
  const hosts = resolveHosts([...new Set(cells.map((c) => c.host))], undefined, `${runDir}: hosts`, fleet);
  dropUnfinishedRows();
  return { runDir, manifest, cells, hosts };
}

/**
 * The run stage: spec → plan → hosts → results/<run-id>/, then analyze and
 * report. Bad input throws InputError before anything is written; a failing
 * host or cell is recorded and the rest goes on.
 */
export async function runExperiment(o: RunOptions): Promise<RunOutcome> {
  const spec = loadSpec(o.specPath);
  const fleet = new Fleet(o.hostsFile ? loadInventory(o.hostsFile) : undefined);
  const { runDir, manifest, cells, hosts } = o.resume ? resumeExisting(o.resume, spec, fleet, o) : startNew(spec, fleet, o);
  const save = () => writeManifest(runDir, manifest);
  save();

  const progress = o.progress ?? (() => {});
  const hostErrors = await measureAllHosts(hosts, cells, fleet, {
    runDir,
    manifest,
    save,
    progress,
    signal: o.signal,
    timeoutSeconds: manifest.settings.timeoutSeconds,
  });

  const pending = manifest.cells.filter((c) => c.status === "pending");
  manifest.state = pending.length === 0 ? "complete" : "incomplete";
  manifest.endedAt = new Date().toISOString();
  save();

  let reportIndex: string | null = null;
  if (o.report !== false) {
    progress({ kind: "analysing" });
    analyzeRun(runDir);
    reportIndex = (await renderReport(runDir, join(o.reportRoot ?? join(REPO_DIR, "report"), manifest.runId))).indexPath;
  }
  return {
    runDir,
    reportIndex,
    failedCells: manifest.cells.filter((c) => c.status === "failed").length,
    hostErrors,
    complete: manifest.state === "complete",
  };
}
