import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cellId } from "../scripts/model/cell.ts";
import { type MicroManifest } from "../scripts/model/manifest.ts";
import { blockOrder } from "../scripts/plan/blockOrder.ts";
import { readRawCsv } from "../scripts/results/rawCsv.ts";
import { readTrialsCsv } from "../scripts/results/trialsCsv.ts";
import { startTracetax, tracetax } from "./support/cli.ts";
import { ended, removeDir, tempDir } from "./support/native.ts";

const dir = tempDir("resume");
after(() => removeDir(dir));

const ROUNDS = 1500;
const TRIALS = 3;
const CELLS = 12;
const spec = join(dir, "slow.yaml");
writeFileSync(
  spec,
  `name: slow\ntitle: long enough to interrupt\ncalls: [open, write, close]\nfds: [valid, invalid]\nmechanisms: [none, ptrace]\nplacements: [unpinned]\nrounds: ${ROUNDS}\ntrials: ${TRIALS}\n`,
);

const manifestOf = (runDir: string) => JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MicroManifest;

/** Processes still running for a run: the driver and benchmark name the run id in their scratch path. */
function processesOf(runId: string): string[] {
  return readdirSync("/proc").filter((p) => {
    try {
      return /^\d+$/.test(p) && readFileSync(`/proc/${p}/cmdline`, "utf8").includes(runId);
    } catch {
      return false;
    }
  });
}

/** Start a run, wait until it is in the middle of its second block, then send it a signal. */
async function interruptedRun(results: string, signal: NodeJS.Signals): Promise<{ runDir: string; exit: number | NodeJS.Signals }> {
  const run = startTracetax(["run", spec, "--results", results, "--report-root", join(dir, "reports"), "--quiet"]);
  let runDir = "";
  for (let i = 0; i < 600; i++) {
    const runs = existsSync(results) ? readdirSync(results).filter((d) => d !== "reference") : [];
    if (runs.length === 1) {
      runDir = join(results, runs[0]);
      if (readTrialsCsv(runDir).length >= CELLS + 2) break;
    }
    await sleep(50);
  }
  assert.ok(runDir, "the run started");
  run.kill(signal);
  const exit = await ended(run);
  const runId = manifestOf(runDir).runId;
  for (let i = 0; i < 300 && processesOf(runId).length > 0; i++) await sleep(100);
  assert.deepEqual(processesOf(runId), [], "no benchmark, tracer or driver of the run is left");
  return { runDir, exit };
}

/** Every cell done, every (cell, trial) once in trials.csv with its rounds once each in raw.csv. */
function assertEveryTrialOnce(runDir: string): void {
  const manifest = manifestOf(runDir);
  assert.equal(manifest.state, "complete");
  const raw = readRawCsv(join(runDir, "raw.csv"));
  const trials = readTrialsCsv(runDir);
  for (const cell of manifest.cells) {
    assert.equal(cell.status, "done", `${cell.id}: ${cell.reason}`);
    assert.deepEqual(trials.filter((t) => cellId(t) === cell.id).map((t) => t.trial).sort(), [1, 2, 3], `${cell.id}: each trial once`);
    const rows = raw.filter((r) => cellId(r) === cell.id);
    assert.equal(rows.length, TRIALS * ROUNDS, cell.id);
    assert.equal(new Set(rows.map((r) => `${r.trial}/${r.round}`)).size, TRIALS * ROUNDS, `${cell.id}: a round twice`);
  }
  assert.equal(raw.length, CELLS * TRIALS * ROUNDS);
  assert.equal(tracetax(["verify", runDir]).status, 0);
}

/** The cycles of each trial finished before, to check that resuming leaves them as they were. */
function trialCycles(runDir: string, finished: string[]): string[] {
  const raw = readRawCsv(join(runDir, "raw.csv"));
  return finished.map((unit) => raw.filter((r) => `${cellId(r)}#${r.trial}` === unit).map((r) => r.cycles).join(","));
}

function resume(runDir: string) {
  const r = tracetax(["run", spec, "--resume", runDir, "--report-root", join(dir, "reports"), "--quiet"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split("\n")[0], `results: ${runDir}`);
}

test("Ctrl-C mid-block stops cleanly and says where; --resume measures only the missing trials, in their places", async () => {
  const { runDir, exit } = await interruptedRun(join(dir, "sigint"), "SIGINT");
  assert.equal(exit, 1);
  const stopped = manifestOf(runDir);
  assert.equal(stopped.state, "incomplete");
  assert.match(stopped.stoppedBecause!, /stopped on request/);
  assert.ok(stopped.cells.every((c) => c.status === "pending"), "no cell has all its trials yet");
  const finished = readTrialsCsv(runDir).map((t) => `${cellId(t)}#${t.trial}`);
  assert.ok(finished.length > CELLS && finished.length < CELLS * TRIALS, `${finished.length} trials finished`);
  assert.equal(readRawCsv(join(runDir, "raw.csv")).length, finished.length * ROUNDS, "the interrupted trial left no rows");
  const before = trialCycles(runDir, finished);

  resume(runDir);
  assertEveryTrialOnce(runDir);
  assert.equal(manifestOf(runDir).resumedAt?.length, 1);
  assert.deepEqual(trialCycles(runDir, finished), before, "trials finished before were not measured again");
  // Block 2 went on in the order the run's seed gives it: the trials measured after the restart took the places the stop left.
  const manifest = manifestOf(runDir);
  const block2 = readTrialsCsv(runDir).filter((t) => t.block === 2).sort((a, b) => a.position - b.position);
  assert.deepEqual(block2.map((t) => cellId(t)), blockOrder(manifest.cells, manifest.settings.orderSeed!, "local", 2).map((c) => c.id));
  assert.deepEqual(block2.map((t) => t.position), Array.from({ length: CELLS }, (_, i) => i + 1));
});

test("a run killed outright mid-block is resumed the same way", async () => {
  const { runDir, exit } = await interruptedRun(join(dir, "sigkill"), "SIGKILL");
  assert.equal(exit, "SIGKILL");
  assert.equal(manifestOf(runDir).state, "running", "a killed run could not say it stopped");
  resume(runDir);
  assertEveryTrialOnce(runDir);
});

test("resume refuses a different spec, changed settings and a finished run, writing nothing", async () => {
  const results = join(dir, "finished");
  const r = tracetax(["run", spec, "--rounds", "3", "--results", results, "--no-report", "--quiet"]);
  assert.equal(r.status, 0, r.stderr);
  const runDir = /^results: (.+)$/m.exec(r.stdout)![1];
  const before = readFileSync(join(runDir, "manifest.json"), "utf8");
  const other = join(dir, "other.yaml");
  writeFileSync(other, readFileSync(spec, "utf8").replace("title: long", "title: other"));
  const refusals: [string[], RegExp][] = [
    [[other, "--resume", runDir], /other\.yaml: not the spec run .* was started with/],
    [[spec, "--resume", runDir, "--rounds", "9"], /--rounds 9: run .* measures 3 rounds/],
    [[spec, "--resume", runDir], /nothing to resume/],
  ];
  for (const [args, message] of refusals) {
    const refused = tracetax(["run", ...args, "--no-report"]);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, message);
  }
  assert.equal(readFileSync(join(runDir, "manifest.json"), "utf8"), before);
});
