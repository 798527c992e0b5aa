import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { removeDir, tempDir } from "./support/native.ts";
import { requireTool } from "./support/requireTool.ts";

const copy = tempDir("build-failure");
after(() => removeDir(copy));

/** Everything of native/ but its build directory (build_bpf.sh is a source). */
const sourcesOnly = (src: string) => src !== join("native", "build") && !src.startsWith(join("native", "build", "/"));

test("a failed build of native/ exits 1 with the compiler's message and marks the cells failed", () => {
  // A copy of the project whose benchmark does not compile.
  for (const part of ["bin", "scripts", "experiments", "results/reference", "package.json"]) cpSync(part, join(copy, part), { recursive: true });
  cpSync("native", join(copy, "native"), { recursive: true, filter: sourcesOnly });
  symlinkSync(resolve("node_modules"), join(copy, "node_modules"));
  appendFileSync(join(copy, "native", "syscall_bench.c"), "\nthis is not C;\n");

  // Results and reports of its own: the user's results/ may hold any number of runs.
  const results = join(copy, "test-results");
  const args = ["run", "experiments/zinke2009.yaml", "--rounds", "3", "--trials", "1", "--results", results, "--report-root", join(copy, "test-report")];
  const r = spawnSync(process.execPath, [join(copy, "bin", "tracetax.js"), ...args], {
    cwd: copy,
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /building native\/ failed on local: make exited with status 2/);
  assert.match(r.stderr, /syscall_bench\.c:\d+:\d+: error/, "the compiler's own words");
  const runs = readdirSync(results);
  assert.equal(runs.length, 1);
  const manifest = JSON.parse(readFileSync(join(results, runs[0], "manifest.json"), "utf8"));
  assert.ok(manifest.cells.every((c: { status: string }) => c.status === "failed"));
  assert.match(manifest.cells[0].reason, /syscall_bench\.c/);
  assert.match(readFileSync(join(results, runs[0], "logs", "local-build.log"), "utf8"), /error/);
  assert.equal(existsSync(join(copy, "native", "build", "tt-syscall")), false);
});

test("native/ builds with BSD make as well as GNU make", () => {
  const dir = join(copy, "bsd");
  cpSync("native", dir, { recursive: true, filter: sourcesOnly });
  const r = spawnSync(requireTool("bmake", "apt-get install bmake"), ["-C", dir], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  for (const program of ["tt-syscall", "tt-driver", "tt-ptrace", "tt-tscfreq"]) {
    assert.ok(existsSync(join(dir, "build", program)), program);
  }
});
