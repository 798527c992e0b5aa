import { includesZero } from "../analyze/bootstrap.ts";
import type { SummaryRow } from "../results/summaryCsv.ts";
import { formatInterval, formatNumber, formatP, formatPercent, formatRatio } from "./format.ts";
import { html, table, type Html } from "./html.ts";
import { distinct } from "./selection.ts";
import { warningBadge, warningLegend } from "./warningView.ts";

// Two tables per host, every number read from summary.csv: what each cell
// measured, and what tracing cost over the plain cell.

const KEY_COLUMNS = ["call", "fd", "tracer", "placement"];
const key = (r: SummaryRow) => [r.call, r.fd, r.tracer, r.placement];

const orDash = (value: number | null, format: (v: number) => string = formatNumber) => (value === null ? "—" : format(value));

function warningBadges(codes: string[]): Html {
  return html`${codes.map((code) => html`${warningBadge(code)} `)}`;
}

function modesText(r: SummaryRow): string {
  if (!r.bimodal) return "one";
  const share = r.upper_share === null ? "" : `; wc share ${r.upper_share.toFixed(2)} (${formatInterval(r.upper_share_ci_low, r.upper_share_ci_high, (v) => v.toFixed(2))})`;
  return `bc ${formatNumber(r.bc_median)} (${r.bc_n}) · wc ${formatNumber(r.wc_median)} (${r.wc_n})${share}`;
}

/** An SD of log cycles as a percentage: 0.02 reads as ±2%. */
const logSd = (v: number | null) => (v === null ? "—" : `±${(100 * v).toFixed(1)}%`);

/** What the host said about the cell's processes: trials with steal, trials that migrated, the median run-queue delay. */
function noiseText(r: SummaryRow): string {
  if (r.steal_trials === null && r.migrated_trials === null) return "not recorded";
  const delay = r.rq_delay_us === null ? "" : `, run queue ${r.rq_delay_us.toFixed(0)} µs`;
  return `steal in ${r.steal_trials ?? "?"}, migrated in ${r.migrated_trials ?? "?"} of ${r.trials} trials${delay}`;
}

/** The cell warnings that occur on the host, explained once below the table. */
function hostCellWarnings(rows: SummaryRow[]): Html {
  const codes = distinct(rows.flatMap((r) => r.warnings));
  if (codes.length === 0) return html`<p class="clean">No cell warnings.</p>`;
  return warningLegend(codes);
}

/**
 * Per cell: n, the median with its 95% interval, in cycles and nanoseconds,
 * the variation at each level (rounds within a trial, trials within the
 * run or, where the machine was rebooted between blocks, within a boot, and
 * boots), the noise the host reported, modes, warnings.
 */
export function cellStatisticsTable(rows: SummaryRow[]): Html {
  const rebooted = rows.some((r) => (r.boots ?? 0) >= 2);
  const body = rows.map((r) => [
    ...key(r),
    `${r.n} (${r.trials} trials${rebooted ? `, ${r.boots ?? "?"} boots` : ""})`,
    formatNumber(r.median),
    formatInterval(r.median_ci_low, r.median_ci_high),
    orDash(r.median_ns),
    formatNumber(r.mad),
    logSd(r.within_trial_sd),
    logSd(r.between_trial_sd),
    ...(rebooted ? [logSd(r.between_boot_sd)] : []),
    noiseText(r),
    modesText(r),
    warningBadges(r.warnings),
  ]);
  const levels = rebooted ? ["SD within a trial", "SD between trials of a boot", "SD between boots"] : ["SD within a trial", "SD between trials"];
  return html`${table(
    [...KEY_COLUMNS, "n", "median (cycles)", "95% CI of the median", "median (ns)", "MAD", ...levels, "noise", "modes: median (n)", "warnings"],
    body,
    "numbers stats",
  )}
${hostCellWarnings(rows)}`;
}

/** Traced ÷ plain (the geometric mean over blocks) with its 95% interval, "—" for a cell without a plain cell to compare with. */
export function ratioText(r: SummaryRow): string {
  return r.ratio === null ? "—" : `${formatRatio(r.ratio)} (${formatInterval(r.ratio_ci_low, r.ratio_ci_high, (v) => v.toFixed(2))})`;
}

function overheadText(r: SummaryRow): Html {
  const interval = { low: r.overhead_ci_low, high: r.overhead_ci_high };
  const ci = formatInterval(interval.low, interval.high);
  if (interval.low !== null && interval.high !== null && includesZero({ low: interval.low, high: interval.high })) {
    return html`${formatNumber(r.overhead_cycles!)} (${ci})<br><b>no measurable overhead</b>`;
  }
  return html`${formatNumber(r.overhead_cycles!)} (${ci})`;
}

/** Per traced cell: the overhead over its plain cell and the ratio, paired by block, with intervals, and the signed-rank p over blocks. */
export function overheadTable(rows: SummaryRow[]): Html {
  const traced = rows.filter((r) => r.overhead_cycles !== null);
  if (traced.length === 0) return html`<p>No traced cell on this host has a plain cell to compare with.</p>`;
  const body = traced.map((r) => [
    ...key(r),
    formatNumber(r.plain_median!),
    overheadText(r),
    orDash(r.overhead_ns),
    formatPercent(r.overhead_percent!),
    html`${ratioText(r)}${r.imprecise ? html` ${warningBadge("imprecise")}` : ""}`,
    orDash(r.paired_blocks),
    orDash(r.block_test_p, formatP),
  ]);
  return table(
    [...KEY_COLUMNS, "plain median (cycles)", "overhead (cycles), 95% CI", "overhead (ns)", "overhead (%)", "traced ÷ plain, 95% CI", "blocks", "signed-rank p (blocks)"],
    body,
    "numbers overhead",
  );
}
