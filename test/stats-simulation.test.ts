// The statistics of the block bootstrap checked against known truth: a
// thousand synthetic runs whose generating process is known (see
// support/simulatedRun.ts), each analysed as the pipeline analyses a run,
// counting how often the 95% intervals hold the true value. No processes;
// under a minute of CPU.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { blockBootstrap, type CellTrials, type Estimate, type HostEstimates } from "../scripts/analyze/blockBootstrap.ts";
import { EXACT_MAX_N, signedRankTest } from "../scripts/analyze/blockTest.ts";
import { bootstrapMedianContrast } from "../scripts/analyze/bootstrap.ts";
import { medianInterval } from "./support/pooledMedianInterval.ts";
import { medianInPlace, selectInPlace } from "../scripts/analyze/quickselect.ts";
import { seededRandom } from "../scripts/model/random.ts";
import { precise } from "../scripts/analyze/stoppingRule.ts";
import { SimulatedRun, cellTruth, trueRatio, type CellModel, type HostModel } from "./support/simulatedRun.ts";

const RUNS = 1000;
// The pipeline takes 2,000 resamples; 400 keep a thousand analyses (several per run, as blocks are added) within a minute.
const RESAMPLES = 400;
const FIRST_BLOCKS = 10;
const STEP = 2;
const MAX_BLOCKS = 30;

/**
 * One run as a precision-driven run goes: 10 blocks, then 2 more at a time
 * until the stopping rule says every traced ratio is precise, or 30 blocks.
 * Stopping when the intervals happen to be narrow makes them a little too
 * narrow; the coverage below includes that.
 */
function preciseRun(model: HostModel, seed: number): { run: SimulatedRun; estimates: HostEstimates } {
  const run = new SimulatedRun(model, seed);
  run.addBlocks(FIRST_BLOCKS);
  let estimates = blockBootstrap(run.cells(), { resamples: RESAMPLES, seed: 1 });
  while (!precise(estimates) && run.blocks < MAX_BLOCKS) {
    run.addBlocks(STEP);
    estimates = blockBootstrap(run.cells(), { resamples: RESAMPLES, seed: 1 });
  }
  return { run, estimates };
}

const holds = (interval: { low: number | null; high: number | null }, truth: number) =>
  interval.low !== null && interval.high !== null && interval.low <= truth && truth <= interval.high;

/** Counts, per named quantity, the runs whose interval holds the truth. */
class Coverage {
  private readonly hits = new Map<string, number>();
  count(name: string, held: boolean): void {
    this.hits.set(name, (this.hits.get(name) ?? 0) + (held ? 1 : 0));
  }
  of(name: string): number {
    return (this.hits.get(name) ?? 0) / RUNS;
  }
  /** Every share, for the assertion messages: a failing check shows the whole picture. */
  toString(): string {
    return [...this.hits].map(([name, n]) => `${name} ${(n / RUNS).toFixed(3)}`).join(", ");
  }
}

function assertNominal(coverage: Coverage, name: string): void {
  const share = coverage.of(name);
  assert.ok(share >= 0.92 && share <= 0.98, `${name}: 95% intervals held the truth in ${(share * 100).toFixed(1)}% of ${RUNS} runs (${coverage})`);
}

// Rounds are tight within a process and processes differ more, as on this
// machine (example dataset: SD of log cycles about 0.01–0.02 within a
// trial, 0.01–0.03 between trials, more for ptrace's flapping cell); the
// run's level varies most of all (reruns move medians by 20–40%).
const roundNoise = { roundSd: 0.015, spikeShare: 0.05, spikeMean: 0.3 };
const plain: CellModel = { id: "write/plain", level: Math.log(600), trialSd: 0.03, ownDriftSd: 0, ...roundNoise };
const traced: CellModel = { id: "write/traced", plain: plain.id, level: Math.log(4800), trialSd: 0.035, ownDriftSd: 0.0045, ...roundNoise, roundSd: 0.02 };
const flapping: CellModel = {
  id: "write/flapping",
  plain: plain.id,
  level: Math.log(3000),
  trialSd: 0.035,
  ownDriftSd: 0.0045,
  ...roundNoise,
  // A trial's share of slow rounds seldom nears one half, so its median seldom jumps to the upper mode.
  // Where it often does, the per-block ratios jump by 3× and the ratio's interval is (rightly) wide.
  upper: { share: 0.2, shareSd: 0.3, factor: 3 },
};

describe("two-level block bootstrap against known truth", () => {
  it("covers the true median, ratio and modes in about 95% of 1,000 runs; pooled rounds do not", () => {
    // The shared drift persists only weakly from block to block (correlation 0.3): the bootstrap takes the
    // blocks as exchangeable. A drift that persists for many blocks acts like the run's own level, which
    // the median's interval cannot see but the ratio's does not need to (the next test).
    const model: HostModel = { cells: [plain, traced, flapping], rounds: 51, runSd: 0.2, driftSd: 0.015, driftCorrelation: 0.3 };
    // Truth. The run level a is fixed within a run and moves every value of the run by the factor e^a: what
    // one run's interval is about is the median at its own level, e^a × the median of the rounds over all
    // else that varies (drift at its stationary law, processes, rounds), to which the pooled median tends
    // as blocks are added. The ratio's truth is exp E[log traced trial median − log plain trial median],
    // the limit of the geometric mean of per-block ratios (drift, level and process effects cancel or
    // average out, the trial medians of R rounds do not: their offsets are part of it). Today's pooled
    // ratio of medians tends to a different value, the ratio of the two cells' true medians, and is
    // judged against that. The modes' truths apply the 2-means split to a very large sample of rounds.
    const truth = model.cells.map((cell, i) => cellTruth(model, cell, 77 + i, 500_000, 20_000));
    const [plainTruth, tracedTruth, flappingTruth] = truth;
    const tracedRatio = trueRatio(traced, tracedTruth, plain, plainTruth);
    const flappingRatio = trueRatio(flapping, flappingTruth, plain, plainTruth);
    const pooledRatio = tracedTruth.median / plainTruth.median;

    const coverage = new Coverage();
    const stoppedAt = new Map<number, number>();
    for (let r = 0; r < RUNS; r++) {
      const { run, estimates } = preciseRun(model, 20_000 + r);
      stoppedAt.set(run.blocks, (stoppedAt.get(run.blocks) ?? 0) + 1);
      const level = Math.exp(run.runLevel);
      const [p, t, f] = estimates.cells;
      coverage.count("plain median", holds(p.median, level * plainTruth.median));
      coverage.count("traced median", holds(t.median, level * tracedTruth.median));
      coverage.count("flapping median", holds(f.median, level * flappingTruth.median));
      coverage.count("traced ratio", holds(t.paired!.ratio, tracedRatio));
      coverage.count("flapping ratio", holds(f.paired!.ratio, flappingRatio));
      const modes = flappingTruth.modes!;
      coverage.count("bc", f.modes !== null && holds(f.modes.bc, level * modes.bc));
      coverage.count("wc", f.modes !== null && holds(f.modes.wc, level * modes.wc));
      coverage.count("upper share", f.modes !== null && holds(f.modes.upperShare, modes.upperShare));
      // Today's intervals: rounds pooled over trials and treated as independent draws.
      const pooledPlain = run.pooled(plain.id);
      const contrast = bootstrapMedianContrast(pooledPlain, run.pooled(traced.id), { resamples: RESAMPLES, seed: 1 });
      coverage.count("pooled ratio", holds(contrast.ratioInterval, pooledRatio));
      coverage.count("pooled median", holds(medianInterval(pooledPlain) ?? { low: null, high: null }, level * plainTruth.median));
    }

    // The rule did decide: many runs stopped at the first look, many went on.
    const atFirst = (stoppedAt.get(FIRST_BLOCKS) ?? 0) / RUNS;
    assert.ok(atFirst > 0.1 && atFirst < 0.9, `share of runs that stopped at ${FIRST_BLOCKS} blocks: ${atFirst}`);
    for (const name of ["plain median", "traced median", "flapping median", "traced ratio", "flapping ratio", "bc", "wc"]) assertNominal(coverage, name);
    // A round's mode is a coin flip, so most of the share's variation is within trials; the spread between
    // trials shows it once and redrawing the rounds adds it again: the share's interval errs wide.
    assert.ok(coverage.of("upper share") >= 0.92, `upper share: ${coverage}`);
    assert.ok(coverage.of("pooled ratio") < 0.7, `pooled rounds must undercover: ${coverage}`);
    assert.ok(coverage.of("pooled median") < 0.7, `pooled rounds must undercover: ${coverage}`);
  });

  it("keeps the ratio's coverage under a strong slow drift that moves plain and traced together", () => {
    // The drift persists for about ten blocks and is three times the processes' spread: pairing each traced
    // trial with the plain trial of its block cancels it, whatever its course.
    const model: HostModel = { cells: [plain, { ...traced, ownDriftSd: 0 }], rounds: 51, runSd: 0.2, driftSd: 0.1, driftCorrelation: 0.9 };
    const [plainTruth, tracedTruth] = model.cells.map((cell, i) => cellTruth(model, cell, 91 + i, 100_000, 20_000));
    const ratio = trueRatio(model.cells[1], tracedTruth, plain, plainTruth);
    const coverage = new Coverage();
    for (let r = 0; r < RUNS; r++) {
      const { estimates } = preciseRun(model, 50_000 + r);
      coverage.count("traced ratio", holds(estimates.cells[1].paired!.ratio, ratio));
    }
    assertNominal(coverage, "traced ratio");
  });
});

describe("a machine rebooted between blocks", () => {
  it("draws whole boots: the intervals then cover the truth, blocks drawn one by one do not; boots and processes are told apart", () => {
    // Each boot moves every cell (sharedSd, which the ratio cancels) and each cell apart (bootSd, which it does
    // not), by more than processes differ within a boot: 30 blocks in 10 boots of 3.
    const bootPlain: CellModel = { ...plain, bootSd: 0.05 };
    const bootTraced: CellModel = { ...traced, bootSd: 0.08 };
    const model: HostModel = { cells: [bootPlain, bootTraced], rounds: 51, runSd: 0.2, driftSd: 0.015, driftCorrelation: 0.3, boots: { blocksPerBoot: 3, sharedSd: 0.05 } };
    const [plainTruth, tracedTruth] = model.cells.map((cell, i) => cellTruth(model, cell, 131 + i, 200_000, 20_000));
    const ratio = trueRatio(bootTraced, tracedTruth, bootPlain, plainTruth);
    const coverage = new Coverage();
    const bootSds: number[] = [];
    const trialSds: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const run = new SimulatedRun(model, 70_000 + r);
      run.addBlocks(30);
      const level = Math.exp(run.runLevel);
      const [p, t] = blockBootstrap(run.cells(), { resamples: RESAMPLES, seed: 1 }, run.bootOf()).cells;
      const [, alone] = blockBootstrap(run.cells(), { resamples: RESAMPLES, seed: 1 }).cells;
      coverage.count("plain median", holds(p.median, level * plainTruth.median));
      coverage.count("traced ratio", holds(t.paired!.ratio, ratio));
      coverage.count("ratio, blocks drawn one by one", holds(alone.paired!.ratio, ratio));
      bootSds.push(t.variance.betweenBoots!);
      trialSds.push(t.variance.betweenTrials!);
      assert.equal(t.variance.boots, 10);
    }
    assertNominal(coverage, "plain median");
    assertNominal(coverage, "traced ratio");
    assert.ok(coverage.of("ratio, blocks drawn one by one") < 0.85, `blocks of one boot are not independent: ${coverage}`);
    // The traced cell's level moves from boot to boot by √(0.05² + 0.08²) ≈ 0.094; its processes by 0.035 within a boot.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(mean(bootSds) / Math.hypot(0.05, 0.08) - 1) < 0.15, `mean SD between boots ${mean(bootSds).toFixed(4)}`);
    assert.ok(Math.abs(mean(trialSds) / 0.035 - 1) < 0.25, `mean SD between trials of a boot ${mean(trialSds).toFixed(4)}`);
  });
});

describe("what the simulation rests on", () => {
  const cells = (): CellTrials[] => {
    const run = new SimulatedRun({ cells: [plain, traced, flapping], rounds: 51, runSd: 0.2, driftSd: 0.015, driftCorrelation: 0.3 }, 3);
    run.addBlocks(12);
    return run.cells();
  };
  const bounds = (e: Estimate) => [e.low, e.high];

  it("gives the same intervals for the same seed, whatever the order of the cells, and others for another seed", () => {
    const a = blockBootstrap(cells(), { resamples: 300, seed: 5 });
    assert.deepEqual(blockBootstrap(cells(), { resamples: 300, seed: 5 }), a);
    const reversed = blockBootstrap(cells().reverse(), { resamples: 300, seed: 5 });
    assert.deepEqual(reversed.cells.reverse(), a.cells);
    const other = blockBootstrap(cells(), { resamples: 300, seed: 6 });
    assert.equal(other.cells[1].median.value, a.cells[1].median.value, "the point estimate does not depend on the seed");
    assert.notDeepEqual(bounds(other.cells[1].median), bounds(a.cells[1].median));
    assert.notDeepEqual(bounds(other.cells[1].paired!.ratio), bounds(a.cells[1].paired!.ratio));
  });

  it("quickselect finds every order statistic that sorting finds", () => {
    const random = seededRandom(11);
    for (let n = 1; n <= 60; n++) {
      // Few distinct values, so that ties are common, as with cycle counts.
      const values = Float64Array.from({ length: n }, () => Math.floor(random() * (n / 3 + 1)));
      const sorted = Float64Array.from(values).sort();
      for (let k = 0; k < n; k++) {
        const a = Float64Array.from(values);
        assert.equal(selectInPlace(a, k), sorted[k], `n=${n} k=${k}`);
        for (let i = 0; i < n; i++) assert.ok(i < k ? a[i] <= a[k] : a[i] >= a[k], `n=${n} k=${k}: not partitioned at ${i}`);
      }
      const middle = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      assert.equal(medianInPlace(Float64Array.from(values)), middle, `median of ${n}`);
    }
    assert.ok(Number.isNaN(medianInPlace(new Float64Array(0))));
  });

  it("the signed-rank test over blocks matches the textbook and a full enumeration", () => {
    // Hollander & Wolfe's depression scores (the example of R's wilcox.test, paired): V = 40, exact
    // two-sided p = 0.03906 (= 20/512).
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const depression = signedRankTest(x.map((v, i) => v - y[i]));
    assert.equal(depression.wPlus, 40);
    assert.ok(Math.abs(depression.p - 20 / 512) < 1e-12, `p = ${depression.p}`);
    // All five blocks slower: only the all-positive and all-negative sign patterns are as extreme.
    assert.ok(Math.abs(signedRankTest([0.1, 0.2, 0.3, 0.4, 0.5]).p - 2 / 32) < 1e-12);
    assert.equal(signedRankTest([0.2, -0.2, 0.1, -0.1]).p, 1, "symmetric about zero");
    assert.equal(signedRankTest([0, 0.3, 0]).n, 1, "zero differences are dropped");
    // Ties: midranks, and the p-value of every sign pattern counted by brute force.
    const tied = [0.5, -0.5, 0.5, 1, 1, -2, 0.5, 3];
    const ranksOf = (d: number[]) => d.map((v) => {
      const below = d.filter((w) => Math.abs(w) < Math.abs(v)).length;
      const same = d.filter((w) => Math.abs(w) === Math.abs(v)).length;
      return below + (same + 1) / 2;
    });
    const ranks = ranksOf(tied);
    const total = ranks.reduce((s, r) => s + r, 0);
    const observed = tied.reduce((s, v, i) => s + (v > 0 ? ranks[i] : 0), 0);
    let extreme = 0;
    for (let signs = 0; signs < 1 << tied.length; signs++) {
      const w = ranks.reduce((s, r, i) => s + (signs & (1 << i) ? r : 0), 0);
      if (Math.abs(w - total / 2) >= Math.abs(observed - total / 2) - 1e-9) extreme++;
    }
    const result = signedRankTest(tied);
    assert.equal(result.wPlus, observed);
    assert.ok(Math.abs(result.p - extreme / 2 ** tied.length) < 1e-12, `p ${result.p}, enumeration ${extreme / 2 ** tied.length}`);
  });

  it("the signed-rank test's normal approximation agrees with the exact count where it takes over", () => {
    const random = seededRandom(4);
    const differences = Array.from({ length: EXACT_MAX_N }, () => random() - 0.49);
    const exact = signedRankTest(differences);
    const approximate = signedRankTest(differences, 0);
    assert.equal(approximate.wPlus, exact.wPlus);
    assert.ok(exact.p > 0.01 && exact.p < 0.5, `a p-value in the range where the two are compared: ${exact.p}`);
    assert.ok(Math.abs(approximate.p - exact.p) < 0.03 * exact.p, `exact ${exact.p}, normal ${approximate.p}`);
  });
});
