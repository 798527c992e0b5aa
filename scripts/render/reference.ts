import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { Call, Fd } from "../model/vocabulary.ts";
import type { Series } from "./series.ts";


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
