import { it } from "node:test";
import assert from "node:assert/strict";
import { blockOrder } from "../scripts/plan/blockOrder.ts";

const cells = Array.from({ length: 12 }, (_, i) => `cell-${i}`);

it("a block's order is a permutation of the host's cells that its seed, host and block fix", () => {
  const order = blockOrder(cells, 1234, "local", 3);
  assert.deepEqual([...order].sort(), [...cells].sort(), "every cell once");
  assert.deepEqual(blockOrder(cells, 1234, "local", 3), order, "the same seed gives the same order");
  assert.notDeepEqual(order, cells, "not the plan's order");
  assert.notDeepEqual(blockOrder(cells, 1234, "local", 4), order, "another block, another order");
  assert.notDeepEqual(blockOrder(cells, 1235, "local", 3), order, "another run's seed, another order");
  assert.notDeepEqual(blockOrder(cells, 1234, "lab", 3), order, "another host, another order");
});

it("over many blocks every cell takes every position about equally often: no cell is always first", () => {
  const firsts = new Map<string, number>();
  for (let block = 1; block <= 1200; block++) {
    const first = blockOrder(cells, 99, "local", block)[0];
    firsts.set(first, (firsts.get(first) ?? 0) + 1);
  }
  assert.equal(firsts.size, cells.length);
  // 100 expected per cell; a fair shuffle stays within ±45 with overwhelming probability.
  for (const [cell, n] of firsts) assert.ok(n > 55 && n < 145, `${cell} first ${n} times of 1200`);
});
