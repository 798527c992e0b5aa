import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { microKind } from "../scripts/kinds/micro/index.ts";
import { readSummaryCsv, type SummaryRow } from "../scripts/results/summaryCsv.ts";
import { renderReport } from "../scripts/render/report.ts";
import { microCell, microManifest, roundsOf, summaryRowOf, writeMicroRun, type CellPoint } from "./support/syntheticRun.ts";

// A synthetic run with mechanisms beyond the paper's: two with a tracer
// process (ptrace, seccomp-notify), one without (preload), two ":inspect"
// pairs, an overhead below zero, and write() on an invalid descriptor
// bimodal under ptrace at cross-cpu only.
const HOST = "mech-box";
const ROUNDS = 6;
const TRIALS = 2;

type Cell = CellPoint;

/** The numbers of a cell that the tests look for; everything else gets a plain default. */
type Numbers = Partial<Pick<SummaryRow, "overhead_cycles" | "analysis_cycles" | "ratio" | "ratio_ci_low" | "ratio_ci_high" | "bimodal" | "bc_median" | "bc_n" | "wc_median" | "wc_n">>;

const cells: [Cell, Numbers][] = [
  ...(["open", "write"] as const).map((call): [Cell, Numbers] => [{ call, fd: "valid", tracer: "none", placement: "unpinned" }, {}]),
  [{ call: "write", fd: "invalid", tracer: "none", placement: "unpinned" }, {}],
  [{ call: "open", fd: "valid", tracer: "ptrace", placement: "unpinned" }, { overhead_cycles: 61234 }],
  [{ call: "open", fd: "valid", tracer: "ptrace:inspect", placement: "unpinned" }, { overhead_cycles: 65555, analysis_cycles: 4321 }],
  [{ call: "write", fd: "valid", tracer: "ptrace", placement: "unpinned" }, { overhead_cycles: 50000 }],
  [{ call: "open", fd: "valid", tracer: "seccomp-notify", placement: "unpinned" }, { overhead_cycles: 30000, ratio: 17.25, ratio_ci_low: 16.5, ratio_ci_high: 18 }],
  [{ call: "open", fd: "valid", tracer: "preload", placement: "unpinned" }, { overhead_cycles: 777 }],
  [{ call: "open", fd: "valid", tracer: "preload:inspect", placement: "unpinned" }, { overhead_cycles: 832, analysis_cycles: 55 }],
  [{ call: "write", fd: "valid", tracer: "preload", placement: "unpinned" }, { overhead_cycles: -35 }],
  ...(["unpinned", "same-cpu", "cross-cpu"] as const).map((placement): [Cell, Numbers] => [
    { call: "write", fd: "invalid", tracer: "ptrace", placement },
    placement === "cross-cpu" ? { overhead_cycles: 40000, bimodal: true, bc_median: 30000, bc_n: 8, wc_median: 90000, wc_n: 4 } : { overhead_cycles: 40000 },
  ]),
  [{ call: "write", fd: "invalid", tracer: "seccomp-notify", placement: "unpinned" }, { overhead_cycles: 20000 }],
  [{ call: "write", fd: "invalid", tracer: "preload", placement: "unpinned" }, { overhead_cycles: 100 }],
];

const record = ([cell]: [Cell, Numbers]) => microCell(HOST, cell, { trials: TRIALS, rounds: ROUNDS });

function summaryRow([cell, numbers]: [Cell, Numbers]): SummaryRow {
  const traced = cell.tracer !== "none";
  const overhead = numbers.overhead_cycles
    ? { overhead_percent: numbers.overhead_cycles / 10, overhead_ci_low: numbers.overhead_cycles - 10, overhead_ci_high: numbers.overhead_cycles + 10 }
    : {};
  return summaryRowOf(record([cell, numbers]), { median: traced ? 1000 + (numbers.overhead_cycles ?? 0) : 1000, plain_median: traced ? 1000 : null, ...overhead, ...numbers });
}

const manifest = microManifest(cells.map(record), { runId: "20240202T000000Z-mech", analysis: { bootstrapResamples: 100, seed: 1 } });

describe("renderReport: interception mechanisms", () => {
  let work: string;
  let index: string;
  const figure = (name: string, ext: string) => readFileSync(join(work, "out", "figures", `${HOST}-${name}${ext}`), "utf8");
  const figureData = (name: string) => JSON.parse(figure(name, ".vl.json")).data.values as Record<string, unknown>[];
  const section = () => index.slice(index.indexOf(`<section id="mechanisms-${HOST}">`), index.indexOf("Statistics per cell"));

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "tracetax-render-mechanisms-"));
    const runDir = join(work, "run");
    writeMicroRun(runDir, manifest, manifest.cells.flatMap((c) => roundsOf(c, (trial, round) => 1000 * round + trial, "ok")), cells.map(summaryRow));
    index = readFileSync((await renderReport(microKind, runDir, manifest, join(work, "out"))).indexPath, "utf8");
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it("adds the section and links it from the contents", () => {
    assert.match(index, new RegExp(`<section id="mechanisms-${HOST}">\\s*<h3>Interception mechanisms</h3>`));
    assert.match(index, new RegExp(`<nav>[^]*href="#mechanisms-${HOST}"[^]*</nav>`));
  });

  it("leaves a non-positive overhead off the log axis and names it in the caption", () => {
    const bars = figureData("mechanism-overhead");
    assert.ok(bars.some((b) => b.tracer === "ptrace" && b.call === "open" && b.overhead_cycles === 61234));
    assert.ok(!bars.some((b) => b.tracer === "preload" && b.call === "write"), "no bar for preload on write");
    assert.ok(bars.every((b) => (b.overhead_cycles as number) > 0));
    assert.equal(JSON.parse(figure("mechanism-overhead", ".vl.json")).layer[0].encoding.y.scale.type, "log");
    assert.match(section(), /No positive overhead: preload on write\./);
  });

  it("stacks the interception and analysis numbers of summary.csv", () => {
    const segments = figureData("interception-analysis").map((s) => `${s.mechanism} ${s.part} ${s.tracer} ${s.cycles}`);
    assert.deepEqual(segments, [
      "ptrace interception ptrace 61234",
      "ptrace analysis ptrace:inspect 4321",
      "seccomp-notify interception seccomp-notify 30000",
      "preload interception preload 777",
      "preload analysis preload:inspect 55",
    ]);
    const csv = readSummaryCsv(join(work, "out", "figures", `${HOST}-interception-analysis.csv`));
    assert.deepEqual(csv.map((r) => [r.tracer, r.overhead_cycles, r.analysis_cycles]), [
      ["ptrace", 61234, null],
      ["ptrace:inspect", 65555, 4321],
      ["seccomp-notify", 30000, null],
      ["preload", 777, null],
      ["preload:inspect", 832, 55],
    ]);
    assert.match(section(), /Missing: no analysis part for seccomp-notify/);
  });

  it("tabulates the ratio to plain with its interval", () => {
    const ratios = section().slice(section().indexOf("Ratio to plain"));
    assert.match(ratios, /<td>seccomp-notify<\/td><td>×17\.25 \(16\.50 – 18\.00\)<\/td><td>—<\/td>/);
  });

  it("draws one row of flapping panels per tracer with a tracer process", () => {
    const spec = JSON.parse(figure("mechanism-flapping", ".vl.json"));
    assert.deepEqual(spec.facet.row.sort, ["ptrace", "seccomp-notify"]);
    assert.deepEqual([...new Set(spec.data.values.map((r: { tracer: string }) => r.tracer))], ["ptrace", "seccomp-notify"]);
    const svg = figure("mechanism-flapping", ".svg");
    assert.match(svg, />seccomp-notify</);
    assert.doesNotMatch(svg, />preload</);
  });

  it("tabulates the modes per placement and says where they are bimodal", () => {
    const modes = section().slice(section().indexOf("Two modes by placement"));
    assert.match(modes, /<td>ptrace<\/td><td>cross-cpu<\/td><td>yes<\/td><td>30,000 \(8\)<\/td><td>90,000 \(4\)<\/td>/);
    assert.match(modes, /<td>ptrace<\/td><td>same-cpu<\/td><td>no<\/td>/);
    assert.match(modes, /1 of 4 cells are bimodal\. ptrace: bimodal at cross-cpu but not at unpinned, same-cpu/);
    assert.match(modes, /seccomp-notify: one mode at every placement\./);
  });
});
