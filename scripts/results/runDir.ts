import { randomBytes } from "node:crypto";
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../inputError.ts";
import { appendDurably, writeFileAtomic } from "./atomicWrite.ts";
import type { Manifest } from "./manifest.ts";
import { formatRawRows, rawHeader, type RawRow } from "./rawCsv.ts";

/** The files of one run directory, results/<run-id>/. */
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
export function createRunDir(root: string, referenceDir: string, o: { rawCsv: boolean } = { rawCsv: true }): ReturnType<typeof runPaths> {
  mkdirSync(root, { recursive: true });
  const paths = runPaths(join(root, newRunId()));
  mkdirSync(paths.dir);
  mkdirSync(paths.logs);
  cpSync(referenceDir, paths.reference, { recursive: true });
  if (o.rawCsv) writeFileSync(paths.raw, rawHeader());
  return paths;
}

export function writeManifest(dir: string, manifest: Manifest): void {
  writeFileAtomic(runPaths(dir).manifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

export function readManifest(dir: string): Manifest {
  const path = runPaths(dir).manifest;
  if (!existsSync(path)) throw new InputError(`${dir}: not a run directory (no manifest.json)`);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (err) {
    throw new InputError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
}

/** Add a whole cell's rounds to raw.csv in one flushed write. */
export function appendRawRows(dir: string, rows: RawRow[]): void {
  if (rows.length > 0) appendDurably(runPaths(dir).raw, formatRawRows(rows));
}

export function appendLog(dir: string, name: string, text: string): void {
  appendFileSync(join(runPaths(dir).logs, name), text);
}
