import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { median } from "simple-statistics";
import { CALLS, FDS, canonicalTracer, expectedResult, mechanismOf, parseTracer, takesDescriptor } from "../scripts/model/vocabulary.ts";
import { tracetax } from "./support/cli.ts";
import { BUILD_DIR, buildNative, removeDir, runDriver, tempDir } from "./support/native.ts";
import { requireTool } from "./support/requireTool.ts";

// MECH@CALL: a mechanism whose filter selects another call's system calls
// than the measured call's, so the measured call runs past it untraced.

let scratch: string;

before(() => {
  requireTool("strace", "apt-get install strace"); // strace-seccomp is measured here
  buildNative();
  scratch = tempDir("filter-call");
});
after(() => removeDir(scratch));

test("getppid past a filter that selects open: no stop for it, and several times faster than when the filter selects it", () => {
  const rounds = 21;
  const warmup = 3;
  // One run, trials of the cells alternating, so the machine's load falls on both sides of each ratio.
  const cells = ["ptrace-seccomp", "ptrace-seccomp@open", "seccomp-notify@open", "strace-seccomp", "strace-seccomp@open"];
  const batch = [1, 2, 3].flatMap((trial) => cells.map((t) => `${t}#${trial} getppid valid ${t} unpinned 1 ${rounds} ${warmup}\n`)).join("");
  const r = runDriver(batch, { scratch: join(scratch, "driver") });
  assert.equal(r.status, 0, r.stderr);
  const of = (tracer: string) => {
    const trials = [1, 2, 3].map((trial) => r.cell(`${tracer}#${trial}`));
    trials.forEach((t, i) => assert.equal(t.end, `#cell ${tracer}#${i + 1} done`));
    return { cycles: median(trials.flatMap((t) => t.cycles)), stops: trials.flatMap((t) => t.stops) };
  };
  const [selected, past, notifyPast, straceSelected, stracePast] = cells.map(of);
  assert.deepEqual(selected.stops, [1, 2, 3].map(() => rounds + warmup), "a seccomp stop per getppid() when the filter selects it");
  // Between "attached" and its report the benchmark only calls getppid and writes to the driver: nothing the filter selects.
  assert.deepEqual(past.stops, [0, 0, 0], "no stop when the filter selects open");
  assert.deepEqual(notifyPast.stops, [0, 0, 0], "no notification when the filter selects open");
  for (const [name, inside, outside] of [["ptrace-seccomp", selected, past], ["strace-seccomp", straceSelected, stracePast]] as const) {
    const ratio = inside.cycles / outside.cycles;
    assert.ok(ratio >= 3, `${name}: getppid selected ${inside.cycles} cycles, past an @open filter ${outside.cycles}: ${ratio.toFixed(1)}x`);
  }
});

test("seccomp-errno@CALL fails exactly the calls whose system calls CALL's filter selects, as the runner expects", () => {
  const wrong: string[] = [];
  for (const call of CALLS) {
    for (const fd of FDS.filter((f) => f === "valid" || takesDescriptor(call))) {
      for (const selected of CALLS) {
        const tracer = `seccomp-errno@${selected}`;
        const r = spawnSync(join(BUILD_DIR, "tt-syscall"), ["-c", call, "-f", fd, "-d", scratch, "-n", "2", "-w", "0", "-m", "seccomp-errno", "-F", selected], { encoding: "utf8" });
        assert.equal(r.status, 0, `${call}/${fd} under ${tracer}: ${r.stderr}`);
        const results = new Set(r.stdout.split("\n").filter((l) => /^\d/.test(l)).map((l) => l.split(",")[2]));
        const expected = expectedResult(call, fd, tracer);
        if (results.size !== 1 || !results.has(expected)) wrong.push(`${call}/${fd} under ${tracer}: got ${[...results].join(" ")}, expected ${expected}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  // Not every pair is a plain result: these are where the filter's calls and the measured ones meet.
  assert.equal(expectedResult("getppid", "valid", "seccomp-errno@open"), "ok");
  assert.equal(expectedResult("fstat", "valid", "seccomp-errno@stat"), "EPERM");
  assert.equal(expectedResult("open-write-close", "valid", "seccomp-errno@open"), "EPERM;EBADF;EBADF");
  assert.equal(expectedResult("open-write-close", "invalid", "seccomp-errno@write"), "ENOENT;EPERM;EBADF");
});

test("a tracer's @call is kept in its canonical spelling and ignored where only the mechanism matters", () => {
  const parts = parseTracer("ptrace-seccomp:null@open");
  assert.deepEqual(parts, { mechanism: "ptrace-seccomp", handler: "null", filterCall: "open" });
  assert.equal(canonicalTracer(parts as Exclude<typeof parts, string>), "ptrace-seccomp@open");
  const inspect = parseTracer("seccomp-notify:inspect@open-write-close");
  assert.equal(canonicalTracer(inspect as Exclude<typeof inspect, string>), "seccomp-notify:inspect@open-write-close");
  assert.equal(mechanismOf("seccomp-notify:inspect@open-write-close"), "seccomp-notify");
  assert.equal(mechanismOf("strace-seccomp@open"), "strace-seccomp");
});

test("a spec's @call is refused, located, where the mechanism has no filter or the call is unknown", () => {
  const spec = join(scratch, "bad.yaml");
  writeFileSync(spec, "name: bad\ntitle: bad\ncalls: [getppid]\nfds: [valid]\nmechanisms: [ptrace@open, ptrace-seccomp@opne]\nrounds: 3\ntrials: 1\n");
  const r = tracetax(["run", spec, "--results", join(scratch, "bad-results")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.yaml:5:14: mechanisms\[0\]: mechanism "ptrace" has no filter to select another call by "@open" \(ptrace-seccomp, seccomp-allow, seccomp-errno, seccomp-notify, strace-seccomp have\)/);
  assert.match(r.stderr, /bad\.yaml:5:27: mechanisms\[1\]: unknown call "opne" after "@" \(known: open, write, close, open-write-close, getppid, read, stat, fstat\)/);
  assert.equal(existsSync(join(scratch, "bad-results")), false, "nothing written");
});
