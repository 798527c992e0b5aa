import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cellId } from "../scripts/model/cell.ts";
import { type MicroManifest } from "../scripts/model/manifest.ts";
import { readTrialsCsv } from "../scripts/results/trialsCsv.ts";
import { padBytes } from "../scripts/run/measureCells.ts";
import { tracetax } from "./support/cli.ts";
import { BUILD_DIR, buildNative, removeDir, runDriver, tempDir } from "./support/native.ts";

// What tt-driver says about each trial beside its cycles: the environment
// padding it was given and the host's "#noise" facts, and how they reach
// trials.csv. Nothing here depends on how fast anything ran.

let scratch: string;

before(() => {
  buildNative();
  scratch = tempDir("trial-facts");
});
after(() => removeDir(scratch));

const BOOT_ID = () => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

const driver = (batch: string, buildDir = BUILD_DIR, scratchDir = join(scratch, "driver")) => runDriver(batch, { scratch: scratchDir, buildDir, timeoutMs: 60_000 });

/** Each "#noise ID TRIAL key=value ..." line of a driver's output, with its place among the lines. */
function noiseLines(lines: string[]) {
  return lines.flatMap((line, at) => {
    if (!line.startsWith("#noise ")) return [];
    const [, id, trial, ...pairs] = line.split(" ");
    return [{ at, id, trial: Number(trial), facts: Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)])) }];
  });
}

/** The CPUs this process may run on, in order: the driver, its child, takes the first two for its placements. */
function allowedCpus(): number[] {
  const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync("/proc/self/status", "utf8"))![1];
  return list.split(",").flatMap((range) => {
    const [first, last = first] = range.split("-").map(Number);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  });
}

test("the benchmark's environment carries TT_PAD of exactly PAD_BYTES bytes, echoed in the #noise line", () => {
  // A tt-syscall that notes the padding it was started with, then runs the real one.
  const build = join(scratch, "pad-build");
  const log = join(scratch, "pad.log");
  mkdirSync(build);
  writeFileSync(
    join(build, "tt-syscall"),
    `#!/bin/sh\necho "\${#TT_PAD} $(printf '%s' "$TT_PAD" | tr -d x | wc -c)" >> "${log}"\nexec "${BUILD_DIR}/tt-syscall" "$@"\n`,
  );
  chmodSync(join(build, "tt-syscall"), 0o755);
  const pads = [null, 0, 1, 4095, 65536];
  const batch = pads.map((pad, i) => `p${i} getppid valid none unpinned 1 3 0${pad === null ? "" : ` ${pad}`}\n`).join("");
  const r = driver(batch, build);
  assert.equal(r.status, 0, r.stderr);
  const noise = noiseLines(r.stdout.split("\n"));
  assert.deepEqual(
    readFileSync(log, "utf8").trim().split("\n"),
    pads.map((pad) => `${pad ?? 0} 0`),
    "TT_PAD's length, and how many of its bytes are not 'x'",
  );
  assert.deepEqual(noise.map((n) => [n.id, n.facts.pad_bytes]), pads.map((pad, i) => [`p${i}`, String(pad ?? 0)]));
});

test("a malformed batch line stops the driver before anything runs, naming the line and the field", () => {
  const good = "ok getppid valid none unpinned 1 3 0\n";
  for (const [bad, message] of [
    ["x getppid valid none unpinned 1 3 0 -1", /line 3: field 9 \(PAD_BYTES\) must be an integer from 0 to 65536, got "-1"/],
    ["x getppid valid none unpinned 1 3 0 65537", /line 3: field 9 \(PAD_BYTES\) must be an integer from 0 to 65536, got "65537"/],
    ["x getppid valid none unpinned 1 0 0", /line 3: field 7 \(ROUNDS\) must be an integer >= 1, got "0"/],
    ["x getppid valid none unpinned 1 3", /line 3: 7 fields, expected ID CALL FD TRACER PLACEMENT TRIALS ROUNDS WARMUP \[PAD_BYTES\]/],
  ] as const) {
    const dir = join(scratch, "never-made");
    const r = driver(`${good}# a comment\n${bad}\n${good}`, BUILD_DIR, dir);
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, message, bad);
    assert.match(r.stderr, /^tt-driver: batch on standard input, line 3: /, bad);
    assert.equal(r.stdout, "", `${bad}: nothing measured`);
    assert.equal(existsSync(dir), false, `${bad}: no scratch directory made`);
  }
});

test("each trial's #noise line follows its rounds and says where and how its processes ran, read from them as zombies", () => {
  const cpus = allowedCpus();
  assert.ok(cpus.length >= 2, `this test places processes on two CPUs; this process may use ${cpus.join(",")}`);
  const r = driver("plain getppid valid none pinned 2 5 0\ntraced getppid valid ptrace cross-cpu 1 5 0\n");
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split("\n");
  const noise = noiseLines(lines);
  assert.deepEqual(noise.map((n) => `${n.id}#${n.trial}`), ["plain#1", "plain#2", "traced#1"], "one line per trial");
  for (const n of noise) {
    const what = `${n.id} trial ${n.trial}`;
    const lastRound = lines.map((l) => l.startsWith(`${n.id},${n.trial},`)).lastIndexOf(true);
    const end = lines.findIndex((l) => l === `#cell ${n.id} done`);
    assert.ok(lastRound >= 0 && lastRound < n.at && n.at < end, `${what}: after its rounds, before the end line`);
    // Pinned to the first CPU: the last one it ran on, as the zombie's /proc/PID/stat says.
    assert.equal(n.facts.bench_cpu, String(cpus[0]), what);
    // It waited for the driver twice, so it was switched out at least twice.
    assert.ok(Number(n.facts.bench_switches) >= 2, `${what}: ${n.facts.bench_switches} switches`);
    assert.match(n.facts.bench_migrations ?? "", /^\d+$/, what);
    assert.match(n.facts.bench_rq_ns ?? "", /^\d+$/, what);
    assert.match(n.facts.steal_ticks ?? "", /^\d+$/, what);
    assert.equal(n.facts.boot_id, BOOT_ID(), what);
  }
  const [plain, , traced] = noise;
  assert.deepEqual(Object.keys(plain.facts).filter((k) => k.startsWith("tracer_")), [], "no tracer, no tracer_* keys");
  assert.equal(traced.facts.tracer_cpu, String(cpus[1]), "cross-cpu: the tracer on the second CPU");
  assert.ok(Number(traced.facts.tracer_switches) >= 2 * 5, `a tracer woken at every stop: ${traced.facts.tracer_switches} switches`);
  assert.match(traced.facts.tracer_migrations ?? "", /^\d+$/);
  assert.match(traced.facts.tracer_rq_ns ?? "", /^\d+$/);
});

test("a run pads each (cell, trial) as drawn from its order seed and records the noise facts in trials.csv", () => {
  const spec = join(scratch, "tiny.yaml");
  writeFileSync(spec, "name: tiny\ntitle: tiny\ncalls: [getppid]\nfds: [valid]\nmechanisms: [none, ptrace]\nplacements: [unpinned]\nrounds: 5\ntrials: 2\n");
  const r = tracetax(["run", spec, "--results", join(scratch, "results"), "--no-report", "--quiet"]);
  assert.equal(r.status, 0, r.stderr);
  const runDir = /^results: (.+)$/m.exec(r.stdout)![1];
  const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MicroManifest;
  assert.equal(manifest.hosts.local.aslr, Number(readFileSync("/proc/sys/kernel/randomize_va_space", "utf8")));
  const trials = readTrialsCsv(runDir);
  assert.equal(trials.length, 4);
  for (const t of trials) {
    const what = `${t.tracer} trial ${t.trial}`;
    assert.equal(t.pad_bytes, padBytes(manifest.settings.orderSeed!, "local", cellId(t), t.trial), what);
    assert.ok(t.pad_bytes! >= 0 && t.pad_bytes! < 4096, what);
    assert.ok(t.bench_cpu !== null && t.bench_switches! >= 2 && t.bench_migrations !== null && t.bench_rq_ns !== null, what);
    assert.ok(t.steal_ticks !== null && t.steal_ticks >= 0, what);
    assert.equal(t.boot_id, BOOT_ID(), what);
    const traced = t.tracer === "ptrace";
    for (const v of [t.tracer_cpu, t.tracer_switches, t.tracer_migrations, t.tracer_rq_ns]) assert.equal(v !== null, traced, what);
  }
  assert.ok(new Set(trials.map((t) => t.pad_bytes)).size > 1, "the padding varies between trials");
});
