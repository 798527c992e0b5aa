import { randomBytes } from "node:crypto";
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError } from "../inputError.ts";
import { macroCellId } from "../model/macroCell.ts";
import { MANIFEST_FORMAT, type RunManifest } from "../model/manifest.ts";
import { appendDurably, writeFileAtomic } from "./atomicWrite.ts";
import { formatRawRows, type RawRow } from "./rawCsv.ts";

/** The files every run directory has, results/<run-id>/, whatever its kind. */
export function runPaths(dir: string) {
  return {
    dir,
    manifest: join(dir, "manifest.json"),
    raw: join(dir, "raw.csv"),
    summary: join(dir, "summary.csv"),
    logs: join(dir, "logs"),
    reference: join(dir, "reference"),
  };
}

/** UTC time to the second plus a random suffix: sortable, and never the same twice. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

/**
 * Make a fresh run directory; mkdir without "recursive" fails rather than
 * reuse one. The published numbers the run will be compared with are copied
 * in, so the dataset can be re-rendered without this repository.
 */
export function createRunDir(root: string, referenceDir: string): ReturnType<typeof runPaths> {
  mkdirSync(root, { recursive: true });
  const paths = runPaths(join(root, newRunId()));
  mkdirSync(paths.dir);
  mkdirSync(paths.logs);
  cpSync(referenceDir, paths.reference, { recursive: true });
  return paths;
}

export function writeManifest(dir: string, manifest: RunManifest): void {
  writeFileAtomic(runPaths(dir).manifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Format 1 as format 2: a micro run's manifest had no kind; a macro run's
 * listed its cells as `measurements`, without ids.
 */
function upgradeFormat1(m: Record<string, unknown>): void {
  m.kind ??= "micro";
  if (Array.isArray(m.measurements)) {
    m.cells = (m.measurements as Parameters<typeof macroCellId>[0][]).map((c) => ({ id: macroCellId(c), ...c }));
    delete m.measurements;
  }
}

/**
 * manifest.json of a run directory, in the current format. A manifest from
 * a newer tracetax is refused: its fields may mean something else.
 */
export function readManifest(dir: string): RunManifest {
  const path = runPaths(dir).manifest;
  if (!existsSync(path)) throw new InputError(`${dir}: not a run directory (no manifest.json)`);
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InputError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof m !== "object" || m === null || typeof m.format !== "number") throw new InputError(`${path}: not a tracetax manifest (no format number)`);
  if (m.format > MANIFEST_FORMAT) {
    throw new InputError(`${path}: manifest format ${m.format} is newer than this tracetax reads (${MANIFEST_FORMAT}); use a newer tracetax`);
  }
  if (m.format === 1) upgradeFormat1(m);
  if (!Array.isArray(m.cells)) throw new InputError(`${path}: no list of cells`);
  return m as unknown as RunManifest;
}

/** Add a whole cell's rounds to raw.csv in one flushed write. */
export function appendRawRows(dir: string, rows: RawRow[]): void {
  if (rows.length > 0) appendDurably(runPaths(dir).raw, formatRawRows(rows));
}

export function appendLog(dir: string, name: string, text: string): void {
  appendFileSync(join(runPaths(dir).logs, name), text);
}

/** A file the analyze stage writes, refused with what to do when the run was measured only (run --no-report). */
export function analysedFile(path: string, runDir: string): string {
  if (!existsSync(path)) throw new InputError(`${runDir}: not analysed yet (no ${basename(path)}): run tracetax analyze ${runDir} first`);
  return path;
}
