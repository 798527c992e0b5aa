import { median } from "simple-statistics";
import { cellId } from "../model/cell.ts";
import type { SummaryRow } from "../results/summaryCsv.ts";
import { runComponents, type RunComponents, type RunEstimate } from "./varianceComponents.ts";

/** One quantity of one cell (its median, its ratio) across the runs of a reproduce set. */
export interface AcrossRuns {
  values: number[];
  /** (max − min) ÷ median of the runs' estimates. */
  spread: number;
  /** The runs level: variation across runs against what each run's interval promised, and how often one run's interval holds another's estimate. */
  components: RunComponents;
}

/** A bimodal cell across the runs, judged by its modes: the lower and upper mode's medians, and the upper mode's share of rounds. */
export interface ModesAcrossRuns {
  bc: AcrossRuns | null;
  wc: AcrossRuns | null;
  upperShare: AcrossRuns | null;
}

/** One cell across the runs. */
export interface CellReproducibility {
  cell: string;
  bimodal: boolean;
  median: AcrossRuns | null;
  ratio: AcrossRuns | null;
  /** Where every run found the cell bimodal and compared it with a plain cell. */
  modes: ModesAcrossRuns | null;
}

export interface Reproducibility {
  runs: number;
  cells: CellReproducibility[];
  /** Over every (cell, run i, run j): the share where i's 95% interval contains j's estimate. An honest interval does so about 83% of the time. */
  medianCoverage: number | null;
  /** Of every traced cell's ratio, bimodal ones included. */
  ratioCoverage: number | null;
  /** Of the unimodal cells' ratios: the figure to hold against 83% (a bimodal cell's ratio jumps with its trials' share of slow rounds). */
  unimodalRatioCoverage: number | null;
  /** Of the bimodal cells' mode medians and shares, over the three quantities. */
  modeCoverage: number | null;
  /** Median and maximum spread of the traced cells' ratios, unimodal cells only (a bimodal cell is judged by its modes). */
  ratioSpread: { median: number; max: number } | null;
  /** Over the traced cells, the median SD (of log ratios) within a run, as its intervals say, and between runs beyond it: where the floor is. */
  ratioLevels: { withinRun: number; betweenRuns: number } | null;
}

/** The runs' estimates of one quantity, when every run has it with an interval. */
function acrossRuns(estimates: (RunEstimate | null)[]): AcrossRuns | null {
  if (estimates.some((e) => e === null)) return null;
  const runs = estimates as RunEstimate[];
  const values = runs.map((r) => r.value);
  return { values, spread: (Math.max(...values) - Math.min(...values)) / median(values), components: runComponents(runs) };
}

const estimate = (value: number | null, low: number | null, high: number | null): RunEstimate | null =>
  value === null || low === null || high === null ? null : { value, low, high };

/** A mode's median with its interval: summary.csv keeps the interval of its overhead over the plain median. */
const modeEstimate = (median: number, overheadLow: number | null, overheadHigh: number | null, plain: number | null): RunEstimate | null =>
  plain === null ? null : estimate(median, overheadLow === null ? null : overheadLow + plain, overheadHigh === null ? null : overheadHigh + plain);

function modesAcrossRuns(rows: SummaryRow[]): ModesAcrossRuns | null {
  if (!rows.every((r) => r.bimodal && r.plain_median !== null)) return null;
  return {
    bc: acrossRuns(rows.map((r) => modeEstimate(r.bc_median, r.bc_overhead_ci_low, r.bc_overhead_ci_high, r.plain_median))),
    wc: acrossRuns(rows.map((r) => modeEstimate(r.wc_median, r.wc_overhead_ci_low, r.wc_overhead_ci_high, r.plain_median))),
    upperShare: acrossRuns(rows.map((r) => estimate(r.upper_share, r.upper_share_ci_low, r.upper_share_ci_high))),
  };
}

/** The share of all (cell, run i, run j) where i's interval holds j's estimate, over the cells that have the quantity. */
function coverage(quantities: (AcrossRuns | null)[]): number | null {
  const known = quantities.filter((q): q is AcrossRuns => q !== null);
  const pairs = known.reduce((sum, q) => sum + q.values.length * (q.values.length - 1), 0);
  const hits = known.reduce((sum, q) => sum + q.components.crossCoverage * q.values.length * (q.values.length - 1), 0);
  return pairs === 0 ? null : hits / pairs;
}

/**
 * How far independent runs of one spec agree (Kalibera & Jones: the runs
 * level of variation): per cell the spread of the runs' medians and ratios,
 * how often one run's 95% interval contains another's estimate, and how much
 * of the variation lies between runs beyond what the runs' own intervals
 * account for. Cells are matched by host, call, descriptor, mechanism and
 * placement; a cell some run did not measure is left out.
 */
export function reproducibility(summaries: SummaryRow[][]): Reproducibility {
  const byCell = summaries.map((rows) => new Map(rows.map((r) => [cellId(r), r])));
  const cells = [...byCell[0].keys()].filter((id) => byCell.every((m) => m.has(id)));
  const results = cells.map((id): CellReproducibility => {
    const rows = byCell.map((m) => m.get(id)!);
    return {
      cell: id,
      bimodal: rows.some((r) => r.bimodal),
      median: acrossRuns(rows.map((r) => estimate(r.median, r.median_ci_low, r.median_ci_high))),
      ratio: acrossRuns(rows.map((r) => estimate(r.ratio, r.ratio_ci_low, r.ratio_ci_high))),
      modes: modesAcrossRuns(rows),
    };
  });
  const ratios = results.filter((c) => c.ratio !== null).map((c) => c.ratio!);
  const unimodalSpreads = results.filter((c) => !c.bimodal && c.ratio !== null).map((c) => c.ratio!.spread);
  return {
    runs: summaries.length,
    cells: results,
    medianCoverage: coverage(results.map((c) => c.median)),
    ratioCoverage: coverage(ratios),
    unimodalRatioCoverage: coverage(results.filter((c) => !c.bimodal).map((c) => c.ratio)),
    modeCoverage: coverage(results.flatMap((c) => (c.modes ? [c.modes.bc, c.modes.wc, c.modes.upperShare] : []))),
    ratioSpread: unimodalSpreads.length ? { median: median(unimodalSpreads), max: Math.max(...unimodalSpreads) } : null,
    ratioLevels: ratios.length
      ? { withinRun: median(ratios.map((r) => r.components.withinRun)), betweenRuns: median(ratios.map((r) => r.components.betweenRuns)) }
      : null,
  };
}
