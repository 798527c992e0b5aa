import { median, medianAbsoluteDeviation } from "simple-statistics";
import { groupBy } from "./groupBy.ts";

/** Median absolute deviation from the median, unscaled (not multiplied by 1.4826 to estimate a normal σ). */
export function mad(values: number[]): number {
  return medianAbsoluteDeviation(values);
}

export interface TrialVariation {
  /** MAD of the trials' medians: how far the benchmark processes disagree; null with a single trial. */
  betweenTrialSpread: number | null;
  /** Median distance of a round from its own trial's median, over all rounds: the noise within a process. */
  withinTrialMad: number;
}

/** Between-process and within-process variation of a cell, kept apart so that either can be judged on its own. */
export function trialVariation(rounds: { trial: number; cycles: number }[]): TrialVariation {
  const trials = [...groupBy(rounds, (r) => r.trial).values()].map((trial) => trial.map((r) => r.cycles));
  const deviations = trials.flatMap((cycles) => {
    const centre = median(cycles);
    return cycles.map((c) => Math.abs(c - centre));
  });
  return {
    betweenTrialSpread: trials.length > 1 ? mad(trials.map((cycles) => median(cycles))) : null,
    withinTrialMad: median(deviations),
  };
}
