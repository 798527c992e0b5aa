// The parts of the block bootstrap on inputs whose answers are known by
// construction (the coverage of its intervals is checked by simulation in
// stats-simulation.test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { blockBootstrap, type CellEstimates, type CellTrials, type Estimate, type HostEstimates } from "../scripts/analyze/blockBootstrap.ts";
import { expandedPercentileInterval, expandedTail, studentQuantile } from "../scripts/analyze/expandedPercentile.ts";
import { OVERHEAD_CYCLES, OVERHEAD_PERCENT, PAIRED_BLOCKS, PAIRED_VALUES, RATIO, pairedLogRatios, pairedValues } from "../scripts/analyze/pairedRatio.ts";
import { seededRandom } from "../scripts/model/random.ts";
import { impreciseCells, precise } from "../scripts/analyze/stoppingRule.ts";
import { runComponents, trialComponents } from "../scripts/analyze/varianceComponents.ts";
import { Xoshiro128 } from "../scripts/analyze/xoshiro.ts";
import { normalSource } from "./support/simulatedRun.ts";

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);

/** A cell whose trial in block k holds `rounds` copies of levels[k] (no trial where the level is null). */
function constantCell(id: string, levels: (number | null)[], plain?: string, rounds = 5): CellTrials {
  const trials = new Map<number, Float64Array>();
  levels.forEach((level, k) => level !== null && trials.set(k + 1, new Float64Array(rounds).fill(level)));
  return { id, plain, trials };
}

const SETTINGS = { resamples: 500, seed: 1 };

describe("paired estimates over blocks", () => {
  it("pairs only the blocks both cells have, and computes ratio, overhead and percent as defined", () => {
    const out = new Float64Array(PAIRED_VALUES);
    // Block 3 lacks the traced trial, block 4 the plain one.
    pairedValues(Float64Array.of(200, 330, NaN, 500), Float64Array.of(100, 110, 120, NaN), out);
    assert.equal(out[PAIRED_BLOCKS], 2);
    close(out[RATIO], Math.sqrt(2 * 3), 1e-12, "geometric mean of 2 and 3");
    close(out[OVERHEAD_CYCLES], (100 + 220) / 2, 1e-12, "mean difference");
    close(out[OVERHEAD_PERCENT], (100 * 320) / 210, 1e-12, "Σ difference ÷ Σ plain");
    assert.deepEqual(Array.from(pairedLogRatios(Float64Array.of(200, 330, NaN), Float64Array.of(100, 110, 120))), [Math.log(2), Math.log(3)]);
    const none = new Float64Array(PAIRED_VALUES);
    pairedValues(Float64Array.of(NaN), Float64Array.of(1), none);
    assert.deepEqual(Array.from(none), [NaN, NaN, NaN, 0], "no paired block");
  });

  it("draws one block list for the whole host: a drift shared by plain and traced leaves the ratio's interval exact", () => {
    // Block levels differ by up to 3× (drift), the traced cell costs exactly 3× plain in every block.
    const levels = [1000, 3000, 1500, 2500, 1200, 2800, 1000, 2000];
    const host = blockBootstrap(
      [constantCell("plain", levels), constantCell("traced", levels.map((l) => 3 * l), "plain"), constantCell("again", levels.map((l) => 3 * l), "plain")],
      SETTINGS,
    );
    const [plain, traced, again] = host.cells;
    // Every resample pairs each traced trial with its own block's plain trial.
    for (const bound of [traced.paired!.ratio.value, traced.paired!.ratio.low!, traced.paired!.ratio.high!]) close(bound, 3, 1e-12, "ratio");
    assert.ok(plain.median.high! / plain.median.low! > 1.5, `the median's interval sees the drift: ${JSON.stringify(plain.median)}`);
    assert.deepEqual(again.paired, traced.paired, "two traced cells see the same resampled blocks of their plain cell");
    close(traced.paired!.overheadCycles.value, 2 * (levels.reduce((a, b) => a + b) / levels.length), 1e-9, "overhead cycles");
    close(traced.paired!.overheadPercent.value, 200, 1e-9, "overhead percent");
  });

  it("leaves out the blocks a failed trial is missing from", () => {
    const plain = constantCell("plain", [100, 100, 100, null, 100, 100]);
    const traced = constantCell("traced", [200, 200, null, 400, 400, 400], "plain");
    const [, t] = blockBootstrap([plain, traced], SETTINGS).cells;
    assert.equal(t.paired!.pairedBlocks, 4, "blocks 1, 2, 5 and 6");
    close(t.paired!.ratio.value, Math.sqrt(8), 1e-12, "geometric mean of 2, 2, 4, 4: (2·2·4·4)^¼ = √8");
    assert.equal(t.trials, 5);
    assert.ok(t.paired!.ratio.low! >= 2 && t.paired!.ratio.high! <= 4, JSON.stringify(t.paired!.ratio));
    assert.equal(t.paired!.blockTest.n, 4);
    close(t.paired!.blockTest.p, 2 / 16, 1e-12, "four blocks all slower: p = 2/2⁴");
  });

  it("gives no paired estimates without the plain cell, and no intervals from a single block", () => {
    const host = blockBootstrap([constantCell("traced", [300, 310, 320], "plain"), constantCell("single", [500])], SETTINGS);
    assert.equal(host.cells[0].paired, null);
    assert.equal(host.cells[0].plain, "plain");
    assert.deepEqual(host.cells[1].median, { value: 500, low: null, high: null });
  });
});

describe("block bootstrap of a cell", () => {
  it("takes the median of the pooled rounds and brackets it", () => {
    const trials = new Map([
      [1, Float64Array.of(10, 11, 12)],
      [2, Float64Array.of(13, 14, 15, 16)],
      [3, Float64Array.of(9, 20, 30)],
    ]);
    const [cell] = blockBootstrap([{ id: "c", trials }], SETTINGS).cells;
    assert.equal(cell.median.value, 13.5, "pooled 9 10 11 12 13 | 14 15 16 20 30");
    assert.equal(cell.rounds, 10);
    assert.ok(cell.median.low! <= cell.median.value && cell.median.value <= cell.median.high!);
    assert.ok(cell.median.low! >= 9 && cell.median.high! <= 30);
  });

  it("splits a clearly bimodal cell into its modes and estimates each with the share of the upper one", () => {
    const random = seededRandom(8);
    const trials = new Map<number, Float64Array>();
    // 30% of rounds near 3000 cycles, the rest near 1000; jitter keeps the values distinct.
    for (let k = 1; k <= 12; k++) trials.set(k, Float64Array.from({ length: 50 }, (_, r) => (r % 10 < 3 ? 3000 : 1000) * (1 + 0.01 * random())));
    const [flapping] = blockBootstrap([{ id: "flapping", trials }], SETTINGS).cells;
    const modes = flapping.modes!;
    assert.equal(modes.bcRounds, 12 * 35);
    assert.equal(modes.wcRounds, 12 * 15);
    close(modes.upperShare.value, 0.3, 1e-12, "share");
    // Every trial holds exactly 30%, so only redrawing rounds spreads the share: binomial SD √(0.3 · 0.7/600) = 0.0187,
    // times 2.30 (t with 11 degrees of freedom, widened by √(12/11) for 12 blocks) = ±0.043.
    close(modes.upperShare.low!, 0.3 - 0.043, 0.01, "share, low");
    close(modes.upperShare.high!, 0.3 + 0.043, 0.01, "share, high");
    assert.ok(modes.bc.value > 1000 && modes.bc.value < 1010 && modes.bc.low! >= 1000 && modes.bc.high! <= 1010, JSON.stringify(modes.bc));
    assert.ok(modes.wc.value > 3000 && modes.wc.value < 3030 && modes.wc.low! >= 3000 && modes.wc.high! <= 3030, JSON.stringify(modes.wc));
    assert.equal(blockBootstrap([constantCell("flat", [1000, 1010, 990])], SETTINGS).cells[0].modes, null);
  });

  it("refuses input it cannot analyse, naming the cell and the block", () => {
    const bad = (cells: CellTrials[], message: RegExp) => assert.throws(() => blockBootstrap(cells, SETTINGS), message);
    bad([{ id: "a", trials: new Map([[1, Float64Array.of(5, 0, 7)]]) }], /^RangeError: a: block 1: 0 cycles/);
    bad([{ id: "a", trials: new Map([[2, new Float64Array(0)]]) }], /a: block 2: a trial without rounds/);
    bad([{ id: "a", trials: new Map() }], /a: no trials/);
    bad([constantCell("a", [1]), constantCell("a", [2])], /a: the cell appears twice/);
    assert.throws(() => blockBootstrap([constantCell("a", [1])], { resamples: 0, seed: 1 }), /0 resamples/);
  });
});

describe("stopping rule", () => {
  const interval = (value: number, halfWidth: number): Estimate => ({ value, low: value * (1 - halfWidth), high: value * (1 + halfWidth) });
  const traced = (id: string, pairedBlocks: number, halfWidth: number | null): CellEstimates =>
    ({
      id,
      plain: "plain",
      paired: { pairedBlocks, ratio: halfWidth === null ? { value: 2, low: null, high: null } : interval(2, halfWidth) },
    }) as CellEstimates;
  const host = (blocks: number, cells: CellEstimates[]): HostEstimates =>
    ({ blocks: Array.from({ length: blocks }, (_, i) => i), cells: [{ id: "plain", plain: null, paired: null } as CellEstimates, ...cells] }) as HostEstimates;

  it("names the traced cells whose ratio is not yet known to ±5%, and stops only when none is left", () => {
    const run = host(12, [traced("tight", 12, 0.04), traced("wide", 12, 0.08), traced("few", 9, 0.01), traced("none", 12, null)]);
    assert.deepEqual(
      impreciseCells(run).map((c) => [c.cell, c.pairedBlocks, c.relativeHalfWidth === null ? null : Number(c.relativeHalfWidth.toFixed(6))]),
      [["wide", 12, 0.08], ["few", 9, 0.01], ["none", 12, null]],
    );
    assert.equal(precise(run), false);
    assert.equal(precise(host(12, [traced("tight", 12, 0.04), traced("just", 12, 0.049)])), true);
    assert.equal(precise(host(12, [{ ...traced("lost", 0, null), paired: null }])), false, "a traced cell whose plain cell is missing never becomes precise");
  });

  it("waits for the minimum number of blocks even when every interval is narrow", () => {
    assert.equal(precise(host(9, [traced("tight", 9, 0.01)])), false);
    assert.equal(precise(host(9, [traced("tight", 9, 0.01)]), { relativeHalfWidth: 0.05, minBlocks: 5 }), true);
    assert.equal(precise(host(9, [])), false, "no traced cell: the minimum alone decides");
    assert.equal(precise(host(10, [])), true);
  });
});

describe("variance components", () => {
  it("recovers the spread within and between trials of a known process", () => {
    // log cycles = 7 + u (SD 0.05 between trials) + e (SD 0.02 within a trial), 400 trials of 101 rounds.
    const normal = normalSource(seededRandom(21));
    const trials = Array.from({ length: 400 }, () => {
      const level = 7 + 0.05 * normal();
      return Float64Array.from({ length: 101 }, () => Math.exp(level + 0.02 * normal()));
    });
    const c = trialComponents(trials);
    assert.equal(c.trials, 400);
    close(c.withinTrial, 0.02, 0.001, "within a trial");
    close(c.betweenTrials!, 0.05, 0.005, "between trials");
    // Var of a log trial median: 0.05² + π/2 · 0.02²/101 → the trials' own share ≈ 0.9975.
    close(c.betweenShare!, 0.0025 / (0.0025 + ((Math.PI / 2) * 0.0004) / 101), 0.002, "share between trials");
    assert.deepEqual(trialComponents(trials.slice(0, 1)).betweenTrials, null);
  });

  it("compares runs of a reproduce set with their own intervals", () => {
    // Three runs 10% apart, each claiming ±1%: they disagree far beyond their intervals.
    const runs = [100, 110, 121].map((value) => ({ value, low: value / 1.01, high: value * 1.01 }));
    const r = runComponents(runs);
    close(r.acrossRuns, Math.log(1.1), 1e-12, "SD of ln 100, ln 110, ln 121");
    close(r.withinRun, Math.log(1.01) / 1.959963984540054, 1e-9, "SD implied by a ±1% interval");
    close(r.betweenRuns, Math.sqrt(Math.log(1.1) ** 2 - r.withinRun ** 2), 1e-12, "between runs");
    assert.equal(r.crossCoverage, 0, "no run's interval holds another's value");
    const agreeing = runComponents([100, 101, 102].map((value) => ({ value, low: 95, high: 106 })));
    assert.equal(agreeing.betweenRuns, 0);
    assert.equal(agreeing.crossCoverage, 1);
    assert.throws(() => runComponents(runs.slice(0, 1)), /at least two runs/);
  });
});

describe("expanded percentile intervals", () => {
  it("uses Student's t quantiles as tabulated", () => {
    // t(0.975) for 1, 2, 3, 4, 5, 9, 29 degrees of freedom, from the standard table; many tend to z(0.975).
    for (const [nu, t] of [[1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [9, 2.262], [29, 2.045]]) close(studentQuantile(0.975, nu), t, 0.0005, `t with ${nu} df`);
    close(studentQuantile(0.975, 100_000), 1.959964, 1e-4, "t with 100,000 df");
    close(studentQuantile(0.995, 10), 3.169, 0.0005, "t(0.995) with 10 df");
  });

  it("widens the percentiles for few blocks and not for many", () => {
    // n = 10: t(9) · √(10/9) = 2.3842 → Φ(−2.3842) = 0.00856.
    close(expandedTail(0.95, 10), 0.00856, 0.0001, "tail with 10 blocks");
    close(expandedTail(0.95, 10_000), 0.025, 0.0001, "tail with many blocks");
    const replicates = Float64Array.from({ length: 1001 }, (_, i) => 1000 - i);
    const wide = expandedPercentileInterval(replicates, 0.95, 10);
    close(wide.low, 8.56, 0.1, "low with 10 blocks");
    close(wide.high, 991.44, 0.1, "high with 10 blocks");
    assert.deepEqual(expandedPercentileInterval(Float64Array.of(NaN, 4, NaN, 4), 0.95, 1000), { low: 4, high: 4 }, "NaN replicates are left out");
  });
});

describe("the bootstrap's generator", () => {
  it("draws every index in range, about equally often, the same for the same seed", () => {
    const draws = new Int32Array(100_000);
    new Xoshiro128(3).fillBelow(draws, draws.length, 10);
    const again = new Int32Array(100_000);
    new Xoshiro128(3).fillBelow(again, again.length, 10);
    assert.deepEqual(again, draws);
    const counts = new Array<number>(10).fill(0);
    for (const d of draws) counts[d]++;
    // χ² with 9 degrees of freedom: above 27.9 one time in a thousand for a uniform generator.
    const chiSquare = counts.reduce((s, n) => s + (n - 10_000) ** 2 / 10_000, 0);
    assert.ok(chiSquare < 27.9, `χ² = ${chiSquare}, counts ${counts}`);
  });
});
