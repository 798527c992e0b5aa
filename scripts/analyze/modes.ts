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

export function splitModes(cycles: number[]): Modes {
  const all = median(cycles);
  const unimodal = { bimodal: false, bcMedian: all, bcN: cycles.length, wcMedian: all, wcN: cycles.length };
  const positive = cycles.filter((c) => c > 0);
  if (positive.length !== cycles.length || new Set(cycles).size < 2) return unimodal;

  const [lowLogs] = ckmeans(cycles.map(Math.log), 2);
  const boundary = Math.max(...lowLogs);
  const low = cycles.filter((c) => Math.log(c) <= boundary);
  const high = cycles.filter((c) => Math.log(c) > boundary);
  const minSize = MIN_MODE_SHARE * cycles.length;
  if (low.length < minSize || high.length < minSize) return unimodal;
  const bc = median(low);
  const wc = median(high);
  if (wc / bc < MIN_MODE_RATIO) return unimodal;
  return { bimodal: true, bcMedian: bc, bcN: low.length, wcMedian: wc, wcN: high.length };
}
