import { readRawCsv, rawHeader, formatRawRows } from "../results/rawCsv.ts";
import { readManifest, runPaths } from "../results/runDir.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import type { Manifest } from "../results/manifest.ts";
import type { Cell } from "../plan/cells.ts";
import { InputError } from "../inputError.ts";
import { cellId } from "../plan/cells.ts";
import type { LoadedSpec } from "../spec/loadSpec.ts";

/**
 * Take an interrupted run up again: the cells not done (pending, or failed
 * when the run stopped) are measured again and appended; done cells are
 * never touched. Rows a crash left behind for a cell that was not done are
 * dropped (dropUnfinishedRows, once the input has been checked), so no cell
 * ends up in raw.csv twice or in part. Nothing is written here.
 */
export function prepareResume(
  runDir: string,
  spec: LoadedSpec,
  overrides: { rounds?: number; trials?: number },
): { manifest: Manifest; cells: Cell[]; dropUnfinishedRows: () => void } {
  const manifest = readManifest(runDir);
  if (manifest.spec.sha256 !== spec.sha256) {
    throw new InputError(`${spec.path}: not the spec run ${manifest.runId} was started with (sha256 ${manifest.spec.sha256.slice(0, 12)}…, this file ${spec.sha256.slice(0, 12)}…)`);
  }
  for (const key of ["rounds", "trials"] as const) {
    if (overrides[key] !== undefined && overrides[key] !== manifest.settings[key]) {
      throw new InputError(`--${key} ${overrides[key]}: run ${manifest.runId} measures ${manifest.settings[key]} ${key}; a resumed run keeps its settings`);
    }
  }
  const again = manifest.cells.filter((c) => c.status === "pending" || c.status === "failed");
  if (again.length === 0) throw new InputError(`${runDir}: nothing to resume: every cell is done or skipped`);

  const done = new Set(manifest.cells.filter((c) => c.status === "done").map((c) => c.id));
  const dropUnfinishedRows = () => {
    const raw = runPaths(runDir).raw;
    writeFileAtomic(raw, rawHeader() + formatRawRows(readRawCsv(raw).filter((r) => done.has(cellId(r)))));
  };
  for (const c of again) {
    c.status = "pending";
    delete c.reason;
    delete c.timerOverheadCycles;
    delete c.tracerStops;
  }
  manifest.state = "running";
  manifest.endedAt = null;
  delete manifest.stoppedBecause;
  manifest.resumedAt = [...(manifest.resumedAt ?? []), new Date().toISOString()];
  const cells = again.map(({ id, host, call, fd, tracer, placement, trials, rounds, warmup }) => ({ id, host, call, fd, tracer, placement, trials, rounds, warmup }));
  return { manifest, cells, dropUnfinishedRows };
}
