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

/** Student's t quantile: exact for 1 and 2 degrees of freedom, else the Cornish-Fisher series in 1/ν (Abramowitz & Stegun 26.7.5), within 0.003 from ν = 3. */
export function studentQuantile(p: number, nu: number): number {
  if (!(nu >= 1)) throw new RangeError(`studentQuantile: ${nu} degrees of freedom`);
  if (nu === 1) return Math.tan(Math.PI * (p - 0.5));
  if (nu === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4;
}

/** Φ(x), the standard normal distribution function. */
function normalCdf(x: number): number {
  return x >= 0 ? 1 - erfc(x / Math.SQRT2) / 2 : erfc(-x / Math.SQRT2) / 2;
}

/** Φ⁻¹(p) by bisection on Φ: called a few times per analysis, so simplicity beats speed. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p = ${p}`);
  let low = -40;
  let high = 40;
  for (let i = 0; i < 200 && high - low > 1e-12; i++) {
    const middle = (low + high) / 2;
    if (normalCdf(middle) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
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
