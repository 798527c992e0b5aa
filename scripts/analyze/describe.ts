import { max, median, min, quantileSorted } from "simple-statistics";
import type { SummaryRow } from "../results/summaryCsv.ts";

export type Description = Pick<SummaryRow, "n" | "median" | "q1" | "q3" | "min" | "max">;

/** Order statistics of a sample; quartiles interpolate linearly between order statistics (Hyndman & Fan type 7, numpy's default). */
export function describe(values: number[]): Description {
  if (values.length === 0) throw new Error("describe: empty sample");
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: values.length,
    median: median(sorted),
    q1: quantileSorted(sorted, 0.25),
    q3: quantileSorted(sorted, 0.75),
    min: min(sorted),
    max: max(sorted),
  };
}
