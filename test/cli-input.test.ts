import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tracetax } from "./support/cli.ts";
import { removeDir, tempDir } from "./support/native.ts";

const dir = tempDir("cli-input");
after(() => removeDir(dir));

const GOOD = `name: t
title: test
calls: [write]
fds: [invalid]
tracers: [none, ptrace]
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
  assert.match(err, new RegExp(`${path}:5:17: tracers\\[1\\]: unknown tracer "ptrac" \\(known: none, ptrace, ptrace-seccomp, `));
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
  assert.equal(lines.at(-1), "64 cells on 1 host(s)");
  assert.ok(lines.includes("local/write/invalid/ptrace/cross-cpu\t5 trials × 51 rounds"));
  assert.match(r.stdout, /local\/open\/valid\/systrace\/unpinned\t5 trials × 51 rounds\tskipped: systrace is an OpenBSD kernel facility/);
});
