/**
 * Percentile intervals that keep their level with few blocks.
 *
 * A bootstrap over n blocks sees the blocks' spread as if n were the whole
 * population: its spread of a mean is √((n−1)/n) too small, and its
 * percentiles act like normal quantiles where Student's t with n − 1 degrees
 * of freedom belongs. With 10 blocks a 95% percentile interval covers about
 * 90%. The expanded percentile interval (Hesterberg, "What teachers should
 * know about the bootstrap", The American Statistician, 2015) takes the
 * percentiles at the wider level whose normal quantile equals
 * t(n−1) · √(n/(n−1)); as n grows it becomes the plain percentile interval.
 */
import { erfc } from "./mannWhitney.ts";

/**
 * P(|T| ≤ t) for Student's t with ν degrees of freedom, ν a whole number:
 * the finite series in θ = atan(t/√ν) of Abramowitz & Stegun 26.7.3 (ν odd)
 * and 26.7.4 (ν even), exact up to rounding.
 */
function studentCentral(t: number, nu: number): number {
  const theta = Math.atan(t / Math.sqrt(nu));
  const cos = Math.cos(theta);
  let sum = 0;
  if (nu % 2 === 1) {
    // (2/π)(θ + sin θ · Σ a_j cos^(2j+1) θ), a_0 = 1, a_j = a_(j−1) · 2j/(2j+1), j ≤ (ν−3)/2
    let term = cos;
    for (let j = 0; j <= (nu - 3) / 2; j++) {
      if (j > 0) term *= ((2 * j) / (2 * j + 1)) * cos * cos;
      sum += term;
    }
    return (2 / Math.PI) * (theta + Math.sin(theta) * sum);
  }
  // sin θ · Σ b_j cos^(2j) θ, b_0 = 1, b_j = b_(j−1) · (2j−1)/(2j), j ≤ (ν−2)/2
  let term = 1;
  for (let j = 0; j <= (nu - 2) / 2; j++) {
    if (j > 0) term *= ((2 * j - 1) / (2 * j)) * cos * cos;
    sum += term;
  }
  return Math.sin(theta) * sum;
}

/** Student's t quantile for p > ½ and a whole number of degrees of freedom, by bisection on studentCentral. */
export function studentQuantile(p: number, nu: number): number {
  if (!(Number.isInteger(nu) && nu >= 1)) throw new RangeError(`studentQuantile: ${nu} degrees of freedom`);
  if (!(p > 0.5 && p < 1)) throw new RangeError(`studentQuantile: p = ${p}`);
  const central = 2 * p - 1;
  let low = 0;
  let high = 1;
  while (studentCentral(high, nu) < central) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const middle = (low + high) / 2;
    if (studentCentral(middle, nu) < central) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** Φ(x), the standard normal distribution function. */
function normalCdf(x: number): number {
  return x >= 0 ? 1 - erfc(x / Math.SQRT2) / 2 : erfc(-x / Math.SQRT2) / 2;
}

/** The tail probability on each side at which to read the replicates for an interval of `level` from n blocks (n ≥ 2). */
export function expandedTail(level: number, n: number): number {
  if (!(n >= 2)) throw new RangeError(`expandedTail: ${n} blocks`);
  const t = studentQuantile(1 - (1 - level) / 2, n - 1);
  return normalCdf(-t * Math.sqrt(n / (n - 1)));
}

/**
 * The expanded percentile interval of `level` from the finite replicates
 * (NaN marks a replicate the estimator was undefined for), with n the
 * number of blocks; quantiles interpolate between order statistics
 * (type 7).
 */
export function expandedPercentileInterval(replicates: Float64Array, level: number, n: number): { low: number; high: number } {
  const finite = replicates.filter((v) => v === v).sort();
  if (finite.length === 0) throw new RangeError("expandedPercentileInterval: no finite replicate");
  const at = (p: number) => {
    const x = p * (finite.length - 1);
    const i = Math.floor(x);
    return i + 1 < finite.length ? finite[i] + (x - i) * (finite[i + 1] - finite[i]) : finite[i];
  };
  const tail = expandedTail(level, n);
  return { low: at(tail), high: at(1 - tail) };
}
