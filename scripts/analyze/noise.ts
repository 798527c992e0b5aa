import { median } from "simple-statistics";
import type { TrialRow } from "../results/trialsCsv.ts";

// What the host said about each trial's processes, summed up per cell, so a
// reader sees why a cell is wide: steal time (a neighbour on the hypervisor
// took the CPU), migrations (the scheduler moved the process), run-queue
// delay (it waited for a CPU).

/** A trial with any steal at all: one tick is 10 ms at USER_HZ 100, longer than most trials. */
export const MIN_STEAL_TICKS = 1;
/** A trial whose benchmark process was moved between CPUs this often. */
export const MIN_MIGRATIONS = 2;
/** A cell is called noisy when more than this share of its trials were. */
export const MAX_NOISY_TRIAL_SHARE = 0.2;

export interface CellNoise {
  /** Trials with noise facts; 0 for a run made before they were gathered, or on a host that cannot say. */
  trials: number;
  stealTrials: number;
  migratedTrials: number;
  /** Median over the trials of the benchmark's run-queue wait, in microseconds. */
  runQueueUs: number | null;
  /** Median over the trials of the benchmark's context switches. */
  switches: number | null;
}

export function trialIsStolen(t: TrialRow): boolean {
  return t.steal_ticks !== null && t.steal_ticks >= MIN_STEAL_TICKS;
}

export function trialMigrated(t: TrialRow): boolean {
  return t.bench_migrations !== null && t.bench_migrations >= MIN_MIGRATIONS;
}

const medianOf = (values: (number | null)[]) => {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? median(known) : null;
};

/** The noise facts of one cell's trials. */
export function cellNoise(trials: TrialRow[]): CellNoise {
  const observed = trials.filter((t) => t.steal_ticks !== null || t.bench_migrations !== null);
  const rq = medianOf(observed.map((t) => t.bench_rq_ns));
  return {
    trials: observed.length,
    stealTrials: observed.filter(trialIsStolen).length,
    migratedTrials: observed.filter(trialMigrated).length,
    runQueueUs: rq === null ? null : rq / 1000,
    switches: medianOf(observed.map((t) => t.bench_switches)),
  };
}

/** Whether more than the tolerated share of a cell's trials had steal, or migrated. */
export function noisyShares(n: CellNoise): { steal: boolean; migrations: boolean } {
  const over = (count: number) => n.trials > 0 && count / n.trials > MAX_NOISY_TRIAL_SHARE;
  return { steal: over(n.stealTrials), migrations: over(n.migratedTrials) };
}
