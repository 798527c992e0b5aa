import { after, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reproducibility } from "../scripts/analyze/reproducibility.ts";
import { tracetax } from "./support/cli.ts";
import { removeDir, tempDir } from "./support/native.ts";
import { microCell, summaryRowOf } from "./support/syntheticRun.ts";

const dir = tempDir("reproduce");
after(() => removeDir(dir));

const plain = microCell("h", { call: "write", fd: "invalid", tracer: "none", placement: "unpinned" }, { trials: 10, rounds: 51 });
const traced = microCell("h", { call: "write", fd: "invalid", tracer: "ptrace", placement: "unpinned" }, { trials: 10, rounds: 51 });

/** One run's summary: the plain median and the traced ratio, each with an interval of ± half its width. */
const run = (plainMedian: number, ratio: number, width: number) => [
  summaryRowOf(plain, { median: plainMedian, median_ci_low: plainMedian - width / 2, median_ci_high: plainMedian + width / 2 }),
  summaryRowOf(traced, { median: plainMedian * ratio, ratio, ratio_ci_low: ratio - width / 100, ratio_ci_high: ratio + width / 100 }),
];

it("reproducibility: spread, coverage and the runs level of constructed runs", () => {
  // Three runs: medians 100, 110, 120 with intervals ±10 — run 1 covers run 2 only, run 2 covers both, run 3 covers run 2.
  const r = reproducibility([run(100, 10, 20), run(110, 11, 20), run(120, 12, 20)]);
  const [p, t] = r.cells;
  assert.equal(p.cell, "h/write/invalid/none/unpinned");
  assert.deepEqual(p.median!.values, [100, 110, 120]);
  assert.ok(Math.abs(p.median!.spread - 20 / 110) < 1e-12);
  assert.equal(p.median!.components.crossCoverage, 4 / 6);
  assert.equal(p.ratio, null, "a plain cell has no ratio");
  assert.deepEqual(t.ratio!.values, [10, 11, 12]);
  assert.equal(t.ratio!.components.crossCoverage, 0, "ratio intervals of ±0.2 cover no other run");
  assert.equal(r.ratioCoverage, 0);
  assert.ok(Math.abs(r.ratioSpread!.max - 2 / 11) < 1e-12);
  // The traced cell's medians carry no interval here, so it has no median across runs: the plain cell's 4 of 6 are all.
  assert.equal(t.median, null);
  assert.equal(r.medianCoverage, 4 / 6);
  // Runs 10% apart with intervals of ±2%: almost all of the variation lies between runs.
  assert.ok(r.ratioLevels!.betweenRuns > 0.08 && r.ratioLevels!.withinRun < 0.02, JSON.stringify(r.ratioLevels));
});

it("tracetax reproduce runs a spec N times and writes what agreed", () => {
  const spec = join(dir, "tiny.yaml");
  writeFileSync(spec, "name: tiny\ntitle: tiny\ncalls: [getppid]\nfds: [valid]\nmechanisms: [none, seccomp-allow]\nrounds: 21\ntrials: 3\n");
  const r = tracetax(["reproduce", spec, "--runs", "2", "--results", join(dir, "results"), "--quiet"]);
  assert.equal(r.status, 0, r.stderr);
  const runs = [...r.stdout.matchAll(/^results: (.+)$/gm)].map((m) => m[1]);
  assert.equal(runs.length, 2);
  assert.ok(runs.every((d) => existsSync(join(d, "summary.csv"))));
  const out = /^reproducibility: (.+)$/m.exec(r.stdout)![1];
  const json = JSON.parse(readFileSync(join(out, "reproducibility.json"), "utf8"));
  assert.deepEqual(json.runDirs, runs);
  assert.equal(json.cells.length, 2);
  assert.match(r.stdout, /coverage: one run's 95% interval holds another run's estimate in \d+% of \(cell, run, run\) for medians/);
  assert.match(readFileSync(join(out, "reproducibility.csv"), "utf8"), /^cell,bimodal,median_1,median_2,ratio_1,ratio_2,/);
  const refused = tracetax(["reproduce", "experiments/provos2002.yaml", "--runs", "2", "--results", join(dir, "no")]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /reproduce compares the intervals of micro runs; this is a macro spec/);
});
