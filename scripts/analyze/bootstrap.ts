import { median, quantileSorted } from "simple-statistics";
import { seededRandom } from "../model/random.ts";

export interface BootstrapSettings {
  resamples: number;
  seed: number;
}

export interface Interval {
  low: number;
  high: number;
}

/** Difference and ratio of the medians of two samples, each with a percentile-bootstrap interval. */
export interface MedianContrast {
  difference: number;
  differenceInterval: Interval;
  ratio: number;
  ratioInterval: Interval;
}

export const BOOTSTRAP_LEVEL = 0.95;

/** The k-th smallest (0-based) value, by Hoare's selection: it partly reorders the array, in linear expected time. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const swap = a[i];
        a[i] = a[j];
        a[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

/** Median of as many values as the buffer holds, drawn with replacement from `values`; thousands of these make a bootstrap. */
function resampledMedian(values: number[], buffer: Float64Array, random: () => number): number {
  for (let i = 0; i < buffer.length; i++) buffer[i] = values[Math.floor(random() * values.length)];
  const mid = buffer.length >> 1;
  const upper = select(buffer, mid);
  return buffer.length % 2 === 1 ? upper : (select(buffer, mid - 1) + upper) / 2;
}

/** The central BOOTSTRAP_LEVEL of the estimates. */
function percentileInterval(estimates: Float64Array): Interval {
  const sorted = Array.from(estimates.sort());
  const tail = (1 - BOOTSTRAP_LEVEL) / 2;
  return { low: quantileSorted(sorted, tail), high: quantileSorted(sorted, 1 - tail) };
}

/**
 * How `other` differs from `baseline` in median: other − baseline and
 * other ÷ baseline. Both samples are resampled independently (they are
 * independent processes); every call starts the generator from the seed, so
 * an interval depends only on the two samples and the settings.
 */
export function bootstrapMedianContrast(baseline: number[], other: number[], settings: BootstrapSettings): MedianContrast {
  const random = seededRandom(settings.seed);
  const baseBuffer = new Float64Array(baseline.length);
  const otherBuffer = new Float64Array(other.length);
  const differences = new Float64Array(settings.resamples);
  const ratios = new Float64Array(settings.resamples);
  for (let i = 0; i < settings.resamples; i++) {
    const base = resampledMedian(baseline, baseBuffer, random);
    const value = resampledMedian(other, otherBuffer, random);
    differences[i] = value - base;
    ratios[i] = value / base;
  }
  const baseMedian = median(baseline);
  const otherMedian = median(other);
  return {
    difference: otherMedian - baseMedian,
    differenceInterval: percentileInterval(differences),
    ratio: otherMedian / baseMedian,
    ratioInterval: percentileInterval(ratios),
  };
}

/** Whether an interval of differences leaves zero possible: then no overhead was measurably shown. */
export function includesZero(interval: Interval): boolean {
  return interval.low <= 0 && interval.high >= 0;
}
