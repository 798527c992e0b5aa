import { createHash } from "node:crypto";
import { seededRandom } from "../model/random.ts";

/**
 * The order block k runs a host's cells in: a permutation drawn from the
 * run's order seed, the host and the block, so the same seed gives the same
 * order (a resumed run measures a trial again in its place) and every block
 * a fresh one (no cell is always first, or always after the same cell).
 */
export function blockOrder<T>(cells: T[], orderSeed: number, host: string, block: number): T[] {
  const seed = createHash("sha256").update(`${orderSeed}/${host}/${block}`).digest().readUInt32LE(0);
  const random = seededRandom(seed);
  const order = [...cells];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
