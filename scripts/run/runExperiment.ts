import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { analyzeRun } from "../analyze/analyzeRun.ts";
import { resolveHosts } from "../hosts/resolveHosts.ts";
import { planCells } from "../plan/cells.ts";
import { MANIFEST_FORMAT, type Manifest } from "../results/manifest.ts";
import { createRunDir, writeManifest } from "../results/runDir.ts";
import { REFERENCE_DIR } from "../results/referenceDir.ts";
import { renderReport } from "../render/report.ts";
import { loadSpec } from "../spec/loadSpec.ts";
import { measureHost } from "./measureHost.ts";
import { toolIdentity } from "./toolIdentity.ts";

export const REPO_DIR = fileURLToPath(new URL("../..", import.meta.url));

export interface RunOptions {
  specPath: string;
  on?: string[];
  rounds?: number;
  trials?: number;
  resultsRoot?: string;
  reportRoot?: string;
  report?: boolean; // analyse and render at the end (default true)
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface RunOutcome {
  runDir: string;
  reportIndex: string | null;
  failedCells: number;
  hostErrors: string[];
  complete: boolean;
}

/**
 * The run stage: spec → plan → hosts → results/<run-id>/, then analyze and
 * report. Bad input throws InputError before anything is written; a failing
 * host or cell is recorded and the rest goes on.
 */
export async function runExperiment(o: RunOptions): Promise<RunOutcome> {
  const spec = loadSpec(o.specPath);
  const hosts = resolveHosts(spec.value.hosts, o.on, o.on?.length ? "--on" : `${o.specPath}: hosts`);
  const settings = {
    rounds: o.rounds ?? spec.value.rounds,
    warmup: spec.value.warmup,
    trials: o.trials ?? spec.value.trials,
    timeoutSeconds: spec.value.timeoutSeconds,
  };
  const cells = planCells({ ...spec.value, ...settings }, hosts.map((h) => h.name));

  const paths = createRunDir(o.resultsRoot ?? join(REPO_DIR, "results"), REFERENCE_DIR);
  const runId = paths.dir.split("/").pop()!;
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    runId,
    tool: toolIdentity(),
    spec: { path: spec.path, sha256: spec.sha256, text: spec.text },
    settings,
    startedAt: new Date().toISOString(),
    endedAt: null,
    state: "running",
    hosts: {},
    cells: cells.map((c) => ({ ...c, status: "pending" })),
  };
  const save = () => writeManifest(paths.dir, manifest);
  save();

  const progress = o.progress ?? (() => {});
  const hostErrors: string[] = [];
  await Promise.all(
    hosts.map((host) =>
      measureHost(
        host,
        cells.filter((c) => c.host === host.name),
        { runDir: paths.dir, manifest, save, progress, signal: o.signal, timeoutSeconds: settings.timeoutSeconds },
      ).catch((err: Error) => {
        hostErrors.push(`${host.name}: ${err.message}`);
      }),
    ),
  );

  const pending = manifest.cells.filter((c) => c.status === "pending");
  manifest.state = pending.length === 0 ? "complete" : "incomplete";
  manifest.endedAt = new Date().toISOString();
  save();

  let reportIndex: string | null = null;
  if (o.report !== false) {
    analyzeRun(paths.dir);
    reportIndex = (await renderReport(paths.dir, join(o.reportRoot ?? join(REPO_DIR, "report"), runId))).indexPath;
  }
  return {
    runDir: paths.dir,
    reportIndex,
    failedCells: manifest.cells.filter((c) => c.status === "failed").length,
    hostErrors,
    complete: manifest.state === "complete",
  };
}
