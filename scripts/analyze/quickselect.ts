/**
 * Order statistics without sorting: a median of n values in linear expected
 * time. The block bootstrap takes millions of medians, where an
 * O(n log n) sort per median would dominate the run time.
 */

/**
 * Rearranges a[from, to) so that a[k] holds the value it would hold were the
 * range sorted, everything before it ≤ it and everything after it ≥ it;
 * returns a[k]. The pivot is the median of three, so sorted or reversed
 * input (common with cycle counts) does not degrade to quadratic time.
 */
export function selectInPlace(a: Float64Array, k: number, from = 0, to = a.length): number {
  if (!(k >= from && k < to)) throw new RangeError(`selectInPlace: rank ${k} outside [${from}, ${to})`);
  let left = from;
  let right = to - 1;
  while (right > left) {
    const middle = left + ((right - left) >> 1);
    // Order a[left] ≤ a[middle] ≤ a[right]; the middle one is the pivot.
    if (a[middle] < a[left]) swap(a, middle, left);
    if (a[right] < a[left]) swap(a, right, left);
    if (a[right] < a[middle]) swap(a, right, middle);
    const pivot = a[middle];
    let i = left;
    let j = right;
    do {
      while (a[i] < pivot) i++;
      while (pivot < a[j]) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    } while (i <= j);
    // Now a[left..j] ≤ pivot ≤ a[i..right], and a[j+1..i-1] equal the pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * Median of a[from, to), the mean of the two middle values for an even
 * count; reorders that range. NaN for an empty range.
 */
export function medianInPlace(a: Float64Array, from = 0, to = a.length): number {
  const n = to - from;
  if (n <= 0) return NaN;
  const upper = selectInPlace(a, from + (n >> 1), from, to);
  if (n % 2 === 1) return upper;
  // After the selection every value left of the upper middle is ≤ it: the lower middle is their maximum.
  let lower = a[from];
  for (let i = from + 1; i < from + (n >> 1); i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

/** Median of the values, leaving them as they are. */
export function median(values: ArrayLike<number>): number {
  return medianInPlace(Float64Array.from(values));
}
