import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { Call, Fd, Placement, Tracer } from "../spec/vocabulary.ts";

/**
 * One row per host × cell (trials pooled). Overhead columns compare the cell
 * with its matching plain cell and are empty (null) for plain cells.
 * Intervals are 95%: of the median from order statistics (empty when n < 6),
 * of overheads and ratios by bootstrap; see scripts/analyze/.
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
  median_ci_low: number | null;
  median_ci_high: number | null;
  mad: number;
  median_ns: number | null;
  between_trial_spread: number | null;
  within_trial_mad: number;
  overhead_ns: number | null;
  overhead_ci_low: number | null;
  overhead_ci_high: number | null;
  /** Traced median ÷ plain median. */
  ratio: number | null;
  /** For a ":inspect" cell: its median minus the same cell's with the null handler, the cost of analysing the call. */
  analysis_cycles: number | null;
  ratio_ci_low: number | null;
  ratio_ci_high: number | null;
  /** Two-sided p of the Mann-Whitney U test, traced rounds against plain rounds. */
  mann_whitney_p: number | null;
  bc_overhead_ci_low: number | null;
  bc_overhead_ci_high: number | null;
  wc_overhead_ci_low: number | null;
  wc_overhead_ci_high: number | null;
  /** Warning codes (scripts/analyze/warnings.ts); ";"-separated in the file. */
  warnings: string[];
}

export const SUMMARY_COLUMNS: (keyof SummaryRow)[] = [
  "host", "call", "fd", "tracer", "placement", "trials", "n",
  "median", "q1", "q3", "min", "max", "timer_overhead",
  "plain_median", "overhead_cycles", "overhead_percent",
  "bimodal", "bc_median", "bc_n", "wc_median", "wc_n",
  "bc_overhead_cycles", "bc_overhead_percent", "wc_overhead_cycles", "wc_overhead_percent",
  "median_ci_low", "median_ci_high", "mad", "median_ns", "between_trial_spread", "within_trial_mad",
  "overhead_ns", "overhead_ci_low", "overhead_ci_high", "ratio", "ratio_ci_low", "ratio_ci_high", "mann_whitney_p", "analysis_cycles",
  "bc_overhead_ci_low", "bc_overhead_ci_high", "wc_overhead_ci_low", "wc_overhead_ci_high", "warnings",
];

const TEXT_COLUMNS = new Set<keyof SummaryRow>(["host", "call", "fd", "tracer", "placement"]);
const RATIO_COLUMNS = new Set<keyof SummaryRow>(["ratio", "ratio_ci_low", "ratio_ci_high"]);

/**
 * Integers as they are, fractions to two decimals: cycles are counts, percentages need no more.
 * Ratios keep three decimals, p-values three significant digits (they can be 1e-80).
 */
function cellText(column: keyof SummaryRow, value: SummaryRow[keyof SummaryRow]): string {
  if (value === null) return "";
  if (Array.isArray(value)) return value.join(";");
  if (typeof value === "number" && !Number.isInteger(value)) {
    if (column === "mann_whitney_p") return value.toPrecision(3);
    return value.toFixed(RATIO_COLUMNS.has(column) ? 3 : 2);
  }
  return String(value);
}

export function formatSummaryCsv(rows: SummaryRow[]): string {
  const body = rows.map((r) => SUMMARY_COLUMNS.map((c) => cellText(c, r[c])));
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
      else if (c === "warnings") row[c] = v ? v.split(";") : [];
      else row[c] = v === "" || v === undefined ? null : Number(v);
    }
    return row as unknown as SummaryRow;
  });
}
