import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tracetax } from "./support/cli.ts";
import { removeDir, tempDir } from "./support/native.ts";

const dir = tempDir("cli-input");
after(() => removeDir(dir));

const GOOD = `name: t
title: test
calls: [write]
fds: [invalid]
mechanisms: [none, ptrace]
rounds: 3
trials: 1
`;

function spec(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Bad input: status 2, a message, and nothing written under the results root. */
function refused(args: string[]): string {
  const results = join(dir, `results-${Math.random().toString(36).slice(2)}`);
  const r = tracetax(["run", ...args, "--results", results, "--report-root", join(dir, "reports")]);
  assert.equal(r.status, 2, `exit status for ${args.join(" ")}: ${r.stderr}`);
  assert.equal(existsSync(results) && readdirSync(results).length > 0, false, "nothing written");
  assert.equal(existsSync(join(dir, "reports")), false, "no report written");
  return r.stderr;
}

test("spec errors name file, line, column and field, exit 2, write nothing", () => {
  const path = spec("typo.yaml", GOOD.replace("[none, ptrace]", "[none, ptrac]").replace("rounds: 3", "rounds: 0") + "colour: red\n");
  const err = refused([path]);
  assert.match(err, new RegExp(`${path}:5:20: mechanisms\\[1\\]: unknown mechanism "ptrac" \\(known: none, ptrace, ptrace-seccomp, `));
  assert.match(err, new RegExp(`${path}:6:9: rounds: expected an integer >= 1, got 0`));
  assert.match(err, new RegExp(`${path}:8:1: colour: unknown field`));
});

test("a missing field and malformed YAML are located too", () => {
  assert.match(refused([spec("missing.yaml", GOOD.replace("trials: 1\n", ""))]), /missing\.yaml:1:1: trials: required field missing: expected an integer >= 1/);
  assert.match(refused([spec("broken.yaml", "name: t\ncalls: [write\n")]), /broken\.yaml:\d+:\d+: /);
  assert.match(refused([spec("calls.yaml", GOOD.replace("[write]", "[wirte]"))]), /calls\.yaml:3:9: calls\[0\]: unknown call "wirte" \(known: open, write, close, open-write-close, getppid, read, stat, fstat\)/);
});

test("bad options and unknown hosts are refused with status 2", () => {
  const path = spec("good.yaml", GOOD);
  assert.match(refused([path, "--rounds", "0"]), /--rounds.*expected an integer >= 1, got "0"/);
  assert.match(refused([path, "--on", "lab-xeon"]), /--on: unknown host "lab-xeon" \(known: local\)/);
  assert.match(refused([join(dir, "absent.yaml")]), /absent\.yaml: cannot read/);
});

test("plan lists the cells without measuring", () => {
  const r = tracetax(["plan", "experiments/zinke2009.yaml"]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  // 4 calls × 2 fds × (plain unpinned + pinned, ptrace × 3 placements, systrace × 3 placements)
  assert.equal(lines.at(-1), "64 micro cells on 1 host(s)");
  assert.ok(lines.includes("local/write/invalid/ptrace/cross-cpu\t24 trials × 51 rounds"));
  assert.match(r.stdout, /local\/open\/valid\/systrace\/unpinned\t24 trials × 51 rounds\tskipped: systrace is an OpenBSD kernel facility/);
});

test("the older tracers: is read as mechanisms:, with a warning that points at it", () => {
  const path = spec("old.yaml", GOOD.replace("mechanisms:", "tracers:"));
  const r = tracetax(["plan", path]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`warning: ${path}:5:1: tracers: now called mechanisms; read as mechanisms`));
  assert.match(r.stdout, /local\/write\/invalid\/ptrace\/unpinned\t1 trials × 3 rounds/);
  assert.match(refused([spec("both.yaml", `${GOOD}tracers: [none]\n`)]), /both\.yaml:8:1: tracers: give mechanisms only \(tracers is its older name\)/);
});

test("plan lists a macrobenchmark spec's cells, and an unknown kind is refused where it stands", () => {
  const r = tracetax(["plan", "experiments/provos2002.yaml"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split("\n").at(-1), "22 macro cells on 1 host(s)");
  assert.ok(r.stdout.includes("local/find/ptrace-seccomp/all\tfind under ptrace-seccomp, all calls\n"));
  assert.match(refused([spec("kind.yaml", `kind: mikro\n${GOOD}`)]), /kind\.yaml:1:7: kind: unknown kind "mikro" \(known: micro, macro\)/);
  assert.match(refused([spec("macro-rounds.yaml", readFileSync("experiments/provos2002.yaml", "utf8")), "--rounds", "3"]), /--rounds: .*macro-rounds\.yaml is a macrobenchmark spec, which has repetitions, not rounds or trials/);
});

test("reboot: between-blocks refuses a precision goal, and blocksPerBoot belongs to it, in either kind: file, line and field named", () => {
  const precision = spec("blocks-precision.yaml", `${GOOD}reboot: between-blocks\nprecision: {ratio: 0.05, maxMinutes: 1}\n`);
  assert.match(refused([precision]), /blocks-precision\.yaml:9:\d+: precision: a precision goal adds blocks one at a time; under reboot: between-blocks the blocks come in boots: give trials instead/);
  assert.match(refused([spec("blocks-alone.yaml", `${GOOD}blocksPerBoot: 3\n`)]), /blocks-alone\.yaml:8:\d+: blocksPerBoot: blocks per boot apply to reboot: between-blocks only \(this spec reboots as-needed\)/);
  const macro = `${readFileSync("experiments/provos2002.yaml", "utf8")}\nreboot: per-personality\nblocksPerBoot: 2\n`;
  assert.match(refused([spec("macro-blocks.yaml", macro)]), /macro-blocks\.yaml:\d+:\d+: blocksPerBoot: blocks per boot apply to reboot: between-blocks only \(this spec reboots per-personality\)/);
  const r = tracetax(["plan", spec("blocks-good.yaml", `${GOOD}reboot: between-blocks\nblocksPerBoot: 3\n`)]);
  assert.equal(r.status, 0, r.stderr);
});
