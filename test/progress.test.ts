import { it } from "node:test";
import assert from "node:assert/strict";
import { ProgressDisplay } from "../scripts/run/progress.ts";

function display(isTTY: boolean) {
  let now = 0;
  const written: string[] = [];
  const out = { isTTY, columns: 200, write: (text: string) => written.push(text) };
  return { progress: new ProgressDisplay(out, () => now), written, advance: (ms: number) => (now += ms) };
}

const cells = ["h/open/valid/systrace/unpinned", "h/open/valid/none/unpinned", "h/write/valid/none/unpinned", "h/close/valid/none/unpinned"];

it("progress off a terminal: one plain line per event, with counts, elapsed time and an estimate", () => {
  const { progress, written, advance } = display(false);
  progress.report({ kind: "host-started", host: "h", cells });
  advance(2000);
  progress.report({ kind: "host-measuring", host: "h" });
  progress.report({ kind: "cell-ended", host: "h", cell: cells[0], status: "skipped", reason: "no systrace" });
  advance(3000);
  progress.report({ kind: "cell-ended", host: "h", cell: cells[1], status: "done" });
  progress.report("[h] a note from a stage");
  advance(3000);
  progress.report({ kind: "cell-ended", host: "h", cell: cells[2], status: "failed", reason: "timeout" });
  progress.report({ kind: "cell-ended", host: "h", cell: cells[3], status: "done" });
  progress.finish();
  assert.deepEqual(written, [
    "[h] building native/ and gathering facts for 4 cells (0/4 cells, elapsed 0s)\n",
    "[h] measuring (0/4 cells, elapsed 2s, estimating time left)\n",
    "[h] h/open/valid/systrace/unpinned: skipped (no systrace) (1/4 cells, elapsed 2s, estimating time left)\n",
    // one cell measured in 3 s, two cells left
    "[h] h/open/valid/none/unpinned: done (2/4 cells, elapsed 5s, about 6s left)\n",
    "[h] a note from a stage\n",
    "[h] h/write/valid/none/unpinned: failed (timeout) (3/4 cells (1 failed), elapsed 8s, about 3s left)\n",
    "[h] h/close/valid/none/unpinned: done (4/4 cells (1 failed), finished in 8s)\n",
  ]);
});

it("progress on a terminal: one line per host, redrawn in place", () => {
  const { progress, written, advance } = display(true);
  progress.report({ kind: "host-started", host: "h", cells });
  progress.report({ kind: "host-started", host: "g", cells: ["g/open/valid/none/unpinned"] });
  progress.report({ kind: "host-measuring", host: "h" });
  advance(1000);
  progress.report({ kind: "cell-ended", host: "h", cell: cells[0], status: "done" });
  assert.equal(written.at(-2), "\x1b[2F\x1b[J", "moves up over the two host lines and clears them");
  assert.equal(written.at(-1), "[h] 1/4 cells, now h/open/valid/none/unpinned, elapsed 1s, about 3s left\n[g] 0/1 cells, building and gathering facts, elapsed 1s\n");
  progress.finish();
  assert.equal(written.at(-1), "[h] 1/4 cells, stopped after 1s\n[g] 0/1 cells, stopped after 1s\n", "the run ended before the hosts did");
});

it("progress: a host that never finished is shown as stopped at the end", () => {
  const { progress, written, advance } = display(false);
  progress.report({ kind: "host-started", host: "h", cells });
  advance(4000);
  progress.finish();
  progress.finish();
  assert.deepEqual(written.slice(1), ["[h] 0/4 cells, stopped after 4s\n"], "said once");
});
