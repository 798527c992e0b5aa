import { stringify } from "csv-stringify/sync";
import type { CellReproducibility, Reproducibility } from "../analyze/reproducibility.ts";
import { textTable } from "./textTable.ts";

const percent = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(0)}%`);
const pairs = ([hits, of]: [number, number]) => (of === 0 ? "—" : `${hits}/${of}`);

/** A cell disagrees when fewer than half of its run pairs have one run's interval holding the other's estimate. */
export function disagrees(c: CellReproducibility): boolean {
  const low = ([hits, of]: [number, number]) => of > 0 && hits / of < 0.5;
  return low(c.medianCovered) || low(c.ratioCovered);
}

/** The reproducibility of a set of runs for the terminal: the coverage, the spread, and the cells that disagree. */
export function reproducibilityText(r: Reproducibility, runDirs: string[]): string[] {
  const disagreeing = r.cells.filter(disagrees);
  return [
    `${r.runs} runs: ${runDirs.join(", ")}`,
    `coverage: one run's 95% interval holds another run's estimate in ${percent(r.medianCoverage)} of (cell, run, run) for medians, ${percent(r.ratioCoverage)} for ratios (an honest interval: about 83%)`,
    r.ratioSpread
      ? `spread of traced ÷ plain ratios across runs, (max − min) ÷ median, unimodal cells: median ${percent(r.ratioSpread.median)}, max ${percent(r.ratioSpread.max)}`
      : "no unimodal traced cell was measured in every run",
    "",
    ...textTable(
      ["cell", "median spread", "medians covered", "ratio spread", "ratios covered", "bimodal"],
      r.cells.map((c) => [c.cell, percent(c.medianSpread), pairs(c.medianCovered), percent(c.ratioSpread), pairs(c.ratioCovered), c.bimodal ? "yes" : ""]),
    ),
    "",
    disagreeing.length ? `cells that disagree (under half of the pairs covered): ${disagreeing.map((c) => c.cell).join(", ")}` : "no cell disagrees",
  ];
}

/** reproducibility.csv: one row per cell, each run's median and ratio, the spreads and the pairs covered. */
export function reproducibilityCsv(r: Reproducibility): string {
  const header = ["cell", "bimodal", ...r.cells[0]?.medians.map((_, i) => `median_${i + 1}`) ?? [], ...r.cells[0]?.ratios.map((_, i) => `ratio_${i + 1}`) ?? [],
    "median_spread", "ratio_spread", "median_pairs_covered", "median_pairs", "ratio_pairs_covered", "ratio_pairs"];
  const rows = r.cells.map((c) => [c.cell, c.bimodal, ...c.medians, ...c.ratios.map((x) => x ?? ""), c.medianSpread.toFixed(4), c.ratioSpread?.toFixed(4) ?? "",
    ...c.medianCovered, ...c.ratioCovered]);
  return stringify([header, ...rows]);
}
