import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { ChildProcess } from "node:child_process";
import { generateTree } from "../scripts/macro/generatedInputs.ts";
import { readMacroCsv } from "../scripts/macro/macroCsv.ts";
import { parseLoadResult } from "../scripts/macro/runWorkload.ts";
import { tracetax } from "./support/cli.ts";
import { buildNative, ended, killAll, removeDir, spawnNative, tempDir, waitForLine } from "./support/native.ts";

let scratch: string;
const started: ChildProcess[] = [];

before(() => {
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
  const w = { dirs: 37, files: 411, maxFileBytes: 300, seed: 7 };
  generateTree(join(scratch, "a"), w);
  generateTree(join(scratch, "b"), w);
  generateTree(join(scratch, "c"), { ...w, seed: 8 });
  const [a, b, c] = ["a", "b", "c"].map((d) => listing(join(scratch, d)));
  assert.equal(a.dirs.length, 37);
  assert.equal(a.files.size, 411);
  assert.deepEqual(b, a);
  assert.notDeepEqual(c, a);
});

for (const mode of ["keepalive", "close"]) {
  test(`tt-load's answered requests match what tt-server served (${mode})`, async () => {
    const server = spawnNative("tt-server", ["-m", mode, "-n", "700", "-t", "20"]);
    started.push(server);
    let out = "";
    server.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    const port = (await waitForLine(server, /^port \d+$/)).split(" ")[1];
    const load = spawnNative("tt-load", ["-P", port, "-n", "700", "-c", "3", "-m", mode, "-t", "20"]);
    started.push(load);
    let loadOut = "";
    load.stdout!.on("data", (c: Buffer) => (loadOut += c.toString()));
    assert.equal(await ended(load), 0);
    assert.equal(await ended(server), 0);
    const result = parseLoadResult(loadOut);
    assert.equal(result?.requests, 700);
    assert.equal(result?.errors, 0);
    assert.match(out, /^served 700$/m);
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
