import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REFERENCE_DIR } from "../results/referenceDir.ts";
import { parse } from "csv-parse/sync";
import type { Call, Fd } from "../spec/vocabulary.ts";
import type { Series } from "./series.ts";


/** The published numbers a run was compared with: its own copy when it has one, else the repository's. */
export function referenceDirFor(runDir: string): string {
  const own = join(runDir, "reference");
  return existsSync(join(own, "zinke2009.csv")) ? own : REFERENCE_DIR;
}

/** One bar label of frames 27/28 of the slides, as transcribed in zinke2009.csv. */
export interface PublishedOverhead {
  fd: Fd;
  call: Call;
  series: Series;
  overheadPercent: number;
}

export function readPublishedOverheads(referenceDir: string): PublishedOverhead[] {
  const records: Record<string, string>[] = parse(readFileSync(join(referenceDir, "zinke2009.csv")), {
    columns: true,
    skip_empty_lines: true,
  });
  return records.map((r) => ({
    fd: r.fd as Fd,
    call: r.call as Call,
    series: r.series as Series,
    overheadPercent: Number(r.overhead_percent),
  }));
}
