import { ckmeans, median } from "simple-statistics";

/**
 * "ptrace (wc)" and "ptrace (bc)", which the 2009 slides do not define. Our
 * definition: the rounds of a cell (trials pooled) are split into two modes
 * when clearly bimodal: optimal 2-means on log cycles (ckmeans), each mode
 * holding at least MIN_MODE_SHARE of the rounds, and the modes' medians at
 * least MIN_MODE_RATIO apart. bc is the lower mode's median, wc the upper's;
 * a unimodal cell has wc = bc = median.
 */
export const MIN_MODE_SHARE = 0.1;
export const MIN_MODE_RATIO = 1.5;

export interface Modes {
  bimodal: boolean;
  bcMedian: number;
  bcN: number;
  wcMedian: number;
  wcN: number;
}

/** The rounds of the lower and the upper mode when the sample is clearly bimodal, else null. */
export function modeRounds(cycles: number[]): { low: number[]; high: number[] } | null {
  const positive = cycles.filter((c) => c > 0);
  if (positive.length !== cycles.length || new Set(cycles).size < 2) return null;

  const [lowLogs] = ckmeans(cycles.map(Math.log), 2);
  const boundary = Math.max(...lowLogs);
  const low = cycles.filter((c) => Math.log(c) <= boundary);
  const high = cycles.filter((c) => Math.log(c) > boundary);
  const minSize = MIN_MODE_SHARE * cycles.length;
  if (low.length < minSize || high.length < minSize) return null;
  if (median(high) / median(low) < MIN_MODE_RATIO) return null;
  return { low, high };
}

/** wc and bc of a sample, from its modes when they were already split. */
export function splitModes(cycles: number[], modes = modeRounds(cycles)): Modes {
  if (!modes) {
    const all = median(cycles);
    return { bimodal: false, bcMedian: all, bcN: cycles.length, wcMedian: all, wcN: cycles.length };
  }
  return { bimodal: true, bcMedian: median(modes.low), bcN: modes.low.length, wcMedian: median(modes.high), wcN: modes.high.length };
}
