/**
 * What a traced cell costs over its plain cell, from trials paired by block.
 *
 * In a run of randomized interleaved trials, block k runs trial k of every
 * cell of a host, so the traced trial and the plain trial of one block saw
 * the same machine: the same frequency, neighbours and load. Comparing
 * within a block cancels whatever drifts between blocks; only blocks that
 * hold a trial of both cells are used (a failed trial leaves its block out).
 *
 * Inputs are per-block trial medians, aligned by position: traced[i] and
 * plain[i] belong to the same block, and NaN marks a block without a trial.
 */

/** Positions in pairedValues' output, so that the bootstrap's hot loop fills a preallocated array instead of making objects. */
export const RATIO = 0;
export const OVERHEAD_CYCLES = 1;
export const OVERHEAD_PERCENT = 2;
export const PAIRED_BLOCKS = 3;
export const PAIRED_VALUES = 4;

/**
 * The paired estimates, each over the m blocks that hold both trials, with
 * T and P the traced and plain trial medians of a block:
 * - ratio: the geometric mean of T ÷ P. A ratio is what a multiplicative
 *   drift leaves alone, and the log scale makes a 2× and a ½× deviation
 *   weigh the same.
 * - overheadCycles: the mean of T − P, the paper's bar (traced − plain).
 * - overheadPercent: 100 · Σ(T − P) ÷ ΣP, the overhead in cycles as a share
 *   of the mean plain trial median of the same blocks (the paper's label).
 *   It is a ratio of means, so it can differ slightly from 100 · (ratio − 1).
 * All three are NaN when no block is paired. Writes them, and m, into
 * out[0 … PAIRED_VALUES).
 */
export function pairedValues(traced: Float64Array, plain: Float64Array, out: Float64Array): void {
  let logSum = 0;
  let differenceSum = 0;
  let plainSum = 0;
  let m = 0;
  for (let i = 0; i < traced.length; i++) {
    const t = traced[i];
    const p = plain[i];
    if (t !== t || p !== p) continue; // NaN: a block without one of the two trials
    logSum += Math.log(t / p);
    differenceSum += t - p;
    plainSum += p;
    m++;
  }
  out[RATIO] = m > 0 ? Math.exp(logSum / m) : NaN;
  out[OVERHEAD_CYCLES] = m > 0 ? differenceSum / m : NaN;
  out[OVERHEAD_PERCENT] = m > 0 ? (100 * differenceSum) / plainSum : NaN;
  out[PAIRED_BLOCKS] = m;
}

/** log(T ÷ P) of every paired block, in block order: the per-block effects a test over blocks works on. */
export function pairedLogRatios(traced: Float64Array, plain: Float64Array): Float64Array {
  const logs: number[] = [];
  for (let i = 0; i < traced.length; i++) {
    if (traced[i] === traced[i] && plain[i] === plain[i]) logs.push(Math.log(traced[i] / plain[i]));
  }
  return Float64Array.from(logs);
}
