import { median } from "simple-statistics";
import { cellId } from "../model/cell.ts";
import type { SummaryRow } from "../results/summaryCsv.ts";

/** An estimate with its 95% interval, as one run's summary gives it. */
interface RunEstimate {
  value: number;
  low: number | null;
  high: number | null;
}

/** One cell across the runs of a reproduce set. */
export interface CellReproducibility {
  cell: string;
  bimodal: boolean;
  medians: number[];
  ratios: (number | null)[];
  /** (max − min) ÷ median of the runs' estimates. */
  medianSpread: number;
  ratioSpread: number | null;
  /** Of the ordered pairs of runs (i, j), how many have run i's interval holding run j's estimate, and of how many. */
  medianCovered: [number, number];
  ratioCovered: [number, number];
}

export interface Reproducibility {
  runs: number;
  cells: CellReproducibility[];
  /** Over every (cell, run i, run j): the share where i's 95% interval contains j's estimate. An honest interval does so about 83% of the time. */
  medianCoverage: number | null;
  ratioCoverage: number | null;
  /** Median and maximum spread of the traced cells' ratios, unimodal cells only (a bimodal cell is judged by its modes). */
  ratioSpread: { median: number; max: number } | null;
}

const spread = (values: number[]) => (Math.max(...values) - Math.min(...values)) / median(values);

/** Ordered pairs (i ≠ j) where run i's interval contains run j's value, and how many pairs had an interval. */
function covered(estimates: (RunEstimate | null)[]): [number, number] {
  let hits = 0;
  let pairs = 0;
  estimates.forEach((a, i) =>
    estimates.forEach((b, j) => {
      if (i === j || !a || !b || a.low === null || a.high === null) return;
      pairs++;
      if (a.low <= b.value && b.value <= a.high) hits++;
    }),
  );
  return [hits, pairs];
}

const share = (counts: [number, number][]) => {
  const [hits, pairs] = counts.reduce(([h, p], [a, b]) => [h + a, p + b], [0, 0]);
  return pairs === 0 ? null : hits / pairs;
};

/**
 * How far independent runs of one spec agree: per cell the spread of the
 * runs' medians and ratios, and how often one run's 95% interval contains
 * another's estimate (Kalibera & Jones: the runs level of variation). Cells
 * are matched by host, call, descriptor, mechanism and placement; a cell
 * some run did not measure is left out.
 */
export function reproducibility(summaries: SummaryRow[][]): Reproducibility {
  const byCell = summaries.map((rows) => new Map(rows.map((r) => [cellId(r), r])));
  const cells = [...byCell[0].keys()].filter((id) => byCell.every((m) => m.has(id)));
  const results = cells.map((id): CellReproducibility => {
    const rows = byCell.map((m) => m.get(id)!);
    const ratios = rows.map((r) => r.ratio);
    const ratioEstimates = rows.map((r) => (r.ratio === null ? null : { value: r.ratio, low: r.ratio_ci_low, high: r.ratio_ci_high }));
    return {
      cell: id,
      bimodal: rows.some((r) => r.bimodal),
      medians: rows.map((r) => r.median),
      ratios,
      medianSpread: spread(rows.map((r) => r.median)),
      ratioSpread: ratios.every((r) => r !== null) ? spread(ratios as number[]) : null,
      medianCovered: covered(rows.map((r) => ({ value: r.median, low: r.median_ci_low, high: r.median_ci_high }))),
      ratioCovered: covered(ratioEstimates),
    };
  });
  const unimodalRatioSpreads = results.filter((c) => !c.bimodal && c.ratioSpread !== null).map((c) => c.ratioSpread!);
  return {
    runs: summaries.length,
    cells: results,
    medianCoverage: share(results.map((c) => c.medianCovered)),
    ratioCoverage: share(results.map((c) => c.ratioCovered)),
    ratioSpread: unimodalRatioSpreads.length ? { median: median(unimodalRatioSpreads), max: Math.max(...unimodalRatioSpreads) } : null,
  };
}
