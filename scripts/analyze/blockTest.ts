import { erfc } from "./mannWhitney.ts";

/**
 * Whether a traced cell differs from its plain cell, tested over blocks.
 *
 * Mann-Whitney over pooled rounds treats every round as an independent
 * draw; rounds of one process share that process's state, so its p-values
 * are far too small. Here the unit is the block: one log ratio
 * log(traced trial median ÷ plain trial median) per block, and the Wilcoxon
 * signed-rank test asks whether those are centred on zero. Its p-value
 * holds at the level of blocks: it assumes only that the blocks' log ratios
 * are independent and, when there is no difference, symmetric about zero
 * (the random order of the cells within each block keeps a cell's position
 * from tilting them one way). A drift of the traced cell's own that lasts
 * many blocks breaks the independence. With few blocks the test cannot
 * reach small p-values at all (five blocks: p ≥ 1/16), which is the honest
 * answer.
 */

export interface SignedRankResult {
  /** Blocks that entered the test (zero log ratios are dropped, as in Wilcoxon's original test). */
  n: number;
  /** W+: the sum of the ranks of |log ratio| over the blocks where the traced trial was slower. */
  wPlus: number;
  /** Two-sided p-value: exact (sign flips over the observed ranks) up to EXACT_MAX_N blocks, else the normal approximation. */
  p: number;
}

/** Up to this many blocks the exact distribution is counted; its cost grows as n³. */
export const EXACT_MAX_N = 200;

/** Midranks (1-based) of |values|, doubled so that ties' half ranks stay integers. */
function doubledMidranks(magnitudes: Float64Array): Int32Array {
  const order = Array.from(magnitudes.keys()).sort((a, b) => magnitudes[a] - magnitudes[b]);
  const ranks = new Int32Array(magnitudes.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && magnitudes[order[end + 1]] === magnitudes[order[start]]) end++;
    for (let i = start; i <= end; i++) ranks[order[i]] = start + end + 2; // 2 × the mean of ranks start+1 … end+1
    start = end + 1;
  }
  return ranks;
}

/**
 * P(|S − E S| ≥ |s − E S|) when every doubled rank enters S with a fair
 * coin's sign: the null distribution counted by dynamic programming over
 * the possible sums.
 */
function exactTwoSided(doubledRanks: Int32Array, observed: number): number {
  let total = 0;
  for (const r of doubledRanks) total += r;
  let probabilities = new Float64Array(total + 1);
  probabilities[0] = 1;
  let reach = 0;
  for (const r of doubledRanks) {
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= reach; s++) {
      const half = probabilities[s] / 2;
      next[s] += half;
      next[s + r] += half;
    }
    reach += r;
    probabilities = next;
  }
  const centre = total / 2;
  const distance = Math.abs(observed - centre);
  let p = 0;
  // Sums are integers, so a small tolerance keeps the observed value's own mass in despite rounding of the centre.
  for (let s = 0; s <= total; s++) if (Math.abs(s - centre) >= distance - 1e-9) p += probabilities[s];
  return Math.min(1, p);
}

/** Two-sided p from the normal approximation, with the tie correction of the variance and a continuity correction. */
function normalTwoSided(doubledRanks: Int32Array, observed: number): number {
  let total = 0;
  let variance = 0;
  for (const r of doubledRanks) {
    total += r;
    variance += r * r; // each doubled rank adds ±r/2 around the centre: variance r²/4 in doubled units
  }
  const sd = Math.sqrt(variance / 4);
  const z = Math.max(0, Math.abs(observed - total / 2) - 1) / sd; // 1 doubled unit = ½ rank of continuity
  return Math.min(1, erfc(z / Math.SQRT2));
}

/**
 * Wilcoxon signed-rank test of per-block log ratios (or any per-block
 * differences) against zero; exact up to `exactUpTo` nonzero differences.
 */
export function signedRankTest(differences: ArrayLike<number>, exactUpTo = EXACT_MAX_N): SignedRankResult {
  const nonzero = Array.from(differences).filter((d) => d !== 0);
  if (nonzero.some((d) => !Number.isFinite(d))) throw new RangeError("signedRankTest: a difference is not a finite number");
  const n = nonzero.length;
  if (n === 0) return { n, wPlus: 0, p: 1 };
  const ranks = doubledMidranks(Float64Array.from(nonzero, Math.abs));
  let doubledWPlus = 0;
  for (let i = 0; i < n; i++) if (nonzero[i] > 0) doubledWPlus += ranks[i];
  const p = n <= exactUpTo ? exactTwoSided(ranks, doubledWPlus) : normalTwoSided(ranks, doubledWPlus);
  return { n, wPlus: doubledWPlus / 2, p };
}
