import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { Call, Fd, Placement, Tracer } from "../spec/vocabulary.ts";

/**
 * One row per host × cell (trials pooled). Overhead columns compare the cell
 * with its matching plain cell and are empty (null) for plain cells.
 */
export interface SummaryRow {
  host: string;
  call: Call;
  fd: Fd;
  tracer: Tracer;
  placement: Placement;
  trials: number;
  n: number;
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
  timer_overhead: number | null;
  plain_median: number | null;
  overhead_cycles: number | null;
  overhead_percent: number | null;
  bimodal: boolean;
  bc_median: number;
  bc_n: number;
  wc_median: number;
  wc_n: number;
  bc_overhead_cycles: number | null;
  bc_overhead_percent: number | null;
  wc_overhead_cycles: number | null;
  wc_overhead_percent: number | null;
}

export const SUMMARY_COLUMNS: (keyof SummaryRow)[] = [
  "host", "call", "fd", "tracer", "placement", "trials", "n",
  "median", "q1", "q3", "min", "max", "timer_overhead",
  "plain_median", "overhead_cycles", "overhead_percent",
  "bimodal", "bc_median", "bc_n", "wc_median", "wc_n",
  "bc_overhead_cycles", "bc_overhead_percent", "wc_overhead_cycles", "wc_overhead_percent",
];

const TEXT_COLUMNS = new Set<keyof SummaryRow>(["host", "call", "fd", "tracer", "placement"]);

/** Integers as they are, fractions to two decimals: cycles are counts, percentages need no more. */
function cellText(value: SummaryRow[keyof SummaryRow]): string {
  if (value === null) return "";
  if (typeof value === "number" && !Number.isInteger(value)) return value.toFixed(2);
  return String(value);
}

export function formatSummaryCsv(rows: SummaryRow[]): string {
  const body = rows.map((r) => SUMMARY_COLUMNS.map((c) => cellText(r[c])));
  return stringify([SUMMARY_COLUMNS, ...body]);
}

export function readSummaryCsv(path: string): SummaryRow[] {
  const records: Record<string, string>[] = parse(readFileSync(path), { columns: true, skip_empty_lines: true });
  return records.map((rec) => {
    const row: Record<string, unknown> = {};
    for (const c of SUMMARY_COLUMNS) {
      const v = rec[c];
      if (TEXT_COLUMNS.has(c)) row[c] = v;
      else if (c === "bimodal") row[c] = v === "true";
      else row[c] = v === "" || v === undefined ? null : Number(v);
    }
    return row as unknown as SummaryRow;
  });
}
