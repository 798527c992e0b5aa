/**
 * Synthetic runs of randomized interleaved trials whose generating process
 * is known, so that intervals can be checked against the truth. Everything
 * is on the log scale of cycles; for a round r of the trial of cell c in
 * block k of a run:
 *
 *   log cycles = μ_c + a + d_k + δ_{c,k} + b_g + u_{c,k} + z_{c,k,r}
 *
 * a        the run's level (the machine's state for this run: frequency,
 *          neighbours), normal, fixed within a run;
 * d_k      a slow drift shared by every cell of the host (AR(1) over the
 *          blocks, stationary normal), so plain and traced move together;
 * δ_{c,k}  a smaller drift of the cell's own, same kind, independent;
 * b_g      where the machine is rebooted between blocks (boots), the level
 *          of boot g, which holds blocks g·B … g·B + B − 1: shared by every
 *          cell (sharedSd) plus the cell's own (bootSd), normal;
 * u_{c,k}  the process's own effect (placement, caches), normal;
 * z        the round's noise: normal body plus, now and then, an exponential
 *          spike (the heavy right tail of interrupts and preemption); in a
 *          bimodal cell a round falls in the upper mode (× factor) with the
 *          trial's own probability, which varies between trials.
 */
import { ckmeans } from "simple-statistics";
import type { CellTrials } from "../../scripts/analyze/blockBootstrap.ts";
import { median, medianInPlace } from "../../scripts/analyze/quickselect.ts";
import { seededRandom } from "../../scripts/model/random.ts";

export interface UpperMode {
  /** Mean share of a trial's rounds in the upper mode. */
  share: number;
  /** SD of a trial's share on the logit scale. */
  shareSd: number;
  /** The upper mode's cycles ÷ the lower mode's. */
  factor: number;
}

export interface CellModel {
  id: string;
  plain?: string;
  /** μ: log cycles of a typical round. */
  level: number;
  trialSd: number;
  ownDriftSd: number;
  roundSd: number;
  spikeShare: number;
  spikeMean: number;
  upper?: UpperMode;
  /** SD of the cell's own level from boot to boot (with HostModel.boots). */
  bootSd?: number;
}

/** A machine rebooted every blocksPerBoot blocks; each boot's level is shared by the cells (sharedSd) and, apart, each cell's own (CellModel.bootSd). */
export interface BootModel {
  blocksPerBoot: number;
  sharedSd: number;
}

export interface HostModel {
  cells: CellModel[];
  rounds: number;
  runSd: number;
  driftSd: number;
  /** Correlation of the drift between consecutive blocks. */
  driftCorrelation: number;
  boots?: BootModel;
}

/** Standard normal draws from a seeded uniform generator (Box-Muller, both values used). */
export function normalSource(random: () => number): () => number {
  let spare = NaN;
  return () => {
    if (spare === spare) {
      const value = spare;
      spare = NaN;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** The part of log cycles that varies within a trial, given the trial's share of upper-mode rounds. */
function roundNoise(cell: CellModel, upperShare: number, random: () => number, normal: () => number): number {
  let z = cell.roundSd * normal();
  if (random() < cell.spikeShare) z -= cell.spikeMean * Math.log(1 - random());
  if (cell.upper && random() < upperShare) z += Math.log(cell.upper.factor);
  return z;
}

/** A trial's share of upper-mode rounds: logit-normal around the cell's share. */
function trialUpperShare(cell: CellModel, normal: () => number): number {
  if (!cell.upper) return 0;
  const logit = Math.log(cell.upper.share / (1 - cell.upper.share)) + cell.upper.shareSd * normal();
  return 1 / (1 + Math.exp(-logit));
}

/** One run on a simulated host; blocks can be added, as a precision-driven run does. */
export class SimulatedRun {
  readonly runLevel: number;
  /** The shared drift d_k of each block so far. */
  readonly sharedDrifts: number[] = [];
  private readonly random: () => number;
  private readonly normal: () => number;
  private sharedDrift: number;
  private readonly ownDrift: number[];
  private readonly trials: Map<number, Float64Array>[];
  /** The current boot's levels: shared, then each cell's own. */
  private bootLevels: number[] = [];

  constructor(private readonly model: HostModel, seed: number) {
    this.random = seededRandom(seed);
    this.normal = normalSource(this.random);
    this.runLevel = model.runSd * this.normal();
    // Start the drifts from their stationary law, as if the machine had been drifting before the run began.
    this.sharedDrift = model.driftSd * this.normal();
    this.ownDrift = model.cells.map((c) => c.ownDriftSd * this.normal());
    this.trials = model.cells.map(() => new Map());
  }

  get blocks(): number {
    return this.trials[0].size;
  }

  addBlocks(count: number): void {
    const { cells, rounds, driftSd, driftCorrelation: rho } = this.model;
    const innovation = Math.sqrt(1 - rho * rho);
    for (let n = 0; n < count; n++) {
      const block = this.blocks;
      if (block > 0) {
        this.sharedDrift = rho * this.sharedDrift + innovation * driftSd * this.normal();
        cells.forEach((c, i) => (this.ownDrift[i] = rho * this.ownDrift[i] + innovation * c.ownDriftSd * this.normal()));
      }
      this.sharedDrifts.push(this.sharedDrift);
      const boots = this.model.boots;
      if (boots && block % boots.blocksPerBoot === 0) this.bootLevels = [boots.sharedSd * this.normal(), ...cells.map((c) => (c.bootSd ?? 0) * this.normal())];
      const bootLevel = (i: number) => (boots ? this.bootLevels[0] + this.bootLevels[i + 1] : 0);
      cells.forEach((cell, i) => {
        const trialLevel = cell.level + this.runLevel + this.sharedDrift + this.ownDrift[i] + bootLevel(i) + cell.trialSd * this.normal();
        const share = trialUpperShare(cell, this.normal);
        const cycles = new Float64Array(rounds);
        for (let r = 0; r < rounds; r++) cycles[r] = Math.exp(trialLevel + roundNoise(cell, share, this.random, this.normal));
        this.trials[i].set(block, cycles);
      });
    }
  }

  /** The run as the analysis takes it. */
  cells(): CellTrials[] {
    return this.model.cells.map((c, i) => ({ id: c.id, plain: c.plain, trials: this.trials[i] }));
  }

  /** The boot each block ran in, as trials.csv names it (blocks count from 0 here). */
  bootOf(): Map<number, string> {
    const per = this.model.boots?.blocksPerBoot ?? Infinity;
    return new Map(Array.from({ length: this.blocks }, (_, k) => [k, `boot-${Math.floor(k / per)}`]));
  }

  /** A cell's rounds of all trials, pooled (what today's analysis resamples). */
  pooled(id: string): number[] {
    const i = this.model.cells.findIndex((c) => c.id === id);
    return [...this.trials[i].values()].flatMap((t) => Array.from(t));
  }
}

export interface CellTruth {
  /** Median of a round's cycles over everything that varies (drift at its stationary law), for a run level of zero. */
  median: number;
  /** E[log of the median of R rounds of one trial] − μ: what the within-trial noise puts into a trial median. */
  logTrialMedianOffset: number;
  /** Of the rounds split at the population's 2-means boundary (bimodal cells only), for a run level of zero. */
  modes?: { bc: number; wc: number; upperShare: number };
}

/**
 * The population values of a cell's estimators, from very large samples
 * with a fixed seed (so computed once, the same every time): `draws` single
 * rounds for the median and modes, `trialDraws` trials of R rounds for the
 * trial median's offset.
 */
export function cellTruth(model: HostModel, cell: CellModel, seed: number, draws = 2_000_000, trialDraws = 100_000): CellTruth {
  const random = seededRandom(seed);
  const normal = normalSource(random);
  const logs = new Float64Array(draws);
  for (let i = 0; i < draws; i++) {
    // One round of a fresh trial in a block at a random point of the stationary drift.
    const boot = model.boots ? model.boots.sharedSd * normal() + (cell.bootSd ?? 0) * normal() : 0;
    const level = cell.level + model.driftSd * normal() + cell.ownDriftSd * normal() + boot + cell.trialSd * normal();
    logs[i] = level + roundNoise(cell, trialUpperShare(cell, normal), random, normal);
  }
  let offsetSum = 0;
  const trial = new Float64Array(model.rounds);
  for (let t = 0; t < trialDraws; t++) {
    const share = trialUpperShare(cell, normal);
    for (let r = 0; r < model.rounds; r++) trial[r] = roundNoise(cell, share, random, normal);
    offsetSum += medianInPlace(trial);
  }
  const truth: CellTruth = { median: Math.exp(median(logs)), logTrialMedianOffset: offsetSum / trialDraws };
  if (cell.upper) {
    // The 2-means boundary of a large subsample stands for the population's.
    const [lower] = ckmeans(Array.from(logs.subarray(0, 200_000)), 2);
    const boundary = lower.reduce((a, b) => Math.max(a, b));
    const low = logs.filter((v) => v <= boundary);
    const high = logs.filter((v) => v > boundary);
    truth.modes = { bc: Math.exp(medianInPlace(low)), wc: Math.exp(medianInPlace(high)), upperShare: high.length / draws };
  }
  return truth;
}

/**
 * The population ratio of a traced cell over its plain cell as the paired
 * estimator defines it: exp(E[log traced trial median − log plain trial
 * median]). Drifts and process effects have mean zero on the log scale, so
 * only the levels and the trial medians' offsets remain.
 */
export function trueRatio(traced: CellModel, tracedTruth: CellTruth, plain: CellModel, plainTruth: CellTruth): number {
  return Math.exp(traced.level + tracedTruth.logTrialMedianOffset - plain.level - plainTruth.logTrialMedianOffset);
}
