import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { median } from "simple-statistics";
import { readRawCsv } from "../scripts/results/rawCsv.ts";
import { type MicroManifest } from "../scripts/model/manifest.ts";
import { MECHANISM_NAMES } from "../scripts/model/vocabulary.ts";
import { tracetax } from "./support/cli.ts";
import { attachTracer, BUILD_DIR, buildNative, ended, killAll, processState, removeDir, runDriver, startBenchmark, tempDir, tracerPid, waitForLine } from "./support/native.ts";
import { requireTool } from "./support/requireTool.ts";
import { withMachineLock } from "./support/machineLock.ts";

let scratch: string;
const started: ChildProcess[] = [];

before(() => {
  requireTool("strace", "apt-get install strace"); // a mechanism measured here
  buildNative();
  scratch = tempDir("mechanisms");
});
after(async () => {
  await killAll(started);
  removeDir(scratch);
});

/** Run driver cells "ID CALL FD TRACER PLACEMENT TRIALS ROUNDS WARMUP"; what it printed per cell. */
function driver(batch: string[]) {
  const r = runDriver(batch, { scratch: join(scratch, "driver") });
  assert.equal(r.status, 0, r.stderr);
  return r.cell;
}

const cycles = (rows: string[][]) => median(rows.map((r) => Number(r[3])));

test("seccomp-errno makes the measured calls fail with its errno; seccomp-allow lets them through", () => {
  const cell = driver([
    "errno write valid seccomp-errno unpinned 1 9 2",
    "errno-seq open-write-close valid seccomp-errno unpinned 1 9 2",
    "allow write valid seccomp-allow unpinned 1 9 2",
  ]);
  for (const id of ["errno", "errno-seq", "allow"]) assert.equal(cell(id).end, `#cell ${id} done`);
  assert.deepEqual(new Set(cell("errno").rows.map((r) => r[4])), new Set(["EPERM"]));
  assert.deepEqual(new Set(cell("errno-seq").rows.map((r) => r[4])), new Set(["EPERM;EPERM;EPERM"]));
  assert.deepEqual(new Set(cell("allow").rows.map((r) => r[4])), new Set(["ok"]));
});

test("the benchmark's seccomp filter is installed before it measures", async () => {
  const { bench } = await startBenchmark(["-c", "write", "-f", "valid", "-d", scratch, "-n", "3", "-m", "seccomp-allow"], started);
  const status = readFileSync(`/proc/${bench.pid}/status`, "utf8");
  assert.match(status, /^Seccomp:\s+2$/m, "filter mode");
  assert.match(status, /^Seccomp_filters:\s+1$/m);
  bench.kill("SIGKILL");
});

test("ptrace-seccomp and seccomp-notify wake their tracer only for the measured calls; ptrace for every call", () => {
  const rounds = 21;
  const warmup = 3;
  const cell = driver(["ptrace", "ptrace-seccomp", "seccomp-notify"].map((t) => `${t} write valid ${t} unpinned 2 ${rounds} ${warmup}`));
  for (const id of ["ptrace", "ptrace-seccomp", "seccomp-notify"]) {
    assert.equal(cell(id).end, `#cell ${id} done`);
    assert.equal(cell(id).rows.length, 2 * rounds);
  }
  assert.deepEqual(cell("ptrace-seccomp").stops, [rounds + warmup, rounds + warmup], "one seccomp stop per write()");
  assert.deepEqual(cell("seccomp-notify").stops, [rounds + warmup, rounds + warmup], "one notification per write()");
  for (const s of cell("ptrace").stops) assert.ok(s >= 2 * (rounds + warmup), `ptrace stops at entry and exit of every call (${s})`);
});

/** Measure open() under a tracer with the inspect handler; returns what the tracer reported. */
async function inspectedOpen(program: string, flags: string[], benchMode: string[]) {
  const rounds = 5;
  const { bench, ready, go } = await startBenchmark(["-c", "open", "-f", "valid", "-d", scratch, "-n", String(rounds), "-w", "0", ...benchMode], started);
  const tracer = await attachTracer(program, bench.pid!, [...flags, "-i"], started);
  go.write("g");
  await waitForLine(bench, /^done$/, ready);
  tracer.kill("SIGUSR1");
  const report = await waitForLine(tracer, /^stops /);
  assert.equal(await ended(tracer), 0);
  go.write("g");
  assert.equal(await ended(bench), 0);
  const [, stops, paths, last] = /^stops (\d+) paths (\d+) last=(.*)$/.exec(report)!;
  return { stops: Number(stops), paths: Number(paths), last, expected: join(scratch, `tt-syscall-${bench.pid}.dat`), rounds };
}

test("the inspect handler of each tracer process reads the path passed to open()", async () => {
  for (const [program, flags, mode] of [
    ["tt-ptrace", [], []],
    ["tt-ptrace", ["-s"], ["-m", "seccomp-trace"]],
    ["tt-seccomp-notify", [], ["-m", "seccomp-notify"]],
  ] as const) {
    const seen = await inspectedOpen(program, [...flags], [...mode]);
    assert.equal(seen.last, seen.expected, `${program} ${flags.join(" ")}`);
    assert.ok(seen.paths >= seen.rounds, `${program} ${flags.join(" ")}: ${seen.paths} paths`);
  }
});

/** Run the benchmark alone and read its interception count line. */
function inProcess(call: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(join(BUILD_DIR, "tt-syscall"), ["-c", call, "-f", "valid", "-d", scratch, "-n", "7", "-w", "2", ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  const [, calls, paths] = /^# intercepted=(\d+) paths=(\d+)$/m.exec(r.stdout) ?? [];
  const results = r.stdout.split("\n").filter((l) => /^\d/.test(l)).map((l) => l.split(",")[2]);
  return { calls: Number(calls), paths: Number(paths), results };
}

test("sud and preload intercept the calls inside the benchmark; their inspect handlers see the paths", () => {
  const preload = { LD_PRELOAD: join(BUILD_DIR, "tt-preload.so") };
  assert.deepEqual(inProcess("write", ["-m", "sud"]), { calls: 7, paths: 0, results: Array(7).fill("ok") });
  assert.deepEqual(inProcess("write", [], preload), { calls: 7, paths: 0, results: Array(7).fill("ok") });
  assert.equal(inProcess("open", ["-m", "sud", "-i"]).paths, 7);
  assert.equal(inProcess("open", [], { ...preload, TT_PRELOAD_HANDLER: "inspect" }).paths, 7);
  assert.equal(inProcess("open", [], { ...preload, TT_PRELOAD_HANDLER: "null" }).paths, 0);
});

test("strace, attached by PID or starting the benchmark with its seccomp filter, slows the call down", () => {
  const cell = driver(["plain write invalid none unpinned 1 15 2", "strace write invalid strace unpinned 1 15 2", "strace-seccomp write invalid strace-seccomp unpinned 1 15 2"]);
  for (const id of ["plain", "strace", "strace-seccomp"]) assert.equal(cell(id).end, `#cell ${id} done`);
  for (const id of ["strace", "strace-seccomp"]) {
    const ratio = cycles(cell(id).rows) / cycles(cell("plain").rows);
    assert.ok(ratio >= 5, `${id}: ${ratio.toFixed(1)}x plain`);
  }
});

/** Start a long measurement under a tracer process, kill the tracer mid-run, and return the benchmark. */
async function killTracerMidRun(program: string, flags: string[], benchMode: string[]) {
  const { bench, ready, go } = await startBenchmark(["-c", "write", "-f", "valid", "-d", scratch, "-n", "300000", "-w", "0", ...benchMode], started);
  const tracer = await attachTracer(program, bench.pid!, flags, started);
  go.write("g");
  await sleep(200);
  tracer.kill("SIGKILL");
  await ended(tracer);
  return { bench, ready, go };
}

test("killing any tracer process mid-run never leaves the benchmark stopped", async () => {
  // ptrace-seccomp: PTRACE_O_EXITKILL takes the benchmark with it.
  const traced = await killTracerMidRun("tt-ptrace", ["-s"], ["-m", "seccomp-trace"]);
  assert.equal(await Promise.race([ended(traced.bench), sleep(5000).then(() => "still running")]), "SIGKILL");

  // seccomp-notify: the listener closes, the waiting calls fail, the benchmark runs to its end.
  const notified = await killTracerMidRun("tt-seccomp-notify", [], ["-m", "seccomp-notify"]);
  await waitForLine(notified.bench, /^done$/, notified.ready);
  assert.notEqual(processState(notified.bench.pid!), "t");
  const out: string[] = [];
  notified.bench.stdout!.on("data", (c: Buffer) => out.push(c.toString()));
  notified.go.write("g");
  assert.equal(await ended(notified.bench), 0);
  assert.match(out.join(""), /^\d+,\d+,ENOSYS$/m, "calls after the supervisor died were refused, not hung");

  // strace: its wrapper's death takes strace along, and the kernel detaches the benchmark.
  const stranded = await killTracerMidRun("tt-strace", [], []);
  await waitForLine(stranded.bench, /^done$/, stranded.ready);
  assert.equal(tracerPid(stranded.bench.pid!), 0);
  stranded.bench.stdout!.resume(); // its rounds, not needed here
  stranded.go.write("g");
  assert.equal(await ended(stranded.bench), 0);
});

test("a run over every mechanism records each one's cells in raw.csv", async () => {
  // The observers among them change machine-wide state (audit, tracefs, BPF).
  await withMachineLock("every mechanism in one run", () => {
    const spec = join(scratch, "all.yaml");
    const tracers = MECHANISM_NAMES.filter((m) => !m.startsWith("systrace"));
    writeFileSync(spec, `name: all\ntitle: all mechanisms\ncalls: [open, getppid]\nfds: [valid]\nmechanisms: [${tracers.join(", ")}, ptrace:inspect, sud:inspect]\nplacements: [unpinned]\nrounds: 3\ntrials: 1\n`);
    const r = tracetax(["run", spec, "--results", join(scratch, "results"), "--report-root", join(scratch, "report"), "--quiet"]);
    assert.equal(r.status, 0, r.stderr);
    const runDir = /^results: (.+)$/m.exec(r.stdout)![1];
    const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MicroManifest;
    for (const c of manifest.cells) assert.equal(c.status, "done", `${c.id}: ${c.reason}`);
    const raw = readRawCsv(join(runDir, "raw.csv"));
    for (const t of [...tracers, "ptrace:inspect", "sud:inspect"]) {
      assert.equal(raw.filter((row) => row.tracer === t).length, 2 * 3, t);
    }
    assert.ok(raw.filter((row) => row.tracer === "seccomp-errno").every((row) => row.result === "EPERM"));
  });
});

test("unknown mechanisms and handlers are refused with the known names", () => {
  const spec = join(scratch, "bad.yaml");
  writeFileSync(spec, "name: bad\ntitle: bad\ncalls: [write]\nfds: [valid]\nmechanisms: [seccomp-magic, ptrace:deep, seccomp-allow:inspect]\nrounds: 3\ntrials: 1\n");
  const r = tracetax(["run", spec, "--results", join(scratch, "bad-results")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.yaml:5:14: mechanisms\[0\]: unknown mechanism "seccomp-magic" \(known: none, ptrace, ptrace-seccomp,/);
  assert.match(r.stderr, /mechanisms\[1\]: unknown handler "deep" of ptrace \(known: null, inspect\)/);
  assert.match(r.stderr, /mechanisms\[2\]: mechanism "seccomp-allow" has no handlers/);
});
