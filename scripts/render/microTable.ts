import { cyclesToNs } from "../analyze/nanoseconds.ts";
import { cellId } from "../model/cell.ts";
import type { MicroManifest } from "../model/manifest.ts";
import { runPaths } from "../results/runDir.ts";
import { readSummaryCsv } from "../results/summaryCsv.ts";
import { formatInterval, formatNumber } from "./format.ts";
import { textTable } from "./textTable.ts";

const ratioText = (r: number) => `${r.toFixed(2)}×`;
const nsText = (ns: number) => ns.toFixed(1);

/** summary.csv as a terminal table: each cell's median, its ratio to plain and its overhead in nanoseconds, with 95% intervals. */
export function microTable(runDir: string, manifest: MicroManifest): string[] {
  const rows = readSummaryCsv(runPaths(runDir).summary).map((r) => {
    const ns = (cycles: number | null) => cyclesToNs(cycles, manifest.hosts[r.host]?.tscHz ?? null);
    return [
      cellId(r),
      formatNumber(r.median),
      r.median_ns === null ? "—" : nsText(r.median_ns),
      r.ratio === null ? "—" : ratioText(r.ratio),
      formatInterval(r.ratio_ci_low, r.ratio_ci_high, ratioText),
      r.overhead_ns === null ? "—" : nsText(r.overhead_ns),
      formatInterval(ns(r.overhead_ci_low), ns(r.overhead_ci_high), nsText),
    ];
  });
  return textTable(["cell", "median cycles", "ns", "× plain", "95% CI", "overhead ns", "95% CI"], rows);
}
