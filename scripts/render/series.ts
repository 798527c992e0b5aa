import type { Tracer } from "../model/vocabulary.ts";
import type { SummaryRow } from "../results/summaryCsv.ts";

// The paper's overhead figures (frames 27, 28) show three series; the
// published numbers in results/reference/zinke2009.csv use these same keys.
export const SERIES = ["ptrace-wc", "ptrace-bc", "systrace"] as const;
export type Series = (typeof SERIES)[number];

export const SERIES_LABELS: Record<Series, string> = {
  "ptrace-wc": "ptrace (wc)",
  "ptrace-bc": "ptrace (bc)",
  systrace: "systrace",
};

export const SERIES_TRACER: Record<Series, Tracer> = {
  "ptrace-wc": "ptrace",
  "ptrace-bc": "ptrace",
  systrace: "systrace",
};

export interface Overhead {
  cycles: number | null;
  percent: number | null;
  /** 95% bootstrap interval of the cycles. */
  ciLow: number | null;
  ciHigh: number | null;
}

/** The summary.csv columns a series reads: ptrace is split into worst and best case, systrace is not. */
export function seriesOverhead(row: SummaryRow, series: Series): Overhead {
  switch (series) {
    case "ptrace-wc":
      return { cycles: row.wc_overhead_cycles, percent: row.wc_overhead_percent, ciLow: row.wc_overhead_ci_low, ciHigh: row.wc_overhead_ci_high };
    case "ptrace-bc":
      return { cycles: row.bc_overhead_cycles, percent: row.bc_overhead_percent, ciLow: row.bc_overhead_ci_low, ciHigh: row.bc_overhead_ci_high };
    case "systrace":
      return { cycles: row.overhead_cycles, percent: row.overhead_percent, ciLow: row.overhead_ci_low, ciHigh: row.overhead_ci_high };
  }
}
