import { it } from "node:test";
import assert from "node:assert/strict";
import { compareRuns, type RunSamples } from "../scripts/analyze/compareRuns.ts";
import { comparisonText } from "../scripts/render/compareReport.ts";
import type { Call } from "../scripts/model/vocabulary.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { microKind } from "../scripts/kinds/micro/index.ts";
import { microCell, microManifest, roundsOf, writeMicroRun } from "./support/syntheticRun.ts";

/** A run on one host with the given calls (write, invalid fd, plain), each round costing cycles(round). */
function run(dir: string, host: string, calls: Call[], cycles: (call: Call, round: number) => number): RunSamples {
  const cells = calls.map((call) => microCell(host, { call, fd: "invalid", tracer: "none", placement: "unpinned" }, { trials: 1, rounds: 40 }));
  const samples = cells.map((c) => ({ host, name: c.id.slice(host.length + 1), samples: Array.from({ length: 40 }, (_, i) => cycles(c.call, i)) }));
  return { dir, manifest: microManifest(cells, { runId: dir, analysis: { bootstrapResamples: 500, seed: 3 } }), run: { sample: "cycles, one per round", cells: samples } };
}

const jitter = (round: number) => (round * 7) % 13;

it("compare: matches cells across two single-host runs and reports B/A only where its interval leaves out 1", () => {
  const a = run("runA", "laptop", ["write", "close", "open"], (_, r) => 1000 + jitter(r));
  const b = run("runB", "lab", ["write", "close", "getppid"], (call, r) => (call === "write" ? 2000 : 1000) + jitter(r));
  const c = compareRuns(a, b);
  assert.equal(c.matchedByHost, false);
  assert.deepEqual(c.cells.map((cell) => cell.cell), ["write/invalid/none/unpinned", "close/invalid/none/unpinned"]);
  const [write, close] = c.cells;
  assert.equal(write.medianA, 1006);
  assert.equal(write.medianB, 2006);
  assert.ok(write.changed && write.ratioInterval.low > 1.9 && write.ratioInterval.high < 2.1, JSON.stringify(write.ratioInterval));
  assert.ok(write.p < 1e-10);
  assert.equal(close.ratio, 1);
  assert.equal(close.changed, false);
  assert.deepEqual(c.onlyInA, ["open/invalid/none/unpinned"]);
  assert.deepEqual(c.onlyInB, ["getppid/invalid/none/unpinned"]);

  const text = comparisonText(c);
  assert.match(text, /500 resamples, seed 3/, "run A's recorded bootstrap settings");
  assert.match(text, /^write\/invalid\/none\/unpinned\s+1,006\s+2,006\s+1\.994\s+\S+ – \S+\s+< 0\.001\s+\+99\.4%$/m);
  assert.match(text, /^close\/invalid\/none\/unpinned\s+1,006\s+1,006\s+1\.000\s+.*\s~$/m);
  assert.match(text, /only in A \(1\): open\/invalid\/none\/unpinned/);
});

it("compare: keeps the host in the match when a run measured several hosts", () => {
  const a = run("runA", "h1", ["write"], () => 1000);
  a.manifest.cells.push({ ...a.manifest.cells[0], id: "h2/write/invalid/none/unpinned", host: "h2" });
  const b = run("runB", "h2", ["write"], () => 1000);
  const c = compareRuns(a, b);
  assert.equal(c.matchedByHost, true);
  assert.deepEqual(c.cells, [], "h2 has no rounds in run A");
  assert.deepEqual(c.onlyInB, ["h2/write/invalid/none/unpinned"]);
});

it("compare takes a micro run's trial medians as its samples: the process is the unit of replication", () => {
  const dir = mkdtempSync(join(tmpdir(), "tracetax-compare-"));
  try {
    const cell = microCell("box", { call: "getppid", fd: "valid", tracer: "none", placement: "unpinned" }, { trials: 3, rounds: 5 });
    writeMicroRun(dir, microManifest([cell]), roundsOf(cell, (trial, round) => 1000 * trial + round));
    const run = microKind.comparable(dir, microManifest([cell]));
    assert.match(run.sample, /the median of each trial/);
    assert.deepEqual(run.cells, [{ host: "box", name: "getppid/valid/none/unpinned", samples: [1003, 2003, 3003] }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
