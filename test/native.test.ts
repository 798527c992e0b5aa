import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { median } from "simple-statistics";
import { CALLS, FDS, expectedResult, takesDescriptor } from "../scripts/model/vocabulary.ts";
import { attachTracer, BUILD_DIR, buildNative, ended, killAll, processState, removeDir, runDriver, startBenchmark, tempDir, tracerPid, waitForLine } from "./support/native.ts";

let scratch: string;
const started: ChildProcess[] = [];

before(() => {
  buildNative();
  scratch = tempDir("native");
});
after(async () => {
  await killAll(started);
  removeDir(scratch);
});

const driver = (batch: string, o: { args?: string[]; buildDir?: string } = {}) => {
  const r = runDriver(batch, { scratch: join(scratch, "driver"), ...o });
  assert.equal(r.status, 0, r.stderr);
  return r;
};

test("the benchmark prints each requested round with the expected outcome", () => {
  for (const call of CALLS) {
    for (const fd of FDS.filter((f) => f === "valid" || takesDescriptor(call))) {
      const out = execFileSync(join(BUILD_DIR, "tt-syscall"), ["-c", call, "-f", fd, "-d", scratch, "-n", "7", "-w", "2"], { encoding: "utf8" });
      const [calibration, ...rows] = out.trim().split("\n");
      assert.match(calibration, /^# timer=\S+ overhead_cycles=[1-9]\d* invariant_tsc=[01]$/, `${call}/${fd}`);
      assert.equal(rows.length, 7, `${call}/${fd}`);
      rows.forEach((row, i) => {
        const [round, cycles, result] = row.split(",");
        assert.equal(Number(round), i + 1);
        assert.ok(Number(cycles) > 0, `${call}/${fd} round ${round}: ${cycles} cycles`);
        assert.equal(result, expectedResult(call, fd), `${call}/${fd} round ${round}`);
      });
    }
  }
  assert.deepEqual(readdirSync(scratch), [], "the benchmark removes its file");
});

test("the benchmark refuses bad arguments with status 2", () => {
  const r = spawnSync(join(BUILD_DIR, "tt-syscall"), ["-c", "opne", "-f", "valid", "-d", scratch]);
  assert.equal(r.status, 2);
  assert.match(r.stderr.toString(), /usage: tt-syscall/);
});

test("a ptrace-traced cell costs at least 5x the plain cell, and the tracer stops every call", () => {
  const rounds = 21;
  const warmup = 3;
  const { lines, cell } = driver(`plain write invalid none unpinned 2 ${rounds} ${warmup}\ntraced write invalid ptrace unpinned 2 ${rounds} ${warmup}\n`);
  const [plain, traced] = [cell("plain"), cell("traced")];
  assert.equal(plain.end, "#cell plain done");
  assert.equal(traced.end, "#cell traced done");
  assert.equal(plain.cycles.length, 2 * rounds);
  assert.equal(traced.cycles.length, 2 * rounds);
  const ratio = median(traced.cycles) / median(plain.cycles);
  assert.ok(ratio >= 5, `traced/plain = ${ratio.toFixed(1)}`);
  const stops = traced.stops;
  assert.equal(stops.length, 2, "one stop count per trial");
  for (const s of stops) assert.ok(s >= 2 * (rounds + warmup), `${s} syscall stops for ${rounds + warmup} write() calls`);
  assert.equal(lines.filter((l) => l.startsWith("#timer traced ")).length, 2);
});

/** A benchmark waiting on fds 3 (ready) and 4 (go), and our tracer attached to it. */
async function tracedBenchmark(rounds: number) {
  const { bench, ready, go } = await startBenchmark(["-c", "write", "-f", "invalid", "-d", scratch, "-n", String(rounds), "-w", "0"], started);
  const tracer = await attachTracer("tt-ptrace", bench.pid!, [], started);
  assert.equal(tracerPid(bench.pid!), tracer.pid, "the tracer is attached");
  go.write("g");
  return { bench, tracer, ready, go };
}

test("the tracee is not left stopped when the tracer is killed mid-run", async () => {
  const { bench, tracer } = await tracedBenchmark(1_000_000);
  await sleep(300); // well inside the traced rounds
  assert.notEqual(processState(bench.pid!), null);
  const benchEnded = new Promise<NodeJS.Signals | null>((r) => bench.once("exit", (_code, signal) => r(signal)));
  tracer.kill("SIGKILL");
  const signal = await Promise.race([benchEnded, sleep(5000).then(() => "still running" as const)]);
  assert.equal(signal, "SIGKILL", "PTRACE_O_EXITKILL ends the tracee with its tracer");
  assert.equal(processState(bench.pid!), null);
});

test("the tracer detaches on request and the benchmark runs on untraced", async () => {
  const rounds = 300;
  const { bench, tracer, ready, go } = await tracedBenchmark(rounds);
  await waitForLine(bench, /^done$/, ready);
  const output: string[] = [];
  bench.stdout!.on("data", (c: Buffer) => output.push(c.toString()));
  tracer.kill("SIGUSR1");
  const stopsLine = await waitForLine(tracer, /^stops \d+ /);
  assert.equal(await ended(tracer), 0);
  assert.ok(Number(stopsLine.split(" ")[1]) >= 2 * rounds);
  assert.equal(tracerPid(bench.pid!), 0, "detached");
  assert.notEqual(processState(bench.pid!), "t", "not left in a tracing stop");
  const exit = new Promise((r) => bench.once("exit", r));
  go.write("g");
  assert.equal(await exit, 0);
  const rows = output.join("").trim().split("\n").filter((l) => !l.startsWith("#"));
  assert.equal(rows.length, rounds);
});

test("the driver's time limit ends a cell that runs too long, and leaves no process behind", () => {
  const marker = join(scratch, "slow");
  const r = spawnSync(join(BUILD_DIR, "tt-driver"), ["-b", BUILD_DIR, "-d", marker, "-T", "1"], {
    input: "slow write invalid ptrace unpinned 1 1000000 0\nquick close invalid none unpinned 1 5 0\n",
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^#cell slow failed trial 1: timed out after 1s waiting for the benchmark to say "done"$/m);
  assert.match(r.stdout, /^#cell quick done$/m, "the next cell still runs");
  const leftovers = readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(marker);
      } catch {
        return false;
      }
    });
  assert.deepEqual(leftovers, []);
});

test("a tracer that cannot attach fails its cell with the kernel's reason; other cells are measured", () => {
  // A second tracer is refused by the kernel (EPERM): a process has one tracer at a time.
  const build = join(scratch, "busy-build");
  execFileSync("mkdir", ["-p", build]);
  symlinkSync(join(BUILD_DIR, "tt-syscall"), join(build, "tt-syscall"));
  writeFileSync(
    join(build, "tt-ptrace"),
    `#!/bin/sh\n"${BUILD_DIR}/tt-ptrace" "$@" >/dev/null 2>&1 &\nsleep 0.3\nexec "${BUILD_DIR}/tt-ptrace" "$@"\n`,
  );
  chmodSync(join(build, "tt-ptrace"), 0o755);
  const { cell } = driver("busy write invalid ptrace unpinned 1 5 0\nplain write invalid none unpinned 1 5 0\n", { buildDir: build });
  assert.match(cell("busy").end!, /^#cell busy failed trial 1: the tracer did not say "attached" \(tt-ptrace: cannot attach to pid \d+: Operation not permitted/);
  assert.equal(cell("plain").end, "#cell plain done");
  assert.equal(cell("plain").cycles.length, 5);
});

test("a placement that does not fit the mechanism fails its cell", () => {
  assert.equal(driver("odd write invalid none same-cpu 1 5 0\n").cell("odd").end, "#cell odd failed without a tracer process the placement is unpinned or pinned");
});
