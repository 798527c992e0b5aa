// The interval tracetax gave a cell's median before runs were measured in
// blocks: order statistics of the pooled rounds, as if every round were an
// independent draw. Kept here as the reference the simulation test holds
// the block bootstrap against: on data that vary between processes it
// covers far too rarely, which keeps the method from coming back.
/**
 * Distribution-free confidence interval of a median from order statistics:
 * with B ~ Binomial(n, 1/2), the interval [x(k), x(n+1-k)] of the sorted
 * sample covers the population median with probability 1 − 2·P(B ≤ k − 1).
 * k is the largest rank that keeps that coverage at or above the level.
 * Nothing is assumed about the shape of the distribution, which suits
 * skewed, multi-modal cycle counts.
 */
export const MEDIAN_CI_LEVEL = 0.95;

/** Below this many values no pair of order statistics reaches 95%: even [min, max] covers only 1 − 2/2^n. */
export const MIN_N_FOR_MEDIAN_CI = 6;

export interface MedianInterval {
  low: number;
  high: number;
  /** 1-based ranks of the bounds in the sorted sample. */
  lowRank: number;
  highRank: number;
  /** The interval's exact coverage, at least the level asked for. */
  coverage: number;
}

/** P(B ≤ k) for B ~ Binomial(n, 1/2), for k = 0 … n; summed in log space so large n does not overflow. */
function halfBinomialCdf(n: number): number[] {
  const cdf: number[] = [];
  let logChoose = 0; // log C(n, 0)
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log(n - k + 1) - Math.log(k);
    sum += Math.exp(logChoose - n * Math.LN2);
    cdf.push(sum);
  }
  return cdf;
}

/** The ranks [k, n+1−k] of the interval for a sample of n values, or null when n is too small for one. */
export function medianIntervalRanks(n: number, level = MEDIAN_CI_LEVEL): { lowRank: number; highRank: number; coverage: number } | null {
  const alpha = 1 - level;
  const cdf = halfBinomialCdf(n);
  let k = 0;
  // Ranks beyond the middle would cross over; the tail mass at k must stay within alpha/2.
  while (k + 1 <= Math.ceil(n / 2) && 2 * cdf[k] <= alpha) k++;
  if (k === 0) return null;
  return { lowRank: k, highRank: n + 1 - k, coverage: 1 - 2 * cdf[k - 1] };
}

/** The interval of the median of a sample, or null when the sample has fewer than MIN_N_FOR_MEDIAN_CI values. */
export function medianInterval(values: number[], level = MEDIAN_CI_LEVEL): MedianInterval | null {
  const ranks = medianIntervalRanks(values.length, level);
  if (!ranks) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { low: sorted[ranks.lowRank - 1], high: sorted[ranks.highRank - 1], ...ranks };
}
