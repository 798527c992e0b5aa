/**
 * Where a cell's variation lies, level by level, on the log scale: an SD of
 * log cycles of 0.05 means values typically about 5% apart. Levels: rounds
 * within a trial (one process), trials within a boot (processes, blocks),
 * boots within a run (a machine rebooted between blocks), runs within a
 * reproduce set (machine state, reboots).
 */
import { median, medianInPlace } from "./quickselect.ts";

/** 1.4826 × MAD estimates a normal SD, robust to the heavy right tail of cycle counts. */
const MAD_TO_SD = 1.4826;

export interface TrialComponents {
  trials: number;
  /**
   * SD of log cycles of a round around its own trial's median (from the MAD
   * over all rounds): the noise within one process.
   */
  withinTrial: number;
  /**
   * SD of the log trial medians left once the part that sampling R noisy
   * rounds puts into each median is taken out (π/2 · withinTrial² ÷ R, the
   * large-sample variance of a median of normal values): how much the
   * processes themselves differ. null with fewer than two trials.
   */
  betweenTrials: number | null;
  /** betweenTrials² as a share of the variance of the log trial medians (0 … 1); null with fewer than two trials or no variance. */
  betweenShare: number | null;
  /** Boots the trials ran in (distinct boot ids; 0 where none is known). */
  boots: number;
  /**
   * SD of the log trial medians from boot to boot, beyond what the trials
   * within a boot account for (one-way random effects, method of moments).
   * Then betweenTrials is the processes' variation within a boot. null
   * unless the trials ran in two boots or more and some boot held two.
   */
  betweenBoots: number | null;
}

/** Variance components of one cell's trials (each a trial's rounds, in cycles, all positive), with the boot each ran in where known. */
export function trialComponents(trials: Float64Array[], bootOf?: string[]): TrialComponents {
  const logMedians = new Float64Array(trials.length);
  const deviations = new Float64Array(trials.reduce((n, t) => n + t.length, 0));
  let samplingVariance = 0;
  let at = 0;
  trials.forEach((rounds, k) => {
    logMedians[k] = Math.log(median(rounds));
    for (const c of rounds) deviations[at++] = Math.abs(Math.log(c) - logMedians[k]);
    samplingVariance += (Math.PI / 2) / rounds.length; // × withinTrial², below
  });
  const withinTrial = MAD_TO_SD * medianInPlace(deviations);
  const boots = bootGroups(logMedians, bootOf);
  if (trials.length < 2) return { trials: trials.length, withinTrial, betweenTrials: null, betweenShare: null, boots: boots.length, betweenBoots: null };
  const observed = sampleVariance(logMedians);
  const sampling = (samplingVariance / trials.length) * withinTrial ** 2;
  const nested = boots.length >= 2 && boots.some((b) => b.length >= 2) ? oneWayComponents(boots) : null;
  const between = Math.max(0, (nested?.within ?? observed) - sampling);
  return {
    trials: trials.length,
    withinTrial,
    betweenTrials: Math.sqrt(between),
    betweenShare: observed > 0 ? between / observed : null,
    boots: boots.length,
    betweenBoots: nested ? Math.sqrt(nested.between) : null,
  };
}

/** The log trial medians grouped by boot (an empty boot id is unknown: no groups then). */
function bootGroups(logMedians: Float64Array, bootOf?: string[]): number[][] {
  if (!bootOf || bootOf.some((b) => b === "")) return [];
  const groups = new Map<string, number[]>();
  bootOf.forEach((b, k) => groups.set(b, [...(groups.get(b) ?? []), logMedians[k]]));
  return [...groups.values()];
}

/**
 * One-way random-effects components of grouped values, by the method of
 * moments for unequal groups: the variance within a group (the mean square
 * within) and the variance of the groups' true means, (MSB − MSW) ÷ n₀.
 */
function oneWayComponents(groups: number[][]): { within: number; between: number } {
  const n = groups.reduce((sum, g) => sum + g.length, 0);
  const grand = groups.reduce((sum, g) => sum + g.reduce((a, v) => a + v, 0), 0) / n;
  let ssWithin = 0;
  let ssBetween = 0;
  for (const g of groups) {
    const mean = g.reduce((a, v) => a + v, 0) / g.length;
    for (const v of g) ssWithin += (v - mean) ** 2;
    ssBetween += g.length * (mean - grand) ** 2;
  }
  const k = groups.length;
  const msWithin = ssWithin / (n - k);
  const msBetween = ssBetween / (k - 1);
  const n0 = (n - groups.reduce((sum, g) => sum + g.length ** 2, 0) / n) / (k - 1);
  return { within: msWithin, between: Math.max(0, (msBetween - msWithin) / n0) };
}

function sampleVariance(values: Float64Array): number {
  let mean = 0;
  for (const v of values) mean += v / values.length;
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  return sum / (values.length - 1);
}

/** One run's estimate of a quantity (a cell's median, a ratio) with its 95% interval. */
export interface RunEstimate {
  value: number;
  low: number;
  high: number;
}

export interface RunComponents {
  runs: number;
  /** SD of the log estimates across the runs. */
  acrossRuns: number;
  /** Root mean square of the SD of a log estimate that each run's own interval implies (log width ÷ 2·1.96). */
  withinRun: number;
  /**
   * SD between runs beyond what the runs' intervals account for:
   * √max(0, acrossRuns² − withinRun²). Zero when the runs agree as well as
   * their intervals promise; large when the machine's state between runs
   * moves the value more than anything within a run shows.
   */
  betweenRuns: number;
  /** betweenRuns² ÷ acrossRuns² (0 … 1); null when all runs gave the same value. */
  betweenShare: number | null;
  /** Of all ordered pairs of different runs (i, j), the share where run i's interval holds run j's estimate. */
  crossCoverage: number;
}

/** The runs level: how several runs of the same cell (a reproduce set) agree with one another and with their own intervals. */
export function runComponents(runs: RunEstimate[]): RunComponents {
  if (runs.length < 2) throw new RangeError(`runComponents: needs at least two runs, got ${runs.length}`);
  const logs = Float64Array.from(runs, (r) => Math.log(r.value));
  const across = sampleVariance(logs);
  const z = 1.959963984540054; // the normal quantile of 0.975
  const within = runs.reduce((sum, r) => sum + ((Math.log(r.high) - Math.log(r.low)) / (2 * z)) ** 2, 0) / runs.length;
  const between = Math.max(0, across - within);
  let covered = 0;
  runs.forEach((i, a) => runs.forEach((j, b) => {
    if (a !== b && j.value >= i.low && j.value <= i.high) covered++;
  }));
  return {
    runs: runs.length,
    acrossRuns: Math.sqrt(across),
    withinRun: Math.sqrt(within),
    betweenRuns: Math.sqrt(between),
    betweenShare: across > 0 ? between / across : null,
    crossCoverage: covered / (runs.length * (runs.length - 1)),
  };
}
