// Number formats shared by the figures and the tables, so a percentage reads
// the same in a bar label and in the comparison table.

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** Cycles, bytes, hertz: digits grouped by thousands. */
export function formatNumber(value: number): string {
  return GROUPED.format(value);
}

/** Overhead percentages are shown rounded to whole percent, as on the slides ("1579%"). */
export function formatPercent(percent: number): string {
  return `${percent.toFixed(0)}%`;
}
