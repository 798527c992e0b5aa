import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { median, medianAbsoluteDeviation } from "simple-statistics";
import { groupBy } from "../analyze/groupBy.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import { groupKey } from "./macroPlan.ts";

export const MACRO_CSV = "macro.csv";
export const MACRO_SUMMARY_CSV = "macro-summary.csv";

/**
 * One run of one workload under one mechanism and call selection. exit is
 * the workload's exit status, "signal N" or "timeout"; stops counts what the
 * mechanism intercepted, where it can count; the request columns are the
 * load client's, for the server workload only; reason holds the last words
 * on stderr of a run that failed.
 */
export interface MacroRow {
  host: string;
  workload: string;
  mechanism: string;
  calls: string;
  run: number;
  real_s: number;
  user_s: number;
  sys_s: number;
  exit: string;
  stops: number | null;
  requests: number | null;
  errors: number | null;
  rps: number | null;
  p50_us: number | null;
  p99_us: number | null;
  reason: string;
}

const COLUMNS: (keyof MacroRow)[] = ["host", "workload", "mechanism", "calls", "run", "real_s", "user_s", "sys_s", "exit", "stops", "requests", "errors", "rps", "p50_us", "p99_us", "reason"];
// Columns kept as text on reading; every other column is a number, or null when empty.
const TEXT_COLUMNS = new Set<string>(["host", "workload", "mechanism", "calls", "exit", "reason"]);

function readTypedCsv<T>(path: string, columns: readonly string[]): T[] {
  const records: Record<string, string>[] = parse(readFileSync(path), { columns: true, skip_empty_lines: true });
  return records.map((r) => Object.fromEntries(columns.map((c) => [c, TEXT_COLUMNS.has(c) ? r[c] : r[c] === "" ? null : Number(r[c])])) as T);
}

export function writeMacroCsv(dir: string, rows: MacroRow[]): void {
  writeFileAtomic(join(dir, MACRO_CSV), stringify(rows, { header: true, columns: COLUMNS }));
}

export function readMacroCsv(dir: string): MacroRow[] {
  return readTypedCsv<MacroRow>(join(dir, MACRO_CSV), COLUMNS);
}

/** A run counts when the workload exited 0 and, for the server, every request was answered. */
export function runSucceeded(row: MacroRow): boolean {
  return row.exit === "0" && !row.errors;
}

/** Median and spread (median absolute deviation) per host × workload × mechanism × call selection, over the runs that succeeded. */
export interface MacroSummaryRow {
  host: string;
  workload: string;
  mechanism: string;
  calls: string;
  runs: number;
  failed: number;
  real_median: number | null;
  real_mad: number | null;
  user_median: number | null;
  user_mad: number | null;
  sys_median: number | null;
  sys_mad: number | null;
  rps_median: number | null;
  rps_mad: number | null;
  p50_us_median: number | null;
  p99_us_median: number | null;
}

export function summarizeMacro(rows: MacroRow[]): MacroSummaryRow[] {
  return [...groupBy(rows, groupKey).values()].map((group) => {
    const ok = group.filter(runSucceeded);
    const values = (pick: (r: MacroRow) => number | null) => ok.map(pick).filter((v): v is number => v !== null);
    // Rounded to the microsecond the rows carry, so float noise does not pose as precision.
    const round = (x: number) => Math.round(x * 1e6) / 1e6;
    const mid = (pick: (r: MacroRow) => number | null) => (values(pick).length ? round(median(values(pick))) : null);
    const mad = (pick: (r: MacroRow) => number | null) => (values(pick).length ? round(medianAbsoluteDeviation(values(pick))) : null);
    return {
      host: group[0].host,
      workload: group[0].workload,
      mechanism: group[0].mechanism,
      calls: group[0].calls,
      runs: group.length,
      failed: group.length - ok.length,
      real_median: mid((r) => r.real_s),
      real_mad: mad((r) => r.real_s),
      user_median: mid((r) => r.user_s),
      user_mad: mad((r) => r.user_s),
      sys_median: mid((r) => r.sys_s),
      sys_mad: mad((r) => r.sys_s),
      rps_median: mid((r) => r.rps),
      rps_mad: mad((r) => r.rps),
      p50_us_median: mid((r) => r.p50_us),
      p99_us_median: mid((r) => r.p99_us),
    };
  });
}

const SUMMARY_COLUMNS: (keyof MacroSummaryRow)[] = ["host", "workload", "mechanism", "calls", "runs", "failed", "real_median", "real_mad", "user_median",
  "user_mad", "sys_median", "sys_mad", "rps_median", "rps_mad", "p50_us_median", "p99_us_median"];

export function formatMacroSummary(rows: MacroSummaryRow[]): string {
  return stringify(rows, { header: true, columns: SUMMARY_COLUMNS });
}

export function writeMacroSummary(dir: string, rows: MacroSummaryRow[]): void {
  writeFileAtomic(join(dir, MACRO_SUMMARY_CSV), formatMacroSummary(rows));
}

export function readMacroSummary(dir: string): MacroSummaryRow[] {
  return readTypedCsv<MacroSummaryRow>(join(dir, MACRO_SUMMARY_CSV), SUMMARY_COLUMNS);
}
