import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:net";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { execFileSync, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { LocalHost } from "../scripts/hosts/localHost.ts";
import { readMacroCsv } from "../scripts/kinds/macro/macroRows.ts";
import type { MacroManifest } from "./support/syntheticRun.ts";
import { parseLoadResult, parseTimedRuns, runServerOnce } from "../scripts/kinds/macro/runWorkload.ts";
import { startTracetax, tracetax, tracetaxAsync } from "./support/cli.ts";
import { BUILD_DIR, buildNative, ended, killAll, removeDir, spawnNative, tempDir, waitForLine } from "./support/native.ts";
import { requireTool } from "./support/requireTool.ts";

let scratch: string;
const started: ChildProcess[] = [];

before(() => {
  requireTool("strace", "apt-get install strace"); // a mechanism measured here
  buildNative();
  scratch = tempDir("macro");
});
after(async () => {
  await killAll(started);
  removeDir(scratch);
});

/** Every entry below a directory: relative path, and for files the sha256 of the content. */
function listing(root: string): { dirs: string[]; files: Map<string, string> } {
  const dirs: string[] = [];
  const files = new Map<string, string>();
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = relative(root, join(e.parentPath, e.name));
    if (e.isDirectory()) dirs.push(path);
    else files.set(path, createHash("sha256").update(readFileSync(join(root, path))).digest("hex"));
  }
  return { dirs: dirs.sort(), files };
}

test("the generated tree has exactly the requested counts and is the same for the same seed", () => {
  const tree = (dir: string, seed: number) => execFileSync(join(BUILD_DIR, "tt-inputs"), ["tree", join(scratch, dir), "37", "411", "300", String(seed)]);
  tree("a", 7);
  tree("b", 7);
  tree("c", 8);
  const [a, b, c] = ["a", "b", "c"].map((d) => listing(join(scratch, d)));
  assert.equal(a.dirs.length, 37);
  assert.equal(a.files.size, 411);
  assert.deepEqual(b, a);
  assert.notDeepEqual(c, a);
});

/** Everything a process writes to stdout, once the pipe has closed (its exit may come first). */
function allOutput(child: ChildProcess): Promise<string> {
  let text = "";
  child.stdout!.on("data", (c: Buffer) => (text += c.toString()));
  return new Promise((resolve) => child.stdout!.once("close", () => resolve(text)));
}

for (const mode of ["keepalive", "close"]) {
  test(`tt-load's answered requests match what tt-server served (${mode})`, async () => {
    const server = spawnNative("tt-server", ["-m", mode, "-n", "700", "-t", "20"]);
    started.push(server);
    const out = allOutput(server);
    const port = (await waitForLine(server, /^port \d+$/)).split(" ")[1];
    const load = spawnNative("tt-load", ["-P", port, "-n", "700", "-c", "3", "-m", mode, "-t", "20"]);
    started.push(load);
    const loadOut = allOutput(load);
    assert.equal(await ended(load), 0);
    assert.equal(await ended(server), 0);
    const result = parseLoadResult(await loadOut);
    assert.equal(result?.requests, 700);
    assert.equal(result?.errors, 0);
    assert.match(await out, /^served 700$/m);
  });
}

test("tracetax run of a macro spec: rows per run, ptrace slows the server, and the report shows frame 14", () => {
  const spec = join(scratch, "macro.yaml");
  writeFileSync(
    spec,
    `kind: macro
name: macro-test
title: macrobenchmarks under test
mechanisms: [none, ptrace]
repetitions: 2
timeoutSeconds: 30
workloads:
  - {type: find, dirs: 20, files: 200, seed: 1}
  - {type: gzip, bytes: 200000, content: random, seed: 1}
  - {type: server, requests: 3000, concurrency: 4, modes: [keepalive]}
`,
  );
  const r = tracetax(["run", spec, "--results", join(scratch, "results"), "--report-root", join(scratch, "report")], 60_000);
  assert.equal(r.status, 0, r.stderr);
  const runDir = /^results: (.*)$/m.exec(r.stdout)![1];
  const rows = readMacroCsv(runDir);
  for (const workload of ["find", "gzip", "server-keepalive"])
    for (const mechanism of ["none", "ptrace"])
      assert.equal(rows.filter((x) => x.workload === workload && x.mechanism === mechanism && x.exit === "0").length, 2, `${workload} ${mechanism}`);
  assert.ok(rows.filter((x) => x.mechanism === "ptrace").every((x) => x.stops! > 0), "the tree tracer stopped every workload");
  const rps = (mechanism: string) => rows.filter((x) => x.workload === "server-keepalive" && x.mechanism === mechanism).reduce((s, x) => s + x.rps!, 0);
  assert.ok(rps("ptrace") < rps("none"), `ptrace ${rps("ptrace")} requests/s should be below plain ${rps("none")}`);
  assert.ok(rows.every((x) => x.workload !== "server-keepalive" || (x.requests === 3000 && x.errors === 0)));

  const index = readFileSync(/^report: (.*)$/m.exec(r.stdout)![1], "utf8");
  assert.match(index, /Provos 2002 \(frame 14\)/);
  assert.match(index, /find \/usr\/src\/ &gt;\/dev\/null \(systrace\)<\/td><td>42\.0<\/td><td>1\.200<\/td><td>3\.800<\/td>/);
  assert.match(index, /Traced network server/);
});

test("a macro spec with a bad field is refused with its location and status 2, nothing written", () => {
  const spec = join(scratch, "bad.yaml");
  writeFileSync(spec, "kind: macro\nname: bad\ntitle: bad\nmechanisms: [none]\nrepetitions: 1\nworkloads:\n  - {type: gzip, bytes: 10, content: lorem, seed: 1}\n");
  const r = tracetax(["run", spec, "--results", join(scratch, "bad-results")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.yaml:7:\d+: workloads\[0\]\.content: unknown content kind "lorem"/);
  assert.throws(() => readdirSync(join(scratch, "bad-results")));
});

test("inputs larger than the free disk are refused before anything is written, with the numbers", () => {
  const spec = join(scratch, "huge.yaml");
  writeFileSync(spec, "kind: macro\nname: huge\ntitle: huge\nmechanisms: [none]\nrepetitions: 1\nworkloads:\n  - {type: gzip, bytes: 1000000000000000, content: zeros, seed: 1}\n");
  const results = join(scratch, "huge-results");
  const r = tracetax(["run", spec, "--results", results]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not enough free disk for the generated inputs: they need up to 953674316\.\d MiB \(and 64\.0 MiB to spare\), [\d.]+ MiB is free/);
  assert.throws(() => readdirSync(results));
});

/** tt-macro -p on a command: its output, and the runs it reported. */
function underMechanism(mechanism: string, calls: string, command: string[]) {
  const out = execFileSync(join(BUILD_DIR, "tt-macro"), ["-b", BUILD_DIR, "-m", mechanism, "-c", calls, "-T", "20", "-p", "--", ...command], { encoding: "utf8" });
  return { out, run: parseTimedRuns(out)[0] };
}

// What the kernel shows of each mechanism in the workload's own /proc/self/status, and whether it counts calls.
const INTERCEPTIONS: { mechanism: string; calls: string; traced: boolean; filtered: boolean; counts: boolean }[] = [
  { mechanism: "none", calls: "all", traced: false, filtered: false, counts: false },
  { mechanism: "ptrace", calls: "all", traced: true, filtered: false, counts: true },
  { mechanism: "ptrace-seccomp", calls: "all", traced: true, filtered: true, counts: true },
  { mechanism: "ptrace-seccomp", calls: "socket", traced: true, filtered: true, counts: true },
  { mechanism: "seccomp-allow", calls: "socket", traced: false, filtered: true, counts: false },
  { mechanism: "seccomp-notify", calls: "all", traced: false, filtered: true, counts: true },
  { mechanism: "seccomp-notify", calls: "socket", traced: false, filtered: true, counts: true },
  { mechanism: "sud", calls: "all", traced: false, filtered: false, counts: true },
  { mechanism: "preload", calls: "socket", traced: false, filtered: false, counts: true },
  { mechanism: "strace", calls: "socket", traced: true, filtered: false, counts: false },
  { mechanism: "strace-seccomp", calls: "socket", traced: true, filtered: true, counts: false },
];

for (const i of INTERCEPTIONS) {
  test(`tt-macro -m ${i.mechanism} -c ${i.calls} intercepts the whole workload`, () => {
    // cat reads its own status with read() and writes it with write(): socket calls too.
    const { out, run } = underMechanism(i.mechanism, i.calls, ["cat", "/proc/self/status"]);
    assert.equal(run.exit, "0", out);
    assert.equal(/^TracerPid:\s+(\d+)$/m.exec(out)![1] !== "0", i.traced, "TracerPid");
    assert.equal(/^Seccomp:\s+(\d+)$/m.exec(out)![1], i.filtered ? "2" : "0", "Seccomp mode");
    if (i.counts) assert.ok(run.stops! >= 3, `${run.stops} calls intercepted`);
    else assert.equal(run.stops, null);
  });
}

/** Whether a process is still there (a zombie counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

for (const mechanism of ["none", "ptrace"]) {
  test(`under ${mechanism}, a process the workload leaves in a session of its own ends with the run`, () => {
    const { out, run } = underMechanism(mechanism, "all", ["sh", "-c", "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo daemon $!"]);
    assert.equal(run.exit, "0");
    const daemon = Number(/^daemon (\d+)$/m.exec(out)![1]);
    assert.equal(alive(daemon), false, `the setsid'd sleep ${daemon} was killed`);
  });
}

test("a workload that never ends, traced or not, is killed at the time limit and its row says timeout", () => {
  for (const [mechanism, command] of [["ptrace", "while :; do :; done"], ["none", "exec sleep 300"], ["seccomp-notify", "exec sleep 300"]]) {
    const out = execFileSync(join(BUILD_DIR, "tt-macro"), ["-m", mechanism, "-n", "2", "-T", "1", "--", "sh", "-c", command], { encoding: "utf8" });
    assert.deepEqual(parseTimedRuns(out).map((r) => r.exit), ["timeout", "timeout"], mechanism);
  }
});

test("SIGTERM ends tt-macro with the workload: no row for the run it stopped, status 130", async () => {
  const macro = spawnNative("tt-macro", ["-m", "strace", "-n", "3", "-p", "--", "sh", "-c", "echo pid $$; exec sleep 300"]);
  started.push(macro);
  const out = allOutput(macro);
  const workload = Number((await waitForLine(macro, /^pid \d+$/)).split(" ")[1]);
  macro.kill("SIGTERM");
  assert.equal(await ended(macro), 130);
  assert.deepEqual(parseTimedRuns(await out), []);
  assert.equal(alive(workload), false);
});

test("tt-macro refuses a selection a mechanism cannot make, with status 2", () => {
  for (const [mechanism, calls, what] of [["ptrace", "socket", "the socket calls only"], ["preload", "all", "every call"]]) {
    assert.throws(
      () => execFileSync(join(BUILD_DIR, "tt-macro"), ["-b", BUILD_DIR, "-m", mechanism, "-c", calls, "--", "true"], { stdio: "pipe" }),
      (err: { status: number; stderr: Buffer }) => err.status === 2 && err.stderr.toString().includes(`${mechanism} cannot be told to intercept ${what}`),
    );
  }
});

test("under syscall user dispatch a shell with a SIGCHLD handler forks, execs and waits", () => {
  // Ten forks and waits whatever the locale: the count does not hang on how many calls one ls makes.
  const { out, run } = underMechanism("sud", "all", ["sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do ls / >/dev/null; done; echo done"]);
  assert.equal(run.exit, "0");
  assert.match(out, /^done$/m);
  assert.ok(run.stops! > 20, `${run.stops} calls dispatched`);
});

for (const mechanism of ["ptrace-seccomp", "seccomp-notify"] as const) {
  test(`${mechanism} told to take the socket calls stops the server for those only`, async () => {
    const o = { mode: "keepalive" as const, requests: 300, concurrency: 2, port: 0, timeoutSeconds: 20 };
    const all = await runServerOnce(new LocalHost(), { mechanism, calls: "all" }, o);
    const socket = await runServerOnce(new LocalHost(), { mechanism, calls: "socket" }, o);
    for (const r of [all, socket]) assert.equal(r.served, 300);
    // Each request is at least one read and one write; poll and the start-up calls are outside the socket set.
    assert.ok(socket.timed.stops! >= 600, `${socket.timed.stops} socket-call stops`);
    assert.ok(all.timed.stops! > socket.timed.stops!, `all ${all.timed.stops} > socket ${socket.timed.stops}`);
  });
}

/** A listening socket on 127.0.0.1 that holds a port for the test. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

test("a server that cannot listen fails its runs with the reason; the others are measured, skipped ones say why", async () => {
  const { server, port } = await holdPort();
  try {
    const spec = join(scratch, "port.yaml");
    writeFileSync(
      spec,
      `kind: macro
name: port-in-use
title: a port already taken
mechanisms: [none, preload]
repetitions: 2
timeoutSeconds: 20
workloads:
  - {type: gzip, bytes: 50000, content: random, seed: 2}
  - {type: server, requests: 50, concurrency: 1, modes: [close], port: ${port}}
`,
    );
    const r = tracetax(["run", spec, "--results", join(scratch, "port-results"), "--report-root", join(scratch, "port-report")], 60_000);
    assert.equal(r.status, 1, r.stderr);
    const runDir = /^results: (.*)$/m.exec(r.stdout)![1];
    const rows = readMacroCsv(runDir);
    assert.deepEqual(rows.filter((x) => x.workload === "gzip").map((x) => x.exit), ["0", "0"]);
    const serverRows = rows.filter((x) => x.workload === "server-close");
    assert.equal(serverRows.length, 2);
    for (const x of serverRows) {
      assert.equal(x.errors, 50);
      assert.match(x.reason, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: Address already in use`));
    }
    const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MacroManifest;
    const status = (workload: string, mechanism: string) => manifest.cells.find((m) => m.workload === workload && m.mechanism === mechanism);
    assert.equal(status("server-close", "none")?.status, "failed");
    assert.equal(status("gzip", "preload")?.status, "skipped");
    assert.match(status("gzip", "preload")!.reason!, /preload cannot be told to intercept every call/);
    assert.equal(manifest.state, "complete");
    assert.equal(tracetax(["verify", runDir]).status, 0);
    const index = readFileSync(/^report: (.*)$/m.exec(r.stdout)![1], "utf8");
    assert.match(index, /Not measured, or failed/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

/** PIDs of processes whose command line names the directory. */
function processesUnder(dir: string): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test("an interrupted macro run keeps what it measured, says so, and leaves no process behind", async () => {
  const spec = join(scratch, "interrupt.yaml");
  writeFileSync(
    spec,
    `kind: macro
name: interrupted
title: interrupted after the first measurement
mechanisms: [none, ptrace, strace, seccomp-notify, sud, ptrace-seccomp]
repetitions: 3
workloads:
  - {type: gzip, bytes: 2000000, content: text, seed: 3}
`,
  );
  const results = join(scratch, "interrupt-results");
  const run = startTracetax(["run", spec, "--results", results, "--no-report"]);
  try {
    await waitForLine(run, /local\/gzip\/none\/all: done/, run.stderr!);
    run.kill("SIGINT");
    assert.equal(await ended(run), 1);
  } finally {
    await killAll([run]);
  }
  const [runId] = readdirSync(results);
  const runDir = join(results, runId);
  const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MacroManifest;
  assert.equal(manifest.state, "incomplete");
  assert.match(manifest.stoppedBecause!, /interrupted/);
  const done = manifest.cells.filter((m) => m.status === "done");
  assert.ok(done.length >= 1 && done.length < 6, `${done.length} of 6 measured`);
  const kept = readFileSync(join(runDir, "macro.csv"), "utf8");
  assert.equal(readMacroCsv(runDir).length, done.length * 3, "every measured run is kept, and nothing else");
  for (let i = 0; i < 50 && processesUnder(runDir).length > 0; i++) await sleep(100);
  assert.deepEqual(processesUnder(runDir), []);
  // Measured only: the summary is the analysis's to write.
  assert.match(tracetax(["verify", runDir]).stdout, /macro-summary\.csv: missing \(tracetax analyze writes it\)/);
  assert.match(tracetax(["analyze", runDir]).stdout, new RegExp(`summary: .*macro-summary\\.csv \\(${done.length} rows\\)`));
  assert.equal(tracetax(["verify", runDir]).status, 0);

  const resumed = await tracetaxAsync(["run", spec, "--resume", runDir, "--results", results, "--report-root", join(scratch, "interrupt-report")]);
  assert.equal(resumed.status, 0, resumed.stderr);
  const after = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MacroManifest;
  assert.equal(after.state, "complete");
  assert.ok(after.cells.every((c) => c.status === "done"), JSON.stringify(after.cells));
  assert.ok(readFileSync(join(runDir, "macro.csv"), "utf8").startsWith(kept), "the runs measured before are kept as they were");
  const runs = readMacroCsv(runDir).map((r) => `${r.mechanism} ${r.run}`);
  assert.equal(runs.length, 18);
  assert.equal(new Set(runs).size, 18, "every cell and repetition once");
  assert.equal(tracetax(["verify", runDir]).status, 0);
});

test("verify finds a macro run directory whose rows were changed", () => {
  const results = join(scratch, "interrupt-results");
  const runDir = join(results, readdirSync(results)[0]);
  const csv = readFileSync(join(runDir, "macro.csv"), "utf8").trimEnd().split("\n");
  writeFileSync(join(runDir, "macro.csv"), `${csv.slice(0, -1).join("\n")}\n`);
  const r = tracetax(["verify", runDir]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /macro\.csv: local\/gzip\/\S+\/all: runs 1,2, expected 1–3 once each/);
  assert.match(r.stdout, /macro-summary\.csv: differs from what macro\.csv gives/);
});
