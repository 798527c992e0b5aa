import { test } from "node:test";
import assert from "node:assert/strict";
import { describe } from "../scripts/analyze/describe.ts";
import { splitModes } from "../scripts/analyze/modes.ts";
import { overheadCycles, overheadPercent } from "../scripts/analyze/overhead.ts";
import { summarizeRun } from "../scripts/analyze/analyzeRun.ts";
import { type CellRecord } from "../scripts/model/cell.ts";
import type { RawRow } from "../scripts/results/rawCsv.ts";
import { formatSummaryCsv } from "../scripts/results/summaryCsv.ts";
import { microCell } from "./support/syntheticRun.ts";

test("describe: order statistics of known samples", () => {
  // Quartiles by linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default).
  assert.deepEqual(describe([5, 1, 3]), { n: 3, median: 3, q1: 2, q3: 4, min: 1, max: 5 });
  const d = describe([10, 20, 30, 40, 50, 60, 70, 80]);
  assert.equal(d.median, 45);
  assert.equal(d.q1, 27.5);
  assert.equal(d.q3, 62.5);
  assert.equal(d.min, 10);
  assert.equal(d.max, 80);
  assert.throws(() => describe([]));
});

test("overhead in cycles and percent of plain", () => {
  assert.equal(overheadCycles(3000, 1000), 2000);
  assert.equal(overheadPercent(3000, 1000), 200);
  assert.equal(overheadPercent(1000, 1000), 0);
  assert.equal(overheadPercent(500, 1000), -50);
});

// 70 rounds near 1000 cycles, 30 near 5000: clearly two modes.
const lower = Array.from({ length: 70 }, (_, i) => 950 + i);
const upper = Array.from({ length: 30 }, (_, i) => 4900 + 10 * i);

test("wc/bc: a clearly bimodal sample splits into its two modes", () => {
  const m = splitModes([...upper, ...lower]);
  assert.equal(m.bimodal, true);
  assert.equal(m.bcN, 70);
  assert.equal(m.wcN, 30);
  assert.equal(m.bcMedian, 984.5); // median of 950..1019
  assert.equal(m.wcMedian, 5045); // median of 4900..5190 step 10
});

test("wc/bc: a mode under 10% of rounds does not count", () => {
  const m = splitModes([...Array.from({ length: 95 }, (_, i) => 1000 + i), 9000, 9100, 9200, 9300, 9400]);
  assert.equal(m.bimodal, false);
  assert.equal(m.bcMedian, m.wcMedian);
  assert.equal(m.bcMedian, 1049.5); // median of all 100 rounds
});

test("wc/bc: modes closer than 1.5x are one mode", () => {
  const m = splitModes([...Array.from({ length: 50 }, () => 1000), ...Array.from({ length: 50 }, () => 1400)]);
  assert.equal(m.bimodal, false);
  assert.equal(m.bcMedian, 1200);
  assert.equal(m.wcMedian, 1200);
});

test("wc/bc: a constant sample is unimodal", () => {
  assert.deepEqual(splitModes([7, 7, 7]), { bimodal: false, bcMedian: 7, bcN: 3, wcMedian: 7, wcN: 3 });
});

function rows(cell: Omit<CellRecord, "id" | "trials" | "rounds" | "warmup" | "status">, cycles: number[]): RawRow[] {
  return cycles.map((c, i) => ({ ...cell, trial: 1 + (i % 2), round: 1 + Math.floor(i / 2), cycles: c, result: "EBADF" }));
}

function record(host: string, tracer: CellRecord["tracer"], placement: CellRecord["placement"], status: CellRecord["status"] = "done"): CellRecord {
  return { ...microCell(host, { call: "write", fd: "invalid", tracer, placement }, { trials: 2, rounds: 3, status }), timerOverheadCycles: [40, 44] };
}

test("summary: a traced cell is compared with the plain cell of the same pinning", () => {
  const cells = [
    record("h", "none", "unpinned"),
    record("h", "none", "pinned"),
    record("h", "ptrace", "unpinned"),
    record("h", "ptrace", "same-cpu"),
    record("h", "systrace", "unpinned", "skipped"),
  ];
  const raw = [
    ...rows(cells[0], [100, 100, 100, 100, 100, 100]),
    ...rows(cells[1], [200, 200, 200, 200, 200, 200]),
    ...rows(cells[2], [1000, 1000, 1000, 5000, 5000, 1000]),
    ...rows(cells[3], [600, 600, 600, 600, 600, 600]),
  ];
  const summary = summarizeRun(cells, raw, { hosts: {}, analysis: { bootstrapResamples: 200, seed: 1 }, precision: 0.05, trials: [] });
  assert.equal(summary.length, 4, "skipped cells have no summary row");
  const [plain, , unpinned, same] = summary;
  assert.equal(plain.overhead_cycles, null);
  assert.equal(plain.timer_overhead, 42);
  assert.equal(plain.trials, 2);
  assert.equal(unpinned.plain_median, 100);
  assert.equal(unpinned.median, 1000);
  assert.equal(unpinned.overhead_cycles, 900);
  assert.equal(unpinned.overhead_percent, 900);
  assert.equal(unpinned.bimodal, true);
  assert.equal(unpinned.wc_median, 5000);
  assert.equal(unpinned.wc_overhead_percent, 4900);
  assert.equal(unpinned.bc_overhead_cycles, 900);
  assert.equal(same.plain_median, 200, "same-cpu is compared with the pinned plain cell");
  assert.equal(same.overhead_percent, 200);
  const csv = formatSummaryCsv(summary).split("\n");
  assert.match(csv[0], /^host,call,fd,tracer,placement,trials,n,median,q1,q3,min,max,timer_overhead,plain_median,overhead_cycles,overhead_percent,/);
  assert.match(csv[1], /^h,write,invalid,none,unpinned,2,6,100,/);
});
