/**
 * Precision-driven run length: blocks are added until every traced cell's
 * ratio is known to within a chosen fraction of itself, instead of running a
 * fixed number of trials that is too many for stable cells and too few for
 * noisy ones. The minimum number of blocks keeps the rule from stopping on
 * a few blocks that agree by chance (and the bootstrap's intervals from few
 * blocks are too narrow).
 */
import type { HostEstimates } from "./blockBootstrap.ts";

export interface PrecisionGoal {
  /** Largest acceptable half-width of the ratio's 95% interval, as a fraction of the ratio (0.05: ±5%). */
  relativeHalfWidth: number;
  /** No stop before every traced cell has this many paired blocks. */
  minBlocks: number;
}

export const DEFAULT_PRECISION: PrecisionGoal = { relativeHalfWidth: 0.05, minBlocks: 10 };

/** A traced cell that keeps the run going. */
export interface ImpreciseCell {
  cell: string;
  pairedBlocks: number;
  /** (high − low) ÷ 2 ÷ ratio of its ratio interval; null when it has no interval (no plain cell, or too few blocks). */
  relativeHalfWidth: number | null;
}

/** The traced cells (those naming a plain cell) that do not yet meet the goal, in the host's order. */
export function impreciseCells(host: HostEstimates, goal: PrecisionGoal = DEFAULT_PRECISION): ImpreciseCell[] {
  const imprecise: ImpreciseCell[] = [];
  for (const cell of host.cells) {
    if (cell.plain === null) continue;
    const ratio = cell.paired?.ratio;
    const pairedBlocks = cell.paired?.pairedBlocks ?? 0;
    const halfWidth = ratio && ratio.low !== null && ratio.high !== null ? (ratio.high - ratio.low) / 2 / ratio.value : null;
    if (pairedBlocks < goal.minBlocks || halfWidth === null || halfWidth > goal.relativeHalfWidth) {
      imprecise.push({ cell: cell.id, pairedBlocks, relativeHalfWidth: halfWidth });
    }
  }
  return imprecise;
}

/** Whether the host may stop adding blocks: at least minBlocks blocks, and no imprecise traced cell. */
export function precise(host: HostEstimates, goal: PrecisionGoal = DEFAULT_PRECISION): boolean {
  return host.blocks.length >= goal.minBlocks && impreciseCells(host, goal).length === 0;
}
