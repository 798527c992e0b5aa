import { basename } from "node:path";
import type { Fleet } from "../hosts/fleet.ts";
import type { Host } from "../hosts/host.ts";
import { resolveHosts } from "../hosts/resolveHosts.ts";
import { InputError } from "../inputError.ts";
import type { CellOutcome } from "../model/cell.ts";
import type { RebootMode } from "../model/machineRecord.ts";
import { MANIFEST_FORMAT, type RunManifest } from "../model/manifest.ts";
import { REFERENCE_DIR } from "../model/paths.ts";
import type { RunOverrides } from "../plan/planningKind.ts";
import { createRunDir, readManifest, writeManifest } from "../results/runDir.ts";
import type { LoadedYaml } from "../spec/load.ts";
import { measureAllHosts } from "./measureAllHosts.ts";
import type { MeasuringKind } from "./measuringKind.ts";
import type { Progress } from "../model/progress.ts";
import { toolIdentity } from "../results/toolIdentity.ts";

export interface RunOptions {
  kind: MeasuringKind;
  spec: LoadedYaml<{ hosts: string[]; reboot?: RebootMode; blocksPerBoot?: number }>;
  fleet: Fleet; // the hosts the run may use; closed at the end
  on?: string[];
  overrides?: RunOverrides;
  resultsRoot: string;
  progress?: Progress;
  signal?: AbortSignal;
  resume?: string; // an interrupted run directory to complete instead of starting a new one
}

export interface RunOutcome {
  runDir: string;
  manifest: RunManifest;
  failedCells: number;
  hostErrors: string[];
  complete: boolean;
}

interface PreparedRun {
  runDir: string;
  manifest: RunManifest;
  cells: CellOutcome[]; // to measure now: the manifest's own records
  hosts: Host[];
}

/** A fresh run directory and manifest for a spec; every planned cell pending. */
async function startNew(o: RunOptions): Promise<PreparedRun> {
  const { kind, spec } = o;
  const hosts = resolveHosts(spec.value.hosts, o.on, o.on?.length ? "--on" : `${spec.path}: hosts`, o.fleet);
  const settings = kind.settings(spec.value, o.overrides ?? {}, spec.path);
  const cells = kind.plan(spec.value, settings, hosts.map((h) => h.name)).map((c) => ({ ...c, status: "pending" as const }));
  await kind.preflight(spec.value, hosts.map((h) => h.name), o.resultsRoot);
  const paths = createRunDir(o.resultsRoot, REFERENCE_DIR);
  kind.startRows(paths.dir);
  const manifest: RunManifest = {
    format: MANIFEST_FORMAT,
    kind: kind.name,
    runId: basename(paths.dir),
    tool: toolIdentity(),
    spec: { path: spec.path, sha256: spec.sha256, text: spec.text },
    settings,
    startedAt: new Date().toISOString(),
    endedAt: null,
    state: "running",
    hosts: {},
    cells,
  };
  return { runDir: paths.dir, manifest, cells, hosts };
}

/**
 * Take an interrupted run up again: its cells not done are measured, done
 * cells are never touched. Everything is checked before anything is written.
 */
function resumeExisting(runDir: string, o: RunOptions): PreparedRun {
  const { kind, spec } = o;
  if (o.on?.length) throw new InputError("--on: a resumed run measures the hosts it was started on");
  const manifest = readManifest(runDir);
  if (manifest.kind !== kind.name) throw new InputError(`${spec.path}: a ${kind.name} spec; run ${manifest.runId} is a ${manifest.kind} run`);
  if (manifest.spec.sha256 !== spec.sha256) {
    throw new InputError(`${spec.path}: not the spec run ${manifest.runId} was started with (sha256 ${manifest.spec.sha256.slice(0, 12)}…, this file ${spec.sha256.slice(0, 12)}…)`);
  }
  const wanted = kind.settings(spec.value, o.overrides ?? {}, spec.path) as Record<string, unknown>;
  const recorded = manifest.settings as Record<string, unknown>;
  for (const [key, value] of Object.entries(o.overrides ?? {})) {
    if (value !== undefined && JSON.stringify(wanted[key]) !== JSON.stringify(recorded[key])) {
      throw new InputError(`--${key} ${value}: run ${manifest.runId} measures ${recorded[key]} ${key}; a resumed run keeps its settings`);
    }
  }
  const again = manifest.cells.filter((c) => c.status === "pending" || c.status === "failed");
  if (again.length === 0) throw new InputError(`${runDir}: nothing to resume: every cell is done or skipped`);
  const hosts = resolveHosts([...new Set(again.map((c) => c.host))], undefined, `${runDir}: hosts`, o.fleet);
  const cells = kind.reopen(runDir, manifest, again);
  for (const c of cells) {
    c.status = "pending";
    delete c.reason;
  }
  manifest.state = "running";
  manifest.endedAt = null;
  delete manifest.stoppedBecause;
  manifest.resumedAt = [...(manifest.resumedAt ?? []), new Date().toISOString()];
  return { runDir, manifest, cells, hosts };
}

/**
 * The run stage, for every kind: spec → plan → hosts → results/<run-id>/.
 * Hosts are measured in parallel (a dual-boot machine's personalities in
 * turn); Ctrl-C (signal) ends the cell under way and leaves the run
 * incomplete, to be resumed. Bad input throws InputError before anything is
 * written; a failing host or cell is recorded and the rest goes on.
 */
export async function runExperiment(o: RunOptions): Promise<RunOutcome> {
  let prepared: PreparedRun;
  try {
    prepared = o.resume ? resumeExisting(o.resume, o) : await startNew(o);
  } catch (err) {
    await o.fleet.close();
    throw err;
  }
  const { runDir, manifest, cells, hosts } = prepared;
  const save = () => writeManifest(runDir, manifest);
  save();

  const hostErrors = await measureAllHosts(hosts, cells, o.fleet, {
    kind: o.kind,
    runDir,
    manifest,
    save,
    progress: o.progress ?? (() => {}),
    signal: o.signal,
    reboot: o.spec.value.reboot,
    blocksPerBoot: o.spec.value.blocksPerBoot,
  });
  const pending = manifest.cells.filter((c) => c.status === "pending");
  manifest.state = pending.length === 0 ? "complete" : "incomplete";
  manifest.endedAt = new Date().toISOString();
  save();
  return {
    runDir,
    manifest,
    failedCells: manifest.cells.filter((c) => c.status === "failed").length,
    hostErrors,
    complete: manifest.state === "complete",
  };
}
