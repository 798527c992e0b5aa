import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { Call, Fd, Placement, Tracer } from "../spec/vocabulary.ts";

/** One measured round: the tidy unit of raw.csv. */
export interface RawRow {
  host: string;
  call: Call;
  fd: Fd;
  tracer: Tracer;
  placement: Placement;
  trial: number;
  round: number;
  cycles: number;
  result: string;
}

export const RAW_COLUMNS = ["host", "call", "fd", "tracer", "placement", "trial", "round", "cycles", "result"] as const;

export function rawHeader(): string {
  return stringify([RAW_COLUMNS as unknown as string[]]);
}

export function formatRawRows(rows: RawRow[]): string {
  return stringify(rows.map((r) => RAW_COLUMNS.map((c) => r[c])));
}

export function readRawCsv(path: string): RawRow[] {
  const records: Record<string, string>[] = parse(readFileSync(path), { columns: true, skip_empty_lines: true });
  return records.map((r) => ({
    host: r.host,
    call: r.call as Call,
    fd: r.fd as Fd,
    tracer: r.tracer as Tracer,
    placement: r.placement as Placement,
    trial: Number(r.trial),
    round: Number(r.round),
    cycles: Number(r.cycles),
    result: r.result,
  }));
}
