import { existsSync } from "node:fs";
import { join } from "node:path";
import { median, medianAbsoluteDeviation } from "simple-statistics";
import { groupBy } from "../../analyze/groupBy.ts";
import { macroCellId } from "../../model/macroCell.ts";
import { appendDurably, writeFileAtomic } from "../../results/atomicWrite.ts";
import { analysedFile } from "../../results/runDir.ts";
import { csvHeader, csvLines, readTypedCsv, type CsvColumns } from "../../results/typedCsv.ts";

export const MACRO_CSV = "macro.csv";
export const MACRO_SUMMARY_CSV = "macro-summary.csv";

/**
 * One run (repetition) of one workload under one mechanism and call
 * selection: the tidy unit of macro.csv, appended as soon as it is known.
 * exit is the workload's exit status, "signal N" or "timeout"; stops counts
 * what the mechanism intercepted, where it can count; the request columns
 * are the load client's, for the server workload only; reason holds the last
 * words on stderr of a run that failed.
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

const COLUMNS: CsvColumns<MacroRow> = {
  host: "text", workload: "text", mechanism: "text", calls: "text", run: "number", real_s: "number", user_s: "number", sys_s: "number",
  exit: "text", stops: "number", requests: "number", errors: "number", rps: "number", p50_us: "number", p99_us: "number", reason: "text",
};

export const macroHeader = () => csvHeader(COLUMNS);

/** Add runs to macro.csv in one flushed write, so a crash after it keeps them. */
export function appendMacroRows(dir: string, rows: MacroRow[]): void {
  if (rows.length > 0) appendDurably(join(dir, MACRO_CSV), csvLines(rows, COLUMNS));
}

export function writeMacroCsv(dir: string, rows: MacroRow[]): void {
  writeFileAtomic(join(dir, MACRO_CSV), macroHeader() + csvLines(rows, COLUMNS));
}

export function readMacroCsv(dir: string): MacroRow[] {
  const path = join(dir, MACRO_CSV);
  return existsSync(path) ? readTypedCsv(path, COLUMNS) : [];
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

const SUMMARY_COLUMNS: CsvColumns<MacroSummaryRow> = {
  host: "text", workload: "text", mechanism: "text", calls: "text", runs: "number", failed: "number", real_median: "number", real_mad: "number",
  user_median: "number", user_mad: "number", sys_median: "number", sys_mad: "number", rps_median: "number", rps_mad: "number",
  p50_us_median: "number", p99_us_median: "number",
};

export function summarizeMacro(rows: MacroRow[]): MacroSummaryRow[] {
  return [...groupBy(rows, macroCellId).values()].map((group) => {
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

export function formatMacroSummary(rows: MacroSummaryRow[]): string {
  return csvHeader(SUMMARY_COLUMNS) + csvLines(rows, SUMMARY_COLUMNS);
}

export function writeMacroSummary(dir: string, rows: MacroSummaryRow[]): void {
  writeFileAtomic(join(dir, MACRO_SUMMARY_CSV), formatMacroSummary(rows));
}

export function readMacroSummary(dir: string): MacroSummaryRow[] {
  return readTypedCsv(analysedFile(join(dir, MACRO_SUMMARY_CSV), dir), SUMMARY_COLUMNS);
}
