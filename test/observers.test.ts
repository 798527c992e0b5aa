import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { NATIVE_DIR } from "../scripts/model/paths.ts";
import { readTrialsCsv } from "../scripts/results/trialsCsv.ts";
import { tracetax } from "./support/cli.ts";
import { OBSERVERS } from "../scripts/model/vocabulary.ts";
import { withMachineLock } from "./support/machineLock.ts";
import { BUILD_DIR, buildNative, ended, killAll, processState, removeDir, runDriver, tempDir } from "./support/native.ts";
import { requireTool } from "./support/requireTool.ts";

// The observers of today's tracing tools, on the real kernel with the real
// tools: they see the calls the benchmark makes, and they leave the machine
// as they found it however they end. Every test holds the machine-wide lock:
// audit rules, tracefs and BPF programs are shared with every other test.

let scratch: string;
const started: ChildProcess[] = [];

before(() => {
  requireTool("bpftrace", "apt-get install bpftrace");
  requireTool("perf", "apt-get install linux-perf");
  requireTool("auditd", "apt-get install auditd");
  requireTool("auditctl", "apt-get install auditd");
  requireTool("bpftool", "apt-get install bpftool");
  requireTool("clang", "apt-get install clang libbpf-dev");
  buildNative();
  const why = join(BUILD_DIR, "tt-ebpf.why");
  assert.ok(existsSync(join(BUILD_DIR, "tt-ebpf")), `tt-ebpf was not built: ${existsSync(why) ? readFileSync(why, "utf8") : "no reason given"}`);
  scratch = tempDir("observers");
});
after(async () => {
  await killAll(started);
  removeDir(scratch);
});

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8" });

function tracefs(): string {
  const mount = readFileSync("/proc/mounts", "utf8").split("\n").find((l) => l.split(" ")[2] === "tracefs");
  return mount ? mount.split(" ")[1] : "/sys/kernel/tracing";
}

function cgroup2(): string {
  return readFileSync("/proc/mounts", "utf8").split("\n").find((l) => l.split(" ")[2] === "cgroup2")!.split(" ")[1];
}

/** What the observers may change machine-wide, as the tools themselves show it. */
function machineState() {
  const status = run("auditctl", ["-s"]);
  const field = (name: string) => new RegExp(`^${name} (\\d+)$`, "m").exec(status)?.[1];
  const fs = tracefs();
  const instances = existsSync(`${fs}/instances`) ? readdirSync(`${fs}/instances`).filter((d) => d.startsWith("tracetax-")) : [];
  const bpf = JSON.parse(run("bpftool", ["prog", "show", "--json"])) as { id: number; type: string; name?: string }[];
  return {
    auditRules: run("auditctl", ["-l"]).trim(),
    auditEnabled: field("enabled"),
    auditPid: field("pid"),
    backlogLimit: field("backlog_limit"),
    backlogWaitTime: field("backlog_wait_time"),
    tracefsInstances: instances,
    tracefsEvents: existsSync(`${fs}/set_event`) ? readFileSync(`${fs}/set_event`, "utf8").trim() : "",
    tracingPrograms: bpf.filter((p) => /tracepoint/.test(p.type)).map((p) => `${p.id}:${p.name ?? ""}`),
    journals: existsSync("/run/tracetax") ? readdirSync("/run/tracetax").filter((f) => f.endsWith(".journal")) : [],
    cgroups: readdirSync(cgroup2()).filter((d) => d.startsWith("tracetax-")),
  };
}
type MachineState = ReturnType<typeof machineState>;

/** Wait until the machine is as it was (a guard process may still be undoing), then compare. */
async function assertRestored(before: MachineState, what: string) {
  for (let i = 0; i < 100 && JSON.stringify(machineState()) !== JSON.stringify(before); i++) await sleep(100);
  assert.deepEqual(machineState(), before, `${what}: the machine is not as it was`);
  assert.equal(before.auditRules.split("\n").includes("-a never,task"), true, "never,task is in place");
}

/** Audit leaves "-a never,task" in place (see mech_audit.c): the baseline has it, so every comparison can expect it. */
function baseline(): MachineState {
  if (!run("auditctl", ["-l"]).split("\n").includes("-a never,task")) run("auditctl", ["-a", "never,task"]);
  return machineState();
}

function driver(batch: string[], buildDir = BUILD_DIR, env: NodeJS.ProcessEnv = process.env) {
  const r = runDriver(batch, { scratch: join(scratch, "driver"), buildDir, env, timeoutMs: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.cell;
}

test("each observer sees, in its own output, the calls the benchmark made", async () => {
  await withMachineLock("observers: counts", async () => {
    const before = baseline();
    const rounds = 41;
    const warmup = 4;
    const batch = OBSERVERS.flatMap((m) => [`${m}-getppid getppid valid ${m} unpinned 2 ${rounds} ${warmup}`, `${m}-write write valid ${m} cross-cpu 1 ${rounds} ${warmup}`]);
    batch.push(`inspect open valid ebpf-ringbuf:inspect same-cpu 1 ${rounds} ${warmup}`);
    const cell = driver(batch);
    for (const m of OBSERVERS) {
      for (const [call, trials] of [["getppid", 2], ["write", 1]] as const) {
        const id = `${m}-${call}`;
        assert.equal(cell(id).end, `#cell ${id} done`);
        assert.equal(cell(id).observed.length, trials, id);
        for (const seen of cell(id).observed) {
          // Every call of the warm-up and the rounds; write() also says "done" to the driver once while watched.
          const calls = rounds + warmup;
          assert.ok(Number(seen.seen) >= calls && Number(seen.seen) <= calls + 1, `${id}: saw ${seen.seen} calls, the benchmark made ${calls} (+1 handshake write)`);
          assert.equal(seen.lost, "0", `${id}: lost`);
          assert.ok(Number.isFinite(Number(seen.consumer_cpu_s)), `${id}: consumer CPU time ${seen.consumer_cpu_s}`);
        }
        assert.deepEqual(cell(id).stops, cell(id).observed.map((o) => Number(o.seen)), `${id}: #stops is what it saw`);
      }
    }
    const inspected = cell("inspect").observed[0];
    assert.equal(Number(inspected.paths), rounds + warmup, "every open() path copied by the BPF program and judged");
    assert.match(inspected.last, /\/tt-syscall-\d+\.dat$/, "the benchmark's own file");
    await assertRestored(before, "after the runs");
  });
});

/** The processes whose parent is pid. */
function childrenOf(pid: number): { pid: number; comm: string }[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return ppid === pid ? [{ pid: Number(d), comm }] : [];
      } catch {
        return [];
      }
    });
}

/** Poll until find() returns something, or fail saying what was awaited. */
async function waitFor<T>(what: string, find: () => T | undefined, seconds = 30): Promise<T> {
  for (let i = 0; i < seconds * 20; i++) {
    const found = find();
    if (found !== undefined) return found;
    await sleep(50);
  }
  assert.fail(`no ${what} after ${seconds} s`);
}

// The observer program of each mechanism, and the process that drains its events: the tool, or the observer itself.
const OBSERVER: Record<string, string> = {
  "ebpf-count": "tt-ebpf",
  "ebpf-ringbuf": "tt-ebpf",
  bpftrace: "tt-bpftrace",
  "perf-trace": "tt-perf-trace",
  ftrace: "tt-ftrace",
  audit: "tt-audit",
};
const CONSUMER: Record<string, string> = {
  "ebpf-count": "tt-ebpf",
  "ebpf-ringbuf": "tt-ebpf",
  bpftrace: "bpftrace",
  "perf-trace": "perf",
  ftrace: "tt-ftrace",
  audit: "auditd",
};

/** A driver measuring a long getppid() cell under an observer; resolves once the observer watches. */
async function longRun(mechanism: string) {
  const runner = spawn(join(BUILD_DIR, "tt-driver"), ["-b", BUILD_DIR, "-d", join(scratch, "driver"), "-T", "120"], { stdio: ["pipe", "pipe", "pipe"] });
  started.push(runner);
  let out = "";
  runner.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  runner.stdin!.end(`long getppid valid ${mechanism} unpinned 1 3000000 0\n`);
  // By its program's name: before its exec the driver's child still bears the driver's.
  const observer = await waitFor(`observer of ${mechanism}`, () => childrenOf(runner.pid!).find((c) => c.comm === OBSERVER[mechanism]));
  const bench = await waitFor("benchmark", () => childrenOf(runner.pid!).find((c) => c.comm === "tt-syscall"));
  const consumer =
    CONSUMER[mechanism] === observer.comm ? observer : await waitFor(`${CONSUMER[mechanism]}`, () => childrenOf(observer.pid).find((c) => c.comm === CONSUMER[mechanism]));
  // Watching once the benchmark runs its rounds, past the handshake.
  await waitFor("the benchmark running", () => (processState(bench.pid) === "R" ? true : undefined));
  return { runner, observer, bench, consumer, output: () => out };
}

test("killing each consumer mid-run leaves nothing behind, and the benchmark is not left stopped", async () => {
  await withMachineLock("observers: consumer killed", async () => {
    const before = baseline();
    for (const m of OBSERVERS) {
      const { runner, bench, consumer, output } = await longRun(m);
      process.kill(consumer.pid, "SIGKILL");
      assert.equal(await Promise.race([ended(runner), sleep(60_000).then(() => "still running")]), 0, `${m}: the driver ends`);
      assert.match(output(), /^#cell long failed /m, `${m}: the cell failed, saying so`);
      assert.equal(processState(bench.pid), null, `${m}: no benchmark left`);
      await assertRestored(before, `${m} with its consumer killed`);
    }
  });
});

test("killing the runner mid-run leaves nothing behind; what a killed guard leaves is undone by tt-restore", async () => {
  await withMachineLock("observers: runner killed", async () => {
    const before = baseline();
    for (const m of OBSERVERS) {
      const { runner, observer, bench } = await longRun(m);
      process.kill(runner.pid!, "SIGKILL");
      await ended(runner);
      await waitFor(`${m}: the observer gone`, () => (processState(observer.pid) === null ? true : undefined));
      await waitFor(`${m}: the benchmark gone`, () => (processState(bench.pid) === null ? true : undefined));
      await assertRestored(before, `${m} with the runner killed`);
    }
    // The guard killed too: the journal stays, and the next tracetax program that touches the state replays it.
    for (const m of ["audit", "ftrace"]) {
      const { runner, observer } = await longRun(m);
      const guard = await waitFor(`${m}'s guard`, () => childrenOf(observer.pid).find((c) => c.comm === observer.comm));
      process.kill(guard.pid, "SIGKILL");
      process.kill(runner.pid!, "SIGKILL");
      await ended(runner);
      await waitFor(`${m}: the observer gone`, () => (processState(observer.pid) === null ? true : undefined));
      assert.notDeepEqual(machineState(), before, `${m}: with its guard killed, the change stays until replayed`);
      const restored = spawnSync(join(BUILD_DIR, "tt-restore"), [], { encoding: "utf8" });
      assert.equal(restored.status, 0, restored.stderr);
      assert.equal(restored.stdout.trim(), "restored 1", m);
      await assertRestored(before, `${m} replayed by tt-restore`);
    }
  });
});

test("whole programs under the observers that can follow them: every one counts the same calls, and the cgroup goes", async () => {
  await withMachineLock("observers: tt-macro", async () => {
    const before = baseline();
    const counts = new Map<string, number[]>();
    for (const m of ["ebpf-count", "ebpf-ringbuf", "bpftrace", "ftrace"]) {
      const r = spawnSync(join(BUILD_DIR, "tt-macro"), ["-m", m, "-n", "2", "-T", "60", "--", "sh", "-c", "cat /etc/hostname /etc/hostname; ls /"], { encoding: "utf8", timeout: 120_000 });
      assert.equal(r.status, 0, `${m}: ${r.stderr}`);
      counts.set(m, [...r.stdout.matchAll(/^#stops \d+ (-?\d+)$/gm)].map((s) => Number(s[1])));
    }
    const all = [...counts.values()].flat();
    assert.equal(all.length, 8);
    assert.ok(all[0] > 20, `a shell, cat and ls make dozens of calls (${all[0]})`);
    // Two processes forked and exec'd: every call of the tree, the same number each time, by each observer.
    for (const [m, c] of counts) assert.deepEqual(c, [all[0], all[0]], `${m}: ${c} calls, ebpf-count saw ${all[0]}`);
    await assertRestored(before, "after the whole programs");
  });
});

test("without clang, bpftool or bpftrace the eBPF and bpftrace mechanisms are skipped with the reason; nothing else fails", () => {
  // A PATH with every program of the usual directories except the hidden ones.
  const bin = join(scratch, "bin");
  mkdirSync(bin);
  const hidden = /^(clang|clang-\d+|bpftool|bpftrace)$/;
  for (const dir of ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (!hidden.test(name) && !existsSync(join(bin, name))) symlinkSync(join(dir, name), join(bin, name));
  }
  const env = { ...process.env, PATH: bin };
  const build = join(scratch, "build-without-bpf");
  const made = spawnSync("make", ["-s", "-C", NATIVE_DIR, `B=${build}`], { encoding: "utf8", env });
  assert.equal(made.status, 0, made.stderr);
  assert.match(made.stdout, /tt-ebpf not built: clang is not on PATH/);
  assert.equal(existsSync(join(build, "tt-ebpf")), false);
  const cell = driver(
    ["ebpf-count", "ebpf-ringbuf", "bpftrace", "none", "ptrace", "seccomp-allow"].map((m) => `${m} getppid valid ${m} unpinned 1 5 1`),
    build,
    env,
  );
  for (const m of ["ebpf-count", "ebpf-ringbuf"]) {
    assert.equal(cell(m).end, `#cell ${m} skipped ${m} was not built on this host (${build}/tt-ebpf): clang is not on PATH (apt-get install clang)`);
  }
  assert.equal(cell("bpftrace").end, "#cell bpftrace skipped bpftrace needs bpftrace, which is not on PATH");
  for (const m of ["none", "ptrace", "seccomp-allow"]) assert.equal(cell(m).end, `#cell ${m} done`);
});

test("a run through the pipeline keeps each observer trial's own counts in trials.csv", async () => {
  requireTool("bpftool", "apt-get install bpftool");
  await withMachineLock("observers: a run", async () => {
    const before = baseline();
    const spec = join(scratch, "observed.yaml");
    writeFileSync(spec, "name: observed\ntitle: observed\ncalls: [getppid]\nfds: [valid]\nmechanisms: [none, ebpf-count]\nrounds: 31\nwarmup: 3\ntrials: 2\n");
    const r = tracetax(["run", spec, "--results", join(scratch, "observed-results"), "--no-report", "--quiet"]);
    assert.equal(r.status, 0, r.stderr);
    const trials = readTrialsCsv(/^results: (.+)$/m.exec(r.stdout)![1]);
    const observed = trials.filter((t) => t.tracer === "ebpf-count");
    assert.equal(observed.length, 2);
    for (const t of observed) {
      assert.ok(t.observed_seen! >= 34 && t.observed_seen! <= 35, `saw ${t.observed_seen} of the 34 calls`);
      assert.equal(t.observed_lost, 0);
      assert.ok(t.consumer_cpu_s !== null && t.consumer_cpu_s >= 0);
    }
    assert.ok(trials.filter((t) => t.tracer === "none").every((t) => t.observed_seen === null), "no observer, no count");
    await assertRestored(before, "after the run");
  });
});

test("ftrace observes a call the kernel traces under another name (stat and fstat as newfstatat, newstat, newfstat)", async () => {
  await withMachineLock("observers: ftrace names", async () => {
    const before = baseline();
    const cell = driver(["stat stat valid ftrace unpinned 1 21 3", "fstat fstat invalid ftrace unpinned 1 21 3"]);
    for (const id of ["stat", "fstat"]) {
      assert.equal(cell(id).end, `#cell ${id} done`);
      const seen = Number(cell(id).observed[0].seen);
      assert.ok(seen >= 24, `${id}: ftrace saw ${seen} of the 24 calls`);
    }
    await assertRestored(before, "after ftrace");
  });
});
