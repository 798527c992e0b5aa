import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { tracetax } from "./support/cli.ts";
import { removeDir, tempDir } from "./support/native.ts";
import { macroCell, macroManifest, macroRow, microCell, microManifest, roundsOf, writeMacroRun, writeMicroRun } from "./support/syntheticRun.ts";

// Two synthetic macro runs of one host: in B, find under ptrace takes twice as long as in A.
const dir = tempDir("macro-pipeline");
after(() => removeDir(dir));

const cells = [macroCell("box", "find", "none"), macroCell("box", "find", "ptrace"), macroCell("box", "gzip", "sud", "all", "skipped")];
const seconds = (factor: number) => (cell: (typeof cells)[number], run: number) => (cell.mechanism === "ptrace" ? factor : 0.1) * (1 + run / 100);

function macroRun(name: string, factor: number): string {
  const runDir = join(dir, name);
  const rows = cells.filter((c) => c.status === "done").flatMap((c) => [1, 2, 3, 4, 5].map((run) => macroRow(c, run, seconds(factor)(c, run))));
  writeMacroRun(runDir, macroManifest(cells, 5, { runId: `20240101T000000Z-${name}` }), rows);
  return runDir;
}

describe("every command on a macro run", () => {
  let a: string;
  let b: string;
  before(() => {
    a = macroRun("a", 1);
    b = macroRun("b", 2);
  });

  it("analyze writes macro-summary.csv, and verify then agrees", () => {
    assert.match(tracetax(["verify", a]).stdout, /macro-summary\.csv: missing/);
    const r = tracetax(["analyze", a]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /summary: .*\/a\/macro-summary\.csv \(2 rows\)/);
    assert.match(readFileSync(join(a, "macro-summary.csv"), "utf8"), /^box,find,ptrace,all,5,0,1\.03,/m);
    assert.equal(tracetax(["verify", a]).stdout.trim(), `ok: ${a}: 2 done cells, 10 rows in macro.csv, macro-summary.csv recomputed`);
    tracetax(["analyze", b]);
  });

  it("compare gives the ratio of medians per workload, mechanism and selection, with intervals over repetitions", () => {
    const r = tracetax(["compare", a, b]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /medians of real seconds, one per repetition \(a process each\)/);
    assert.match(r.stdout, /^find\/ptrace\/all\s+1\.030\s+2\.060\s+2\.000\s+\S+ – \S+\s+[\d.<]+\s+\+100\.0%$/m);
    assert.match(r.stdout, /^find\/none\/all\s+0\.1030\s+0\.1030\s+1\.000\s+.*~$/m);
    const micro = join(dir, "micro");
    const cell = microCell("box", { call: "write", fd: "invalid", tracer: "none", placement: "unpinned" }, { trials: 1, rounds: 6 });
    writeMicroRun(micro, microManifest([cell]), roundsOf(cell, () => 100));
    const mixed = tracetax(["compare", a, micro]);
    assert.equal(mixed.status, 2);
    assert.match(mixed.stderr, /a micro run; .* is a macro run: only runs of one kind compare/);
  });

  it("archive describes the macro payload; the archive verifies and renders the macro report", () => {
    const archive = join(dir, "a.tar.gz");
    assert.equal(tracetax(["archive", a, "--out", archive]).status, 0);
    const tar = gunzipSync(readFileSync(archive)).toString("latin1");
    assert.match(tar, /External-Description: Measurements of one tracetax macro run of experiments\/provos2002\.yaml: manifest\.json, macro\.csv \(one row per run of a workload\), macro-summary\.csv/);
    assert.doesNotMatch(tar, /raw\.csv/);
    assert.match(tracetax(["verify", archive]).stdout, /^ok: .*a\.tar\.gz: bag 20240101T000000Z-a\//m);
    const r = tracetax(["report", archive, "--out", join(dir, "report")]);
    assert.equal(r.status, 0, r.stderr);
    const index = readFileSync(join(dir, "report", "index.html"), "utf8");
    assert.match(index, /<h1>Macrobenchmarks: what interception costs whole programs<\/h1>/);
    assert.match(index, /<td>box<\/td><td>gzip<\/td><td>sud<\/td><td>all<\/td><td>skipped<\/td>/);
  });
});
