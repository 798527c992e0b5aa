import { stringify } from "csv-stringify/sync";
import type { AcrossRuns, CellReproducibility, Reproducibility } from "../analyze/reproducibility.ts";
import { textTable } from "./textTable.ts";

const percent = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${(100 * x).toFixed(0)}%`);
const pairs = (q: AcrossRuns | null) => {
  if (!q) return "—";
  const n = q.values.length * (q.values.length - 1);
  return `${Math.round(q.components.crossCoverage * n)}/${n}`;
};

/** A cell disagrees when fewer than half of its run pairs have one run's interval holding the other's estimate. */
function disagrees(c: CellReproducibility): boolean {
  return [c.median, c.ratio].some((q) => q !== null && q.components.crossCoverage < 0.5);
}

/** What the host said about each run's processes, to read the runs level against: the median run-queue delay and the steal. */
export interface RunNoise {
  runDir: string;
  runQueueMs: number | null;
  stealTicks: number;
}

/** The reproducibility of a set of runs for the terminal: the coverage, the spread, where the floor is, and the cells that disagree. */
export function reproducibilityText(r: Reproducibility, noise: RunNoise[]): string[] {
  const disagreeing = r.cells.filter(disagrees);
  return [
    `${r.runs} runs: ${noise.map((n) => n.runDir).join(", ")}`,
    `coverage: one run's 95% interval holds another run's estimate in ${percent(r.medianCoverage)} of (cell, run, run) for medians, ${percent(r.ratioCoverage)} for ratios (an honest interval: about 83%)`,
    `  ratios of unimodal cells ${percent(r.unimodalRatioCoverage)}; bimodal cells, judged by their modes (bc, wc medians and the upper mode's share), ${percent(r.modeCoverage)}`,
    r.ratioSpread
      ? `spread of traced ÷ plain ratios across runs, (max − min) ÷ median, unimodal cells: median ${percent(r.ratioSpread.median)}, max ${percent(r.ratioSpread.max)}`
      : "no unimodal traced cell was measured in every run",
    r.ratioLevels
      ? `levels of the ratios (SD of log ratio, median over cells): within a run, as its intervals say, ${percent(r.ratioLevels.withinRun)}; between runs, beyond that, ${percent(r.ratioLevels.betweenRuns)}`
      : "",
    `the host during each run: benchmark run-queue delay (median over trials) ${noise.map((n) => (n.runQueueMs === null ? "—" : `${n.runQueueMs.toFixed(2)} ms`)).join(", ")}; steal ${noise.map((n) => `${n.stealTicks} ticks`).join(", ")}`,
    "",
    ...textTable(
      ["cell", "median spread", "medians covered", "ratio spread", "ratios covered", "ratio SD within / between runs", "bimodal: bc, wc, share covered"],
      r.cells.map((c) => [
        c.cell,
        percent(c.median?.spread),
        pairs(c.median),
        percent(c.ratio?.spread),
        pairs(c.ratio),
        c.ratio ? `${percent(c.ratio.components.withinRun)} / ${percent(c.ratio.components.betweenRuns)}` : "—",
        c.modes ? `${pairs(c.modes.bc)}, ${pairs(c.modes.wc)}, ${pairs(c.modes.upperShare)}` : c.bimodal ? "in some runs" : "",
      ]),
    ),
    "",
    disagreeing.length ? `cells that disagree (under half of the pairs covered): ${disagreeing.map((c) => c.cell).join(", ")}` : "no cell disagrees",
  ].filter((line, i, all) => line !== "" || all[i - 1] !== "");
}

/** reproducibility.csv: one row per cell, each run's median and ratio, the spreads, the coverage and the runs level. */
export function reproducibilityCsv(r: Reproducibility): string {
  const runs = Array.from({ length: r.runs }, (_, i) => i + 1);
  const header = ["cell", "bimodal", ...runs.map((i) => `median_${i}`), ...runs.map((i) => `ratio_${i}`), "median_spread", "median_coverage",
    "ratio_spread", "ratio_coverage", "ratio_sd_within_run", "ratio_sd_between_runs", "bc_coverage", "wc_coverage", "upper_share_coverage"];
  const values = (q: AcrossRuns | null) => (q ? q.values : runs.map(() => ""));
  const rows = r.cells.map((c) => [c.cell, c.bimodal, ...values(c.median), ...values(c.ratio), c.median?.spread.toFixed(4) ?? "",
    c.median?.components.crossCoverage.toFixed(3) ?? "", c.ratio?.spread.toFixed(4) ?? "", c.ratio?.components.crossCoverage.toFixed(3) ?? "",
    c.ratio?.components.withinRun.toFixed(4) ?? "", c.ratio?.components.betweenRuns.toFixed(4) ?? "",
    ...[c.modes?.bc, c.modes?.wc, c.modes?.upperShare].map((q) => q?.components.crossCoverage.toFixed(3) ?? "")]);
  return stringify([header, ...rows]);
}
