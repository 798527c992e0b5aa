import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cellId } from "../scripts/model/cell.ts";
import { type MicroManifest } from "../scripts/model/manifest.ts";
import { readRawCsv } from "../scripts/results/rawCsv.ts";
import { startTracetax, tracetax } from "./support/cli.ts";
import { ended, removeDir, tempDir } from "./support/native.ts";

const dir = tempDir("resume");
after(() => removeDir(dir));

const ROUNDS = 1500;
const TRIALS = 2;
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

/** Start a run, wait until some of its cells are done, then send it a signal. */
async function interruptedRun(results: string, signal: NodeJS.Signals): Promise<{ runDir: string; exit: number | NodeJS.Signals }> {
  const run = startTracetax(["run", spec, "--results", results, "--report-root", join(dir, "reports"), "--quiet"]);
  let runDir = "";
  for (let i = 0; i < 600; i++) {
    const runs = existsSync(results) ? readdirSync(results).filter((d) => d !== "reference") : [];
    if (runs.length === 1) {
      runDir = join(results, runs[0]);
      const done = existsSync(join(runDir, "manifest.json")) ? manifestOf(runDir).cells.filter((c) => c.status === "done").length : 0;
      if (done >= 3) break;
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

/** Every cell done, each with exactly its trials × rounds rows, each round once. */
function assertEveryCellOnce(runDir: string): void {
  const manifest = manifestOf(runDir);
  assert.equal(manifest.state, "complete");
  const raw = readRawCsv(join(runDir, "raw.csv"));
  for (const cell of manifest.cells) {
    assert.equal(cell.status, "done", `${cell.id}: ${cell.reason}`);
    const rows = raw.filter((r) => cellId(r) === cell.id);
    assert.equal(rows.length, TRIALS * ROUNDS, cell.id);
    assert.equal(new Set(rows.map((r) => `${r.trial}/${r.round}`)).size, TRIALS * ROUNDS, `${cell.id}: a round twice`);
  }
  assert.equal(raw.length, manifest.cells.length * TRIALS * ROUNDS);
}

function resume(runDir: string) {
  const r = tracetax(["run", spec, "--resume", runDir, "--report-root", join(dir, "reports"), "--quiet"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split("\n")[0], `results: ${runDir}`);
}

test("Ctrl-C stops cleanly and says where; --resume measures only the missing cells", async () => {
  const { runDir, exit } = await interruptedRun(join(dir, "sigint"), "SIGINT");
  assert.equal(exit, 1);
  const stopped = manifestOf(runDir);
  assert.equal(stopped.state, "incomplete");
  assert.match(stopped.stoppedBecause!, /stopped on request/);
  const doneBefore = stopped.cells.filter((c) => c.status === "done").map((c) => c.id);
  assert.ok(doneBefore.length >= 3 && doneBefore.length < stopped.cells.length);
  const rowsBefore = readRawCsv(join(runDir, "raw.csv"));
  assert.equal(rowsBefore.length, doneBefore.length * TRIALS * ROUNDS, "the interrupted cell left no rows");

  resume(runDir);
  assertEveryCellOnce(runDir);
  const after = manifestOf(runDir);
  assert.equal(after.resumedAt?.length, 1);
  const rowsAfter = readRawCsv(join(runDir, "raw.csv"));
  for (const id of doneBefore) {
    const cycles = (rows: typeof rowsAfter) => rows.filter((r) => cellId(r) === id).map((r) => r.cycles).join(",");
    assert.equal(cycles(rowsAfter), cycles(rowsBefore), `${id} was not measured again`);
  }
});

test("a run killed outright is resumed the same way", async () => {
  const { runDir, exit } = await interruptedRun(join(dir, "sigkill"), "SIGKILL");
  assert.equal(exit, "SIGKILL");
  assert.equal(manifestOf(runDir).state, "running", "a killed run could not say it stopped");
  resume(runDir);
  assertEveryCellOnce(runDir);
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
