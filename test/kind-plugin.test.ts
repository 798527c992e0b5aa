import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compareRuns } from "../scripts/analyze/compareRuns.ts";
import { bagRun } from "../scripts/archive/bagRun.ts";
import { verifyBag } from "../scripts/archive/verifyBag.ts";
import { Fleet } from "../scripts/hosts/fleet.ts";
import { KINDS, loadSpec, readRun } from "../scripts/kinds/registry.ts";
import { renderReport } from "../scripts/render/report.ts";
import { runExperiment } from "../scripts/run/runner.ts";
import { FakeHost } from "./support/fakeHost.ts";
import { removeDir, tempDir } from "./support/native.ts";
import { readTally, tallyKind } from "./support/tallyKind.ts";

const dir = tempDir("kinds");
after(() => removeDir(dir));

// One registry line: the shipped kinds and the test's.
const kinds = [...KINDS, tallyKind];

function specFile(name: string, words: string[], hosts: string[]): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `kind: tally\nname: ${name}\ntitle: letters\nhosts: [${hosts.join(", ")}]\nwords: [${words.join(", ")}]\nrepetitions: 3\n`);
  return path;
}

/** A host that answers tt-tally with the word's length, after `delayMs`. */
const counting = (name: string, delayMs = 5, run?: (word: string, call: number) => void) =>
  new FakeHost(name, {
    run: async (_program, [word], call) => {
      run?.(word, call);
      await new Promise((r) => setTimeout(r, delayMs));
      return String(word.length);
    },
  });

function run(path: string, hosts: FakeHost[], o: { signal?: AbortSignal; resume?: string } = {}) {
  const { kind, spec } = loadSpec(path, kinds);
  return runExperiment({ kind, spec, fleet: new Fleet(undefined, hosts), resultsRoot: join(dir, "results"), ...o });
}

describe("a kind is a plug-in: a test-only kind runs through the one pipeline", () => {
  it("plans, measures hosts in parallel, analyses, verifies, archives, reports and compares", async () => {
    const path = specFile("whole", ["sun", "moon", "forbidden"], ["fa", "fb"]);
    assert.equal(loadSpec(path, kinds).kind, tallyKind, "the spec's kind: picks the kind");
    const [a, b] = [counting("fa"), counting("fb")];
    const outcome = await run(path, [a, b]);
    assert.equal(outcome.complete, true);
    assert.deepEqual(outcome.hostErrors, []);
    const { kind, manifest } = readRun(outcome.runDir, kinds);
    assert.equal(kind, tallyKind);
    assert.equal(manifest.kind, "tally");
    assert.deepEqual(
      manifest.cells.map((c) => `${c.id} ${c.status}${c.reason ? ` (${c.reason})` : ""}`),
      ["fa/sun done", "fa/moon done", "fa/forbidden skipped (this word is never tallied)", "fb/sun done", "fb/moon done", "fb/forbidden skipped (this word is never tallied)"],
    );
    assert.deepEqual(Object.keys(manifest.hosts).sort(), ["fa", "fb"]);
    assert.deepEqual(readTally(outcome.runDir).map((r) => `${r.host} ${r.word} ${r.repetition} ${r.letters}`).sort(), [
      "fa moon 1 4", "fa moon 2 4", "fa moon 3 4", "fa sun 1 3", "fa sun 2 3", "fa sun 3 3",
      "fb moon 1 4", "fb moon 2 4", "fb moon 3 4", "fb sun 1 3", "fb sun 2 3", "fb sun 3 3",
    ]);
    // The two hosts overlapped: each started before the other ended.
    assert.ok(a.calls[0].startedAt < b.calls.at(-1)!.endedAt && b.calls[0].startedAt < a.calls.at(-1)!.endedAt, "hosts measured in parallel");

    assert.equal(kind.analyze(outcome.runDir, manifest).rows, 4);
    assert.deepEqual(kind.verify(outcome.runDir, manifest).problems, []);
    const bag = bagRun(outcome.runDir, manifest, kind.payload);
    assert.match(bag.files.get("bag-info.txt")!.toString(), /External-Description: Measurements of one tracetax tally run of .*whole\.yaml: manifest\.json, tally\.csv/);
    assert.deepEqual(verifyBag(bag, "bag").problems, []);
    const { indexPath } = await renderReport(kind, outcome.runDir, manifest, join(dir, "report"));
    assert.match(readFileSync(indexPath, "utf8"), /<h1>Tallies<\/h1>[^]*<a href="#tallies">[^]*<td>fb<\/td><td>moon<\/td><td>2<\/td><td>4<\/td>/);
    const samples = { dir: outcome.runDir, manifest, run: kind.comparable(outcome.runDir, manifest) };
    assert.equal(compareRuns(samples, samples).cells.length, 4);
  });

  it("a host that fails mid-way fails its cells not measured, with the reason; the other host is unaffected", async () => {
    const path = specFile("failing", ["one", "two", "three"], ["fa", "fb"]);
    const lost = new FakeHost("fb", {
      run: (_p, [word], call) => {
        if (call > 4) throw new Error("Connection to fb closed by remote host");
        return String(word.length);
      },
    });
    const outcome = await run(path, [counting("fa"), lost]);
    const { manifest } = readRun(outcome.runDir, kinds);
    const status = (id: string) => manifest.cells.find((c) => c.id === id)!;
    assert.deepEqual(["fa/one", "fa/two", "fa/three", "fb/one"].map((id) => status(id).status), ["done", "done", "done", "done"]);
    for (const id of ["fb/two", "fb/three"]) {
      assert.equal(status(id).status, "failed");
      assert.equal(status(id).reason, "not measured: Connection to fb closed by remote host");
    }
    assert.deepEqual(outcome.hostErrors, ["fb: Connection to fb closed by remote host"]);
    assert.equal(outcome.failedCells, 2);
    assert.equal(readTally(outcome.runDir).filter((r) => r.host === "fb").length, 3, "the cell measured before the loss is kept");
  });

  it("a host whose build fails fails every cell with the compiler's words, said once", async () => {
    const path = specFile("unbuilt", ["one", "two"], ["fa", "fb"]);
    const broken = new FakeHost("fb", { run: () => "1", buildFails: "driver.c:12: error: unknown type name 'pid_t'" });
    const outcome = await run(path, [counting("fa"), broken]);
    const { manifest } = readRun(outcome.runDir, kinds);
    const failed = manifest.cells.filter((c) => c.host === "fb");
    assert.ok(failed.every((c) => c.status === "failed" && /building native\/ failed on fb: make exited with status 2 +driver\.c:12: error/.test(c.reason!)), JSON.stringify(failed));
    assert.equal(broken.calls.length, 0);
    assert.ok(manifest.cells.filter((c) => c.host === "fa").every((c) => c.status === "done"));
  });

  it("an interrupted run resumes: every cell and repetition exactly once, done cells untouched", async () => {
    const path = specFile("resumed", ["a", "bb", "ccc", "dddd"], ["fa"]);
    const stop = new AbortController();
    const first = await run(path, [counting("fa", 5, (word) => word === "ccc" && stop.abort())], { signal: stop.signal });
    assert.equal(first.complete, false);
    const before = readRun(first.runDir, kinds).manifest;
    assert.equal(before.state, "incomplete");
    assert.equal(before.stoppedBecause, "interrupted (signal)");
    assert.deepEqual(before.cells.map((c) => c.status), ["done", "done", "done", "pending"]);
    const kept = readFileSync(join(first.runDir, "tally.csv"), "utf8");

    const again = counting("fa");
    const second = await run(path, [again], { resume: first.runDir });
    assert.equal(second.complete, true);
    assert.deepEqual(again.calls.map((c) => c.args[0]), ["dddd", "dddd", "dddd"], "only the cell not done is measured");
    const after = readFileSync(join(first.runDir, "tally.csv"), "utf8");
    assert.ok(after.startsWith(kept), "rows of done cells are kept as they were");
    const rows = readTally(first.runDir).map((r) => `${r.word} ${r.repetition}`);
    assert.equal(new Set(rows).size, rows.length);
    assert.equal(rows.length, 12);
    assert.equal(readRun(first.runDir, kinds).manifest.resumedAt?.length, 1);
    await assert.rejects(run(path, [counting("fa")], { resume: first.runDir }), /nothing to resume: every cell is done or skipped/);
    await assert.rejects(run(specFile("other", ["x"], ["fa"]), [counting("fa")], { resume: first.runDir }), /not the spec run .* was started with/);
  });
});
