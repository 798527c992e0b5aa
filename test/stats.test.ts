import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bootstrapMedianContrast, includesZero } from "../scripts/analyze/bootstrap.ts";
import { mad, trialVariation } from "../scripts/analyze/dispersion.ts";
import { mannWhitney } from "../scripts/analyze/mannWhitney.ts";
import { medianInterval, medianIntervalRanks } from "./support/pooledMedianInterval.ts";
import { cyclesToNs } from "../scripts/analyze/nanoseconds.ts";
import { seededRandom } from "../scripts/model/random.ts";
import { cellWarnings, hostWarnings, type CellCheckInput } from "../scripts/analyze/warnings.ts";
import { summarizeRun } from "../scripts/analyze/analyzeRun.ts";
import { microCell, roundsOf } from "./support/syntheticRun.ts";
import { type CellRecord } from "../scripts/model/cell.ts";
import { type HostFacts } from "../scripts/model/hostFacts.ts";
import type { RawRow } from "../scripts/results/rawCsv.ts";

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);

describe("confidence interval of the median from order statistics", () => {
  it("picks the ranks of a binomial table", () => {
    // P(B ≤ k) for B ~ Binomial(n, ½), from the binomial table:
    // n = 6:  P(B ≤ 0) = 1/64 = 0.0156, P(B ≤ 1) = 7/64 = 0.109  → ranks 1 and 6, coverage 1 − 2/64 = 0.96875
    // n = 10: P(B ≤ 1) = 11/1024 = 0.0107, P(B ≤ 2) = 56/1024 = 0.0547 → ranks 2 and 9, coverage 1 − 22/1024
    // n = 20: P(B ≤ 5) = 0.0207, P(B ≤ 6) = 0.0577 → ranks 6 and 15, coverage 0.9586
    assert.deepEqual(medianIntervalRanks(6), { lowRank: 1, highRank: 6, coverage: 1 - 2 / 64 });
    const ten = medianIntervalRanks(10)!;
    assert.deepEqual([ten.lowRank, ten.highRank], [2, 9]);
    close(ten.coverage, 1 - 22 / 1024, 1e-12, "coverage n=10");
    const twenty = medianIntervalRanks(20)!;
    assert.deepEqual([twenty.lowRank, twenty.highRank], [6, 15]);
    close(twenty.coverage, 0.9586, 1e-4, "coverage n=20");
  });

  it("gives none below six values: even [min, max] of five covers only 1 − 2/32", () => {
    for (const n of [1, 2, 5]) assert.equal(medianIntervalRanks(n), null, `n=${n}`);
    assert.equal(medianInterval([5, 3, 1, 4, 2]), null);
  });

  it("reads the bounds off the sorted sample", () => {
    const ci = medianInterval([100, 10, 90, 20, 80, 30, 70, 40, 60, 50])!;
    assert.equal(ci.low, 20, "2nd smallest");
    assert.equal(ci.high, 90, "9th smallest");
  });

  it("keeps the coverage at 95% or more and the ranks symmetric for large n", () => {
    for (const n of [51, 255, 1000]) {
      const r = medianIntervalRanks(n)!;
      assert.equal(r.lowRank + r.highRank, n + 1);
      assert.ok(r.coverage >= 0.95 && r.coverage < 0.97, `n=${n}: coverage ${r.coverage}`);
    }
  });
});

describe("dispersion", () => {
  it("MAD of a known array", () => {
    // median 2; absolute deviations 1 1 0 0 2 4 7 → sorted 0 0 1 1 2 4 7 → median 1
    assert.equal(mad([1, 1, 2, 2, 4, 6, 9]), 1);
    assert.equal(mad([5, 5, 5]), 0);
  });

  it("separates the spread between trials from the noise within them", () => {
    // Trial 1 around 100, trial 2 around 200: each trial is tight, the trials disagree.
    const rounds = [
      ...[99, 100, 101].map((cycles) => ({ trial: 1, cycles })),
      ...[198, 200, 202].map((cycles) => ({ trial: 2, cycles })),
    ];
    // Trial medians 100 and 200 → MAD 50; deviations from own trial median 1 0 1 2 0 2 → median 1.
    assert.deepEqual(trialVariation(rounds), { betweenTrialSpread: 50, withinTrialMad: 1 });
    assert.equal(trialVariation(rounds.slice(0, 3)).betweenTrialSpread, null, "one trial has no spread between trials");
  });
});

describe("bootstrap of the difference and ratio of medians", () => {
  const plain = Array.from({ length: 60 }, (_, i) => 1000 + ((i * 37) % 50));
  const traced = Array.from({ length: 60 }, (_, i) => 3000 + ((i * 53) % 200));

  it("is reproducible with its seed and changes with another seed", () => {
    const a = bootstrapMedianContrast(plain, traced, { resamples: 500, seed: 1 });
    const b = bootstrapMedianContrast(plain, traced, { resamples: 500, seed: 1 });
    const c = bootstrapMedianContrast(plain, traced, { resamples: 500, seed: 2 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.differenceInterval, c.differenceInterval);
  });

  it("brackets the observed difference and ratio", () => {
    const r = bootstrapMedianContrast(plain, traced, { resamples: 1000, seed: 1 });
    assert.ok(r.differenceInterval.low <= r.difference && r.difference <= r.differenceInterval.high);
    assert.ok(r.ratioInterval.low <= r.ratio && r.ratio <= r.ratioInterval.high);
    assert.ok(r.differenceInterval.low > 1800 && r.differenceInterval.high < 2200, JSON.stringify(r.differenceInterval));
    assert.equal(includesZero(r.differenceInterval), false);
  });

  it("includes zero when the two samples are the same", () => {
    const r = bootstrapMedianContrast(plain, [...plain].reverse(), { resamples: 1000, seed: 1 });
    assert.equal(r.difference, 0);
    assert.ok(includesZero(r.differenceInterval), JSON.stringify(r.differenceInterval));
  });

  it("draws uniformly from its seeded generator", () => {
    const random = seededRandom(42);
    const draws = Array.from({ length: 10000 }, random);
    assert.ok(draws.every((x) => x >= 0 && x < 1));
    close(draws.reduce((s, x) => s + x, 0) / draws.length, 0.5, 0.02, "mean of uniform draws");
  });
});

describe("Mann-Whitney U test", () => {
  it("matches the textbook example without ties", () => {
    // Ages at diagnosis of type II diabetes, from Rosie Shier, "Statistics: 2.3 The Mann-Whitney U Test",
    // Mathematics Learning Support Centre, 2004: U_F = 3, so U of the males = 5 × 4 − 3 = 17. The same
    // example in the documentation of scipy.stats.mannwhitneyu gives the normal approximation with
    // continuity correction, two-sided: p = 0.11134688653314041.
    const males = [19, 22, 16, 29, 24];
    const females = [20, 11, 17, 12];
    const r = mannWhitney(males, females);
    assert.equal(r.u, 17);
    assert.equal(mannWhitney(females, males).u, 3);
    close(r.p, 0.11134688653314041, 1e-6, "p");
  });

  it("corrects the variance for ties", () => {
    // By hand: pooled 1 2 2 2 3 3 4 4 → midranks 1, 3 3 3, 5.5 5.5, 7.5 7.5.
    // Rank sum of a = 1 + 3 + 3 + 5.5 = 12.5, U = 12.5 − 4·5/2 = 2.5, mean 8.
    // Ties: groups of 3, 2, 2 → Σ(t³ − t) = 24 + 6 + 6 = 36;
    // σ² = 4·4/12 · (9 − 36/(8·7)) = 11.142857, z = (|2.5 − 8| − ½)/σ = 1.497862, p = 2(1 − Φ(z)) = 0.13416.
    const r = mannWhitney([1, 2, 2, 3], [2, 3, 4, 4]);
    assert.equal(r.u, 2.5);
    close(r.z, 1.497862, 1e-6, "z");
    close(r.p, 0.13416, 1e-4, "p");
  });

  it("gives tiny p-values for clearly different samples and 1 for identical ones", () => {
    const low = Array.from({ length: 255 }, (_, i) => 1000 + i);
    const high = Array.from({ length: 255 }, (_, i) => 5000 + i);
    const r = mannWhitney(high, low);
    assert.ok(r.p > 0 && r.p < 1e-50, `p = ${r.p}`);
    assert.equal(mannWhitney([7, 7, 7], [7, 7]).p, 1);
  });
});

describe("warnings", () => {
  const clean: CellCheckInput = {
    n: 255, median: 10000, mad: 200, noInterval: false, timerOverhead: 40, bimodal: false, betweenTrialSpread: 50, withinTrialMad: 150,
    imprecise: false, steal: false, migrations: false,
  };

  it("fire on constructed cells and not on a clean one", () => {
    assert.deepEqual(cellWarnings(clean), []);
    assert.deepEqual(cellWarnings({ ...clean, n: 5, noInterval: true }), ["no-median-ci", "few-rounds"]);
    assert.deepEqual(cellWarnings({ ...clean, imprecise: true, steal: true, migrations: true }), ["imprecise", "steal", "migrations"]);
    assert.deepEqual(cellWarnings({ ...clean, n: 22 }), ["few-rounds"]);
    assert.deepEqual(cellWarnings({ ...clean, mad: 1500 }), ["high-dispersion"]);
    assert.deepEqual(cellWarnings({ ...clean, timerOverhead: 1200 }), ["timer-share"]);
    assert.deepEqual(cellWarnings({ ...clean, bimodal: true }), ["bimodal"]);
    assert.deepEqual(cellWarnings({ ...clean, betweenTrialSpread: 400 }), ["trials-disagree"]);
    assert.deepEqual(cellWarnings({ ...clean, betweenTrialSpread: 90, withinTrialMad: 20 }), [], "trials apart by under 1% of the median");
    assert.deepEqual(cellWarnings({ ...clean, betweenTrialSpread: null }), [], "a single trial cannot disagree");
  });

  const quietHost: HostFacts = {
    name: "lab", os: "Linux", osRelease: "Debian 12", kernel: "6.1", arch: "x86_64", cpuModel: "Xeon", cores: 4,
    memoryBytes: 8e9, tscHz: 2e9, tscHzSource: "kernel log", tscFlags: ["tsc", "rdtscp", "constant_tsc", "nonstop_tsc"],
    tscNote: null, virtualized: false, compiler: "cc", loadAverage: [0.2, 0.3, 0.3], timerOverheadCycles: 40, timer: "t",
    cpuFreqGovernor: "performance", cpuFreqDriver: "intel_pstate", turbo: false, dmiVendor: "Dell Inc.", dmiProduct: "PowerEdge R640",
    virtDetected: "none",
  };
  const codes = (facts: HostFacts) => hostWarnings(facts).map((w) => w.code);

  it("fire on constructed hosts and not on a quiet one", () => {
    assert.deepEqual(hostWarnings(quietHost), []);
    assert.deepEqual(codes({ ...quietHost, loadAverage: [3.1, 1, 1] }), ["host-load"]);
    assert.deepEqual(codes({ ...quietHost, cpuFreqGovernor: "powersave" }), ["frequency-scaling"]);
    assert.deepEqual(codes({ ...quietHost, turbo: true }), ["turbo"]);
    assert.deepEqual(codes({ ...quietHost, virtualized: true }), ["virtualized"]);
    assert.deepEqual(codes({ ...quietHost, dmiVendor: "QEMU", dmiProduct: "Standard PC (Q35 + ICH9, 2009)" }), ["virtualized"]);
    assert.deepEqual(codes({ ...quietHost, virtDetected: "kvm" }), ["virtualized"]);
    assert.deepEqual(codes({ ...quietHost, tscFlags: ["tsc", "rdtscp"] }), ["tsc-not-invariant"]);
    assert.deepEqual(codes({ ...quietHost, tscNote: "kernel log: Marking TSC unstable" }), ["tsc-not-invariant"]);
    assert.deepEqual(codes({ ...quietHost, tscHz: null }), ["tsc-frequency-unknown"]);
  });

  it("name the facts that set them off", () => {
    const [load] = hostWarnings({ ...quietHost, loadAverage: [3.1, 1, 1] });
    assert.equal(load.evidence, "load average 3.1 on 4 cores");
    const [tsc] = hostWarnings({ ...quietHost, tscFlags: ["tsc", "constant_tsc"] });
    assert.equal(tsc.evidence, "cpuinfo lacks nonstop_tsc");
  });

  it("stay quiet about facts a host did not expose", () => {
    const unknown = { ...quietHost, cpuFreqGovernor: null, turbo: null, dmiVendor: null, dmiProduct: null, virtDetected: null, loadAverage: null, tscFlags: [] };
    assert.deepEqual(hostWarnings(unknown), []);
  });
});

it("turns cycles into nanoseconds at the TSC frequency", () => {
  assert.equal(cyclesToNs(2000, 2e9), 1000);
  assert.equal(cyclesToNs(2000, null), null);
  assert.equal(cyclesToNs(null, 2e9), null);
});

describe("summary.csv columns of a run", () => {
  const cell = (tracer: CellRecord["tracer"]): CellRecord => ({
    ...microCell("h", { call: "write", fd: "invalid", tracer, placement: "unpinned" }, { trials: 2, rounds: 30 }),
    timerOverheadCycles: [40, 40],
  });
  // Rounds numbered from 1; the cycles function takes the round from 0.
  const rounds = (c: CellRecord, cycles: (trial: number, round: number) => number): RawRow[] => roundsOf(c, (trial, round) => cycles(trial, round - 1));
  const plain = cell("none");
  const traced = cell("ptrace");
  const raw = [...rounds(plain, (_, r) => 1000 + (r % 10)), ...rounds(traced, (t, r) => 5000 + 200 * t + (r % 10))];
  const context = { hosts: { h: { tscHz: 2e9 } as HostFacts }, analysis: { bootstrapResamples: 500, seed: 9 }, precision: 0.05, trials: [] };
  const [plainRow, tracedRow] = summarizeRun([plain, traced], raw, context);

  it("gives the median's interval, MAD, nanoseconds and the two kinds of variation", () => {
    assert.equal(plainRow.median, 1004.5);
    assert.ok(plainRow.median_ci_low! <= 1004.5 && 1004.5 <= plainRow.median_ci_high!, "the block bootstrap's interval holds the median");
    assert.ok(plainRow.median_ci_low! >= 1000 && plainRow.median_ci_high! <= 1009, "and lies within the rounds");
    assert.equal(plainRow.mad, 2.5);
    close(plainRow.median_ns!, 502.25, 1e-9, "ns at 2 GHz");
    assert.equal(tracedRow.between_trial_spread, 100, "trial medians 5204.5 and 5404.5");
    assert.equal(tracedRow.within_trial_mad, 2.5);
    assert.ok(tracedRow.warnings.includes("trials-disagree"));
    assert.ok(tracedRow.between_trial_sd! > tracedRow.within_trial_sd, "the two processes differ more than the rounds within one");
    assert.equal(plainRow.overhead_ci_low, null, "a plain cell has no overhead");
  });

  it("pairs each traced trial with the plain trial of its block", () => {
    // Trial medians: traced 5204.5 and 5404.5, plain 1004.5 in both blocks.
    close(tracedRow.overhead_cycles!, 4300, 1e-9, "the mean of the blocks' differences");
    close(tracedRow.ratio!, Math.sqrt((5204.5 / 1004.5) * (5404.5 / 1004.5)), 1e-12, "the geometric mean of the blocks' ratios");
    assert.equal(tracedRow.paired_blocks, 2);
    assert.ok(tracedRow.overhead_ci_low! <= 4300 && 4300 <= tracedRow.overhead_ci_high!);
    assert.ok(tracedRow.ratio_ci_low! <= tracedRow.ratio! && tracedRow.ratio! <= tracedRow.ratio_ci_high!);
    assert.equal(tracedRow.block_test_p, 0.5, "two blocks, both slower: the signed-rank test can say no more than p = 1/2");
    assert.deepEqual([tracedRow.bc_overhead_ci_low, tracedRow.wc_overhead_ci_high], [tracedRow.overhead_ci_low, tracedRow.overhead_ci_high], "unimodal: wc = bc");
    assert.equal(tracedRow.overhead_ns, 2150);
  });

  it("is reproducible: the same run analysed twice gives the same rows", () => {
    assert.deepEqual(summarizeRun([plain, traced], raw, context), [plainRow, tracedRow]);
  });
});
