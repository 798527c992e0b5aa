/**
 * Intervals that hold when the run is repeated under the same conditions:
 * the two-level (block) bootstrap over randomized interleaved trials.
 *
 * A run is a sequence of blocks; block k runs trial k of every cell of a
 * host, each trial a fresh process timing R rounds. Rounds of one process
 * share its state (placement, caches, frequency, neighbours), so the
 * process, not the round, is the unit of replication (Kalibera & Jones,
 * ISMM 2013), and a traced trial is compared with the plain trial of its
 * own block (Abedi & Brecht, ICPE 2017).
 *
 * Each bootstrap replicate draws K blocks with replacement out of the host's
 * K blocks (one list for every cell of the host, since one plain trial
 * serves several traced cells), then draws each drawn trial's rounds with
 * replacement, and recomputes every estimator from that. The intervals are
 * expanded percentile intervals of the replicates (expandedPercentile.ts),
 * which keep their 95% with as few as ten blocks.
 *
 * What these intervals cannot see: the level of the whole run (a frequency
 * or a neighbour that lasts the run) and a drift that persists over many
 * blocks move every block of a cell alike, so a median's interval is about
 * the run's own conditions; only reruns measure that level (runComponents
 * in varianceComponents.ts). A ratio pairs each traced trial with the plain
 * trial of its block, so whatever the two cells share cancels.
 *
 * Where a host's blocks ran in several boots, some holding more than one
 * (reboot: between-blocks), the top level drawn is the boot: a replicate
 * draws as many boots as there were, with replacement, and takes every
 * block of each, so that what a boot shares among its blocks is sampled as
 * a whole. Blocks that all ran in one boot (an ordinary run: no boot level
 * to sample) or each in a boot of its own are drawn one by one. A run
 * resumed after its machine rebooted has two boots, and its intervals widen
 * accordingly: two draws say little of that level.
 *
 * A cell that lacks some blocks (failed trials) takes, in each replicate,
 * the trials of the drawn blocks it has; a replicate that drew none of them
 * is left out of that cell's intervals.
 *
 * The medians come from counts, not from sorting: every round of a cell is
 * replaced by its rank among the cell's rounds, so a resample is a vector of
 * how often each rank was drawn, and a median is found by one scan of it.
 */
import { signedRankTest, type SignedRankResult } from "./blockTest.ts";
import { expandedPercentileInterval } from "./expandedPercentile.ts";
import { modeRounds } from "./modes.ts";
import { OVERHEAD_CYCLES, OVERHEAD_PERCENT, PAIRED_BLOCKS, PAIRED_VALUES, RATIO, pairedLogRatios, pairedValues } from "./pairedRatio.ts";
import { Xoshiro128 } from "./xoshiro.ts";
import { trialComponents, type TrialComponents } from "./varianceComponents.ts";

/** What the manifest records as the interval method, so that a reader knows how summary intervals were made. */
export const BLOCK_BOOTSTRAP_METHOD =
  "two-level block bootstrap (blocks shared by a host's cells, drawn by boot where boots held several; then rounds within trials), 95% expanded percentile, v2";

export const INTERVAL_LEVEL = 0.95;

/** With one block a resample can only redraw rounds, which says nothing about processes: no interval then. */
export const MIN_BLOCKS_FOR_INTERVAL = 2;

/** One cell of a host as measured: its trials, keyed by block index. */
export interface CellTrials {
  /** The cell's identifier (cellId). */
  id: string;
  /**
   * For a traced cell, the id of its plain cell (same benchmark, plain
   * pinning); absent for a plain cell. When no cell of the host has that id
   * (its trials all failed), the cell gets no paired estimates.
   */
  plain?: string;
  /** Each trial's rounds in cycles (all positive), keyed by the block it ran in. A failed trial is simply absent. */
  trials: ReadonlyMap<number, Float64Array>;
}

export interface BootstrapSettings {
  resamples: number;
  seed: number;
}

/**
 * A point estimate and its 95% interval; the bounds are null when the cell
 * has too few blocks for one (and the value is NaN when it has none, e.g.
 * a ratio without a single paired block).
 */
export interface Estimate {
  value: number;
  low: number | null;
  high: number | null;
}

/**
 * The two modes of a clearly bimodal cell (the definition of modes.ts, on
 * the pooled rounds). In the bootstrap the split is held where the data put
 * it (a rank boundary): the intervals are conditional on the split, which
 * matters little since the modes are at least 1.5× apart.
 */
export interface ModeEstimates {
  /** Median of the lower mode's rounds ("bc"). */
  bc: Estimate;
  /** Median of the upper mode's rounds ("wc"). */
  wc: Estimate;
  /** Share of the rounds in the upper mode, 0 … 1. */
  upperShare: Estimate;
  bcRounds: number;
  wcRounds: number;
}

/** A traced cell against its plain cell, block by block (see pairedRatio.ts for the definitions). */
export interface PairedEstimates {
  plain: string;
  /** Blocks holding a trial of both cells; only these enter the estimates. */
  pairedBlocks: number;
  /** Geometric mean over paired blocks of traced trial median ÷ plain trial median. */
  ratio: Estimate;
  /** Mean over paired blocks of traced trial median − plain trial median, in cycles. */
  overheadCycles: Estimate;
  /** 100 × overheadCycles ÷ the mean plain trial median of the paired blocks. */
  overheadPercent: Estimate;
  /** Wilcoxon signed-rank test of the per-block log ratios against zero. */
  blockTest: SignedRankResult;
}

export interface CellEstimates {
  id: string;
  /** The plain cell this cell was paired with, as given; null for a plain cell. */
  plain: string | null;
  trials: number;
  rounds: number;
  /** Median of the pooled rounds of all trials (the paper's figure). */
  median: Estimate;
  /** null when the pooled rounds are not clearly bimodal. */
  modes: ModeEstimates | null;
  /** null for a plain cell, or when the plain cell is missing. */
  paired: PairedEstimates | null;
  variance: TrialComponents;
}

export interface HostEstimates {
  method: string;
  /** The block indices found among the host's cells, ascending; the bootstrap draws from these. */
  blocks: number[];
  resamples: number;
  seed: number;
  cells: CellEstimates[];
}

/** What the hot loop needs of a cell, laid out once. */
interface CellPlan {
  input: CellTrials;
  /** All rounds of the cell, ascending. */
  sorted: Float64Array;
  /** Per block position: the trial's rounds as ranks into `sorted`, ascending; null when the cell has no trial in that block. */
  byBlock: (Int32Array | null)[];
  /** Rank where the upper mode starts, or −1 for a unimodal cell. */
  upperFrom: number;
  /** Index of the plain cell's plan, or −1. */
  plainIndex: number;
  /** How often each rank was drawn in the current replicate. */
  counts: Int32Array;
  /** Trial median of each drawn block in the current replicate; NaN where the cell has no trial. */
  drawMedians: Float64Array;
  /** The generator for this cell's rounds, seeded from the run's seed and the cell's id, so adding a cell changes no other cell's draws. */
  random: Xoshiro128;
}

/** Replicates of a cell, one array per estimator. */
interface Replicates {
  median: Float64Array;
  bc: Float64Array;
  wc: Float64Array;
  upperShare: Float64Array;
  ratio: Float64Array;
  overheadCycles: Float64Array;
  overheadPercent: Float64Array;
}

/** Buffers shared by all cells of a host, allocated once. */
interface Scratch {
  /** How often each round of the current trial was drawn. */
  local: Int32Array;
  /** The indices of the current trial's drawn rounds. */
  drawn: Int32Array;
  /** i ↦ i, the map that lets countsMedian read `sorted` directly. */
  identity: Int32Array;
}

/** Positions in the per-cell output of evaluate(). */
const MEDIAN = 0;
const BC = 1;
const WC = 2;
const UPPER_SHARE = 3;
const CELL_VALUES = 4;

/** 32-bit FNV-1a: turns a cell id into part of a seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function checkCell(cell: CellTrials): void {
  if (cell.trials.size === 0) throw new RangeError(`${cell.id}: no trials`);
  for (const [block, rounds] of cell.trials) {
    if (!Number.isInteger(block)) throw new RangeError(`${cell.id}: block ${block} is not an integer`);
    if (rounds.length === 0) throw new RangeError(`${cell.id}: block ${block}: a trial without rounds`);
    for (const c of rounds) if (!(c > 0 && c < Infinity)) throw new RangeError(`${cell.id}: block ${block}: ${c} cycles (must be a positive number)`);
  }
}

function planCell(cell: CellTrials, blocks: number[], longestDraw: number, settings: BootstrapSettings): CellPlan {
  // Rank every round among the cell's rounds; each trial keeps its own ranks, ascending.
  const owners: { block: number; value: number }[] = [];
  for (const [block, rounds] of cell.trials) for (const value of rounds) owners.push({ block, value });
  owners.sort((a, b) => a.value - b.value);
  const sorted = Float64Array.from(owners, (o) => o.value);
  const ranksOf = new Map<number, number[]>();
  owners.forEach((o, rank) => {
    const list = ranksOf.get(o.block);
    if (list) list.push(rank);
    else ranksOf.set(o.block, [rank]);
  });
  const split = modeRounds(Array.from(sorted));
  return {
    input: cell,
    sorted,
    byBlock: blocks.map((b) => (ranksOf.has(b) ? Int32Array.from(ranksOf.get(b)!) : null)),
    upperFrom: split ? split.low.length : -1,
    plainIndex: -1,
    counts: new Int32Array(sorted.length),
    drawMedians: new Float64Array(longestDraw),
    random: new Xoshiro128(hash(`${settings.seed}/${cell.id}`)),
  };
}

/**
 * Median of the multiset holding counts[i] copies of values[map[i]] for i in
 * [from, to), n copies in all (values[map[i]] ascending in i); NaN when n = 0.
 */
function countsMedian(counts: Int32Array, from: number, to: number, n: number, map: Int32Array, values: Float64Array): number {
  if (n === 0) return NaN;
  const lowRank = (n - 1) >> 1;
  const highRank = n >> 1;
  let seen = 0;
  let low = NaN;
  for (let i = from; i < to; i++) {
    seen += counts[i];
    if (low !== low && seen > lowRank) low = values[map[i]];
    if (seen > highRank) return (low + values[map[i]]) / 2;
  }
  throw new Error("countsMedian: fewer copies than n");
}

/**
 * One replicate of one cell: for each drawn block, the trial's rounds are
 * drawn (or, for the point estimate, taken once each); writes the cell's
 * drawMedians and its median, bc, wc and upper share into out.
 */
function evaluate(plan: CellPlan, draws: Int32Array, resampleRounds: boolean, scratch: Scratch, out: Float64Array): void {
  const { local, drawn, identity } = scratch;
  const { counts, sorted, drawMedians, random } = plan;
  counts.fill(0);
  let total = 0;
  for (let m = 0; m < draws.length; m++) {
    const ranks = plan.byBlock[draws[m]];
    if (ranks === null) {
      drawMedians[m] = NaN;
      continue;
    }
    const r = ranks.length;
    if (resampleRounds) {
      random.fillBelow(drawn, r, r);
      local.fill(0, 0, r);
      for (let i = 0; i < r; i++) {
        const j = drawn[i];
        local[j]++;
        counts[ranks[j]]++;
      }
    } else {
      local.fill(1, 0, r);
      for (let i = 0; i < r; i++) counts[ranks[i]]++;
    }
    drawMedians[m] = countsMedian(local, 0, r, r, ranks, sorted);
    total += r;
  }
  drawMedians.fill(NaN, draws.length); // a replicate of fewer blocks than the last leaves no stale medians behind
  out[MEDIAN] = countsMedian(counts, 0, sorted.length, total, identity, sorted);
  if (plan.upperFrom < 0) return;
  let lowN = 0;
  for (let i = 0; i < plan.upperFrom; i++) lowN += counts[i];
  out[BC] = countsMedian(counts, 0, plan.upperFrom, lowN, identity, sorted);
  out[WC] = countsMedian(counts, plan.upperFrom, sorted.length, total - lowN, identity, sorted);
  out[UPPER_SHARE] = total > 0 ? (total - lowN) / total : NaN;
}

function estimate(value: number, replicates: Float64Array, blocks: number): Estimate {
  if (blocks < MIN_BLOCKS_FOR_INTERVAL || !(value === value)) return { value, low: null, high: null };
  return { value, ...expandedPercentileInterval(replicates, INTERVAL_LEVEL, blocks) };
}

/**
 * The units a replicate draws, each a list of positions in `blocks`: the
 * blocks of each boot where boots held several blocks, else each block.
 */
function drawUnits(blocks: number[], bootOf?: ReadonlyMap<number, string>): number[][] {
  const byBoot = new Map<string, number[]>();
  blocks.forEach((b, i) => {
    const boot = bootOf?.get(b) || `block ${b}`; // a block whose boot is unknown stands alone
    byBoot.set(boot, [...(byBoot.get(boot) ?? []), i]);
  });
  const units = [...byBoot.values()];
  return units.length >= MIN_BLOCKS_FOR_INTERVAL ? units : blocks.map((_, i) => [i]);
}

/**
 * Every estimator of every cell of one host, with two-level bootstrap
 * intervals. Deterministic: the same trials and settings give the same
 * intervals, whatever the order of the cells. Cost: about
 * resamples × (all rounds of the host) draws. bootOf names the boot each
 * block ran in, where known (trials.csv's boot_id).
 */
export function blockBootstrap(cells: CellTrials[], settings: BootstrapSettings, bootOf?: ReadonlyMap<number, string>): HostEstimates {
  if (!(Number.isInteger(settings.resamples) && settings.resamples >= 1)) throw new RangeError(`blockBootstrap: ${settings.resamples} resamples`);
  const ids = new Set<string>();
  for (const cell of cells) {
    checkCell(cell);
    if (ids.has(cell.id)) throw new RangeError(`${cell.id}: the cell appears twice`);
    ids.add(cell.id);
  }
  const blocks = [...new Set(cells.flatMap((c) => [...c.trials.keys()]))].sort((a, b) => a - b);
  if (cells.length === 0) return { method: BLOCK_BOOTSTRAP_METHOD, blocks, resamples: settings.resamples, seed: settings.seed, cells: [] };
  const units = drawUnits(blocks, bootOf);
  const unitOf = new Int32Array(blocks.length);
  units.forEach((u, k) => u.forEach((i) => (unitOf[i] = k)));
  const longestDraw = units.length * Math.max(...units.map((u) => u.length));
  const plans = cells.map((c) => planCell(c, blocks, longestDraw, settings));
  const planIndex = new Map(cells.map((c, i) => [c.id, i]));
  for (const plan of plans) plan.plainIndex = plan.input.plain === undefined ? -1 : (planIndex.get(plan.input.plain) ?? -1);

  const K = blocks.length;
  const longestTrial = Math.max(...cells.flatMap((c) => [...c.trials.values()].map((t) => t.length)));
  const scratch: Scratch = {
    local: new Int32Array(longestTrial),
    drawn: new Int32Array(longestTrial),
    identity: Int32Array.from({ length: Math.max(...plans.map((p) => p.sorted.length)) }, (_, i) => i),
  };
  const allBlocks = Int32Array.from({ length: K }, (_, i) => i);
  const drawBuffer = new Int32Array(longestDraw);
  const unitDraws = new Int32Array(units.length);
  const cellOut = new Float64Array(CELL_VALUES);
  const pairedOut = new Float64Array(PAIRED_VALUES);

  // Point estimates: every block once, every round once.
  const points = plans.map((plan) => {
    cellOut.fill(NaN);
    evaluate(plan, allBlocks, false, scratch, cellOut);
    return { cell: Float64Array.from(cellOut), trialMedians: Float64Array.from(plan.drawMedians) };
  });

  const R = settings.resamples;
  const replicates: Replicates[] = plans.map(() => ({
    median: new Float64Array(R),
    bc: new Float64Array(R),
    wc: new Float64Array(R),
    upperShare: new Float64Array(R),
    ratio: new Float64Array(R),
    overheadCycles: new Float64Array(R),
    overheadPercent: new Float64Array(R),
  }));
  const blockRandom = new Xoshiro128(hash(`${settings.seed}/blocks`));
  for (let b = 0; b < R; b++) {
    blockRandom.fillBelow(unitDraws, units.length, units.length);
    let n = 0;
    for (const k of unitDraws) for (const i of units[k]) drawBuffer[n++] = i;
    const draws = drawBuffer.subarray(0, n);
    for (let c = 0; c < plans.length; c++) {
      cellOut.fill(NaN);
      evaluate(plans[c], draws, true, scratch, cellOut);
      const rep = replicates[c];
      rep.median[b] = cellOut[MEDIAN];
      rep.bc[b] = cellOut[BC];
      rep.wc[b] = cellOut[WC];
      rep.upperShare[b] = cellOut[UPPER_SHARE];
    }
    // Pairing after all cells, so that every traced cell sees the same redrawn plain trials.
    for (let c = 0; c < plans.length; c++) {
      const plainIndex = plans[c].plainIndex;
      if (plainIndex < 0) continue;
      pairedValues(plans[c].drawMedians, plans[plainIndex].drawMedians, pairedOut);
      const rep = replicates[c];
      rep.ratio[b] = pairedOut[RATIO];
      rep.overheadCycles[b] = pairedOut[OVERHEAD_CYCLES];
      rep.overheadPercent[b] = pairedOut[OVERHEAD_PERCENT];
    }
  }

  // An interval's sample size is that of the level drawn: boots, where blocks are drawn by boot.
  const unitsAt = (positions: number[]) => new Set(positions.map((i) => unitOf[i])).size;
  const results = plans.map((plan, c): CellEstimates => {
    const point = points[c].cell;
    const rep = replicates[c];
    const trials = plan.input.trials.size;
    const drawnUnits = unitsAt(blocks.flatMap((_, i) => (plan.byBlock[i] ? [i] : [])));
    const modes: ModeEstimates | null =
      plan.upperFrom < 0
        ? null
        : {
            bc: estimate(point[BC], rep.bc, drawnUnits),
            wc: estimate(point[WC], rep.wc, drawnUnits),
            upperShare: estimate(point[UPPER_SHARE], rep.upperShare, drawnUnits),
            bcRounds: plan.upperFrom,
            wcRounds: plan.sorted.length - plan.upperFrom,
          };
    let paired: PairedEstimates | null = null;
    if (plan.plainIndex >= 0) {
      const plainMedians = points[plan.plainIndex].trialMedians;
      pairedValues(points[c].trialMedians, plainMedians, pairedOut);
      const m = pairedOut[PAIRED_BLOCKS];
      const pairedUnits = unitsAt(blocks.flatMap((_, i) => (points[c].trialMedians[i] === points[c].trialMedians[i] && plainMedians[i] === plainMedians[i] ? [i] : [])));
      paired = {
        plain: plan.input.plain!,
        pairedBlocks: m,
        ratio: estimate(pairedOut[RATIO], rep.ratio, pairedUnits),
        overheadCycles: estimate(pairedOut[OVERHEAD_CYCLES], rep.overheadCycles, pairedUnits),
        overheadPercent: estimate(pairedOut[OVERHEAD_PERCENT], rep.overheadPercent, pairedUnits),
        blockTest: signedRankTest(pairedLogRatios(points[c].trialMedians, plainMedians)),
      };
    }
    return {
      id: plan.input.id,
      plain: plan.input.plain ?? null,
      trials,
      rounds: plan.sorted.length,
      median: estimate(point[MEDIAN], rep.median, drawnUnits),
      modes,
      paired,
      variance: trialComponents([...plan.input.trials.values()], bootOf && [...plan.input.trials.keys()].map((b) => bootOf.get(b) ?? "")),
    };
  });
  return { method: BLOCK_BOOTSTRAP_METHOD, blocks, resamples: R, seed: settings.seed, cells: results };
}
