import type { MicroManifest } from "../model/manifest.ts";
import { readRawCsv, type RawRow } from "../results/rawCsv.ts";
import { analysedFile, runPaths } from "../results/runDir.ts";
import { readSummaryCsv, type SummaryRow } from "../results/summaryCsv.ts";
import { readPublishedOverheads, type PublishedOverhead } from "./reference.ts";
import { readPublishedObserverCosts, type PublishedObserverCost } from "./observersReference.ts";

/** Everything a microbenchmark run's report is made from; it reads nothing else. */
export interface RunData {
  manifest: MicroManifest;
  summary: SummaryRow[];
  raw: RawRow[];
  published: PublishedOverhead[];
  observerCosts: PublishedObserverCost[];
}

export function readRun(runDir: string, manifest: MicroManifest, referenceDir: string): RunData {
  const paths = runPaths(runDir);
  return { manifest, summary: readSummaryCsv(analysedFile(paths.summary, runDir)), raw: readRawCsv(paths.raw), published: readPublishedOverheads(referenceDir), observerCosts: readPublishedObserverCosts(referenceDir) };
}
