import type { Manifest } from "../results/manifest.ts";
import { readRawCsv, type RawRow } from "../results/rawCsv.ts";
import { readManifest, runPaths } from "../results/runDir.ts";
import { readSummaryCsv, type SummaryRow } from "../results/summaryCsv.ts";
import { readPublishedOverheads, type PublishedOverhead } from "./reference.ts";

/** Everything the report is made from; it reads nothing else. */
export interface RunData {
  manifest: Manifest;
  summary: SummaryRow[];
  raw: RawRow[];
  published: PublishedOverhead[];
}

export function readRun(runDir: string, referenceDir: string): RunData {
  const paths = runPaths(runDir);
  return {
    manifest: readManifest(runDir),
    summary: readSummaryCsv(paths.summary),
    raw: readRawCsv(paths.raw),
    published: readPublishedOverheads(referenceDir),
  };
}

/** Hosts in the order the manifest names them, including any that failed before their facts were gathered. */
export function hostsOf(manifest: Manifest): string[] {
  return [...new Set([...Object.keys(manifest.hosts), ...manifest.cells.map((c) => c.host)])];
}
