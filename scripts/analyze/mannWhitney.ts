/**
 * Mann-Whitney U test of two independent samples: normal approximation with
 * the tie correction of the variance and a continuity correction of ½,
 * two-sided (as scipy.stats.mannwhitneyu with method="asymptotic"). With
 * hundreds of rounds per cell the exact distribution is not needed, and
 * cycle counts have many ties.
 */
export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs (a, b) with a > b, ties counting ½. */
  u: number;
  z: number;
  /** Two-sided p-value. */
  p: number;
}

/**
 * erfc(x) for x ≥ 0 with fractional error below 1.2e-7 everywhere
 * (Numerical Recipes, 2nd ed., §6.2, erfcc): computed directly, not as
 * 1 − erf, so the tiny p-values of clearly different cells keep their digits.
 */
export function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(poly);
}

/** Midranks (1-based) of the pooled values, and Σ(t³ − t) over groups of t tied values. */
function midranks(values: number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1][0] === order[start][0]) end++;
    const rank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) ranks[order[i][1]] = rank;
    const t = end - start + 1;
    tieTerm += t ** 3 - t;
    start = end + 1;
  }
  return { ranks, tieTerm };
}

export function mannWhitney(a: number[], b: number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;
  const { ranks, tieTerm } = midranks([...a, ...b]);
  const rankSumA = ranks.slice(0, n1).reduce((s, r) => s + r, 0);
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  // All values equal: no evidence of any difference.
  if (!(sd > 0)) return { u, z: 0, p: 1 };
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / sd;
  return { u, z, p: Math.min(1, erfc(z / Math.SQRT2)) };
}
