import type { Cell } from "../model/cell.ts";
import { csvHeader, csvLines, readTypedCsv, type CsvColumns } from "./typedCsv.ts";

/**
 * One row per host × cell (trials pooled for the order statistics). Overhead
 * and ratio columns pair each traced trial with the plain trial of its block
 * and are empty (null) for plain cells. Intervals are 95%, from the two-level
 * block bootstrap (scripts/analyze/blockBootstrap.ts): empty below two
 * blocks.
 */
export interface SummaryRow extends Pick<Cell, "host" | "call" | "fd" | "tracer" | "placement" | "trials"> {
  /** Order statistics of the cell's rounds, trials pooled. */
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
  /** Two-sided p of the Wilcoxon signed-rank test over the blocks' log ratios: it holds at the level of blocks (processes), not rounds. */
  block_test_p: number | null;
  bc_overhead_ci_low: number | null;
  bc_overhead_ci_high: number | null;
  wc_overhead_ci_low: number | null;
  wc_overhead_ci_high: number | null;
  /** A bimodal cell's share of rounds in the upper mode, with its interval. */
  upper_share: number | null;
  upper_share_ci_low: number | null;
  upper_share_ci_high: number | null;
  /** Blocks holding both this cell's trial and its plain cell's: what the ratio and overhead stand on. */
  paired_blocks: number | null;
  /** Variation as SDs of log cycles (0.02 ≈ 2%): of rounds within a trial, and between trials (processes) of the run. */
  within_trial_sd: number;
  between_trial_sd: number | null;
  /** The share of the trial medians' variance that lies between processes. */
  between_share: number | null;
  /** Boots the cell's trials ran in, and the SD of log cycles from boot to boot beyond the trials' own (reboot: between-blocks); between_trial_sd is then within a boot. */
  boots: number | null;
  between_boot_sd: number | null;
  /** The ratio's interval is wider than the precision asked for (±5% unless the spec says). */
  imprecise: boolean;
  /** Trials with steal time, trials whose benchmark migrated, median run-queue delay: the noise the host reported. */
  steal_trials: number | null;
  migrated_trials: number | null;
  rq_delay_us: number | null;
  /** Warning codes (scripts/analyze/warnings.ts); ";"-separated in the file. */
  warnings: string[];
}

/** The columns of summary.csv in order, with how each is read back. */
const SUMMARY_COLUMNS: CsvColumns<SummaryRow> = {
  host: "text",
  call: "text",
  fd: "text",
  tracer: "text",
  placement: "text",
  trials: "number",
  n: "number",
  median: "number",
  q1: "number",
  q3: "number",
  min: "number",
  max: "number",
  timer_overhead: "number",
  plain_median: "number",
  overhead_cycles: "number",
  overhead_percent: "number",
  bimodal: "boolean",
  bc_median: "number",
  bc_n: "number",
  wc_median: "number",
  wc_n: "number",
  bc_overhead_cycles: "number",
  bc_overhead_percent: "number",
  wc_overhead_cycles: "number",
  wc_overhead_percent: "number",
  median_ci_low: "number",
  median_ci_high: "number",
  mad: "number",
  median_ns: "number",
  between_trial_spread: "number",
  within_trial_mad: "number",
  overhead_ns: "number",
  overhead_ci_low: "number",
  overhead_ci_high: "number",
  ratio: "number",
  ratio_ci_low: "number",
  ratio_ci_high: "number",
  block_test_p: "number",
  analysis_cycles: "number",
  bc_overhead_ci_low: "number",
  bc_overhead_ci_high: "number",
  wc_overhead_ci_low: "number",
  wc_overhead_ci_high: "number",
  upper_share: "number",
  upper_share_ci_low: "number",
  upper_share_ci_high: "number",
  paired_blocks: "number",
  within_trial_sd: "number",
  between_trial_sd: "number",
  between_share: "number",
  boots: "number",
  between_boot_sd: "number",
  imprecise: "boolean",
  steal_trials: "number",
  migrated_trials: "number",
  rq_delay_us: "number",
  warnings: "list",
};

const RATIO_COLUMNS = new Set<keyof SummaryRow>(["ratio", "ratio_ci_low", "ratio_ci_high", "upper_share", "upper_share_ci_low", "upper_share_ci_high"]);
const LOG_SD_COLUMNS = new Set<keyof SummaryRow>(["within_trial_sd", "between_trial_sd", "between_share", "between_boot_sd"]);

/**
 * Integers as they are, fractions to two decimals: cycles are counts, percentages need no more.
 * Ratios and shares keep three decimals, SDs of log cycles four, p-values three significant digits (they can be 1e-80).
 */
function cellText(column: keyof SummaryRow, value: SummaryRow[keyof SummaryRow]): string {
  if (value === null) return "";
  if (Array.isArray(value)) return value.join(";");
  if (typeof value === "number" && !Number.isInteger(value)) {
    if (column === "block_test_p") return value.toPrecision(3);
    return value.toFixed(RATIO_COLUMNS.has(column) ? 3 : LOG_SD_COLUMNS.has(column) ? 4 : 2);
  }
  return String(value);
}

export function formatSummaryCsv(rows: SummaryRow[]): string {
  return csvHeader(SUMMARY_COLUMNS) + csvLines(rows, SUMMARY_COLUMNS, cellText);
}

export const readSummaryCsv = (path: string) => readTypedCsv(path, SUMMARY_COLUMNS);
