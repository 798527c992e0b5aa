// Number formats shared by the figures and the tables, so a percentage reads
// the same in a bar label and in the comparison table.

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** Cycles, bytes, hertz: digits grouped by thousands; a quantity below 10 (seconds) keeps four significant digits. */
export function formatNumber(value: number): string {
  return Math.abs(value) < 10 && !Number.isInteger(value) ? value.toPrecision(4) : GROUPED.format(value);
}

/** Overhead percentages are shown rounded to whole percent, as on the slides ("1579%"). */
export function formatPercent(percent: number): string {
  return `${percent.toFixed(0)}%`;
}

/** An interval of cycles or ratios: an en dash, since the numbers have thousands commas. */
export function formatInterval(low: number | null, high: number | null, format: (value: number) => string = formatNumber): string {
  return low === null || high === null ? "—" : `${format(low)} – ${format(high)}`;
}

/** Ratios of medians, "×19.49": two decimals tell 1.00 from 1.02. */
export function formatRatio(ratio: number): string {
  return `×${ratio.toFixed(2)}`;
}

/** p-values: three decimals, or "< 0.001" (summary.csv keeps the digits). */
export function formatP(p: number): string {
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}
