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
  return r.bimodal ? `bc ${formatNumber(r.bc_median)} (${r.bc_n}) · wc ${formatNumber(r.wc_median)} (${r.wc_n})` : "one";
}

/** The cell warnings that occur on the host, explained once below the table. */
function hostCellWarnings(rows: SummaryRow[]): Html {
  const codes = distinct(rows.flatMap((r) => r.warnings));
  if (codes.length === 0) return html`<p class="clean">No cell warnings.</p>`;
  return warningLegend(codes);
}

/** Per cell: n, the median with its 95% interval, in cycles and nanoseconds, spread within and between trials, modes, warnings. */
export function cellStatisticsTable(rows: SummaryRow[]): Html {
  const body = rows.map((r) => [
    ...key(r),
    `${r.n} (${r.trials} trials)`,
    formatNumber(r.median),
    formatInterval(r.median_ci_low, r.median_ci_high),
    orDash(r.median_ns),
    formatNumber(r.mad),
    orDash(r.between_trial_spread),
    formatNumber(r.within_trial_mad),
    modesText(r),
    warningBadges(r.warnings),
  ]);
  return html`${table(
    [...KEY_COLUMNS, "n", "median (cycles)", "95% CI of the median", "median (ns)", "MAD", "spread between trials", "MAD within trials", "modes: median (n)", "warnings"],
    body,
    "numbers stats",
  )}
${hostCellWarnings(rows)}`;
}

/** Traced ÷ plain median with its 95% interval, "—" for a cell without a plain cell to compare with. */
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

/** Per traced cell: the overhead over its plain cell with bootstrap intervals, the ratio, and the Mann-Whitney p. */
export function overheadTable(rows: SummaryRow[]): Html {
  const traced = rows.filter((r) => r.overhead_cycles !== null);
  if (traced.length === 0) return html`<p>No traced cell on this host has a plain cell to compare with.</p>`;
  const body = traced.map((r) => [
    ...key(r),
    formatNumber(r.plain_median!),
    overheadText(r),
    orDash(r.overhead_ns),
    formatPercent(r.overhead_percent!),
    ratioText(r),
    orDash(r.mann_whitney_p, formatP),
  ]);
  return table(
    [...KEY_COLUMNS, "plain median (cycles)", "overhead (cycles), 95% CI", "overhead (ns)", "overhead (%)", "traced ÷ plain, 95% CI", "Mann-Whitney p"],
    body,
    "numbers overhead",
  );
}
