import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CellRecord, Manifest } from "../scripts/results/manifest.ts";
import { formatRawRows, rawHeader, type RawRow } from "../scripts/results/rawCsv.ts";
import { formatSummaryCsv, readSummaryCsv, type SummaryRow } from "../scripts/results/summaryCsv.ts";
import type { Call, Fd, Placement, Tracer } from "../scripts/spec/vocabulary.ts";
import { renderReport } from "../scripts/render/report.ts";

// A synthetic run with mechanisms beyond the paper's: two with a tracer
// process (ptrace, seccomp-notify), one without (preload), two ":inspect"
// pairs, an overhead below zero, and write() on an invalid descriptor
// bimodal under ptrace at cross-cpu only.
const HOST = "mech-box";
const ROUNDS = 6;
const TRIALS = 2;

interface Cell {
  call: Call;
  fd: Fd;
  tracer: Tracer;
  placement: Placement;
}

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

function summaryRow([cell, numbers]: [Cell, Numbers]): SummaryRow {
  const traced = cell.tracer !== "none";
  const median = traced ? 1000 + (numbers.overhead_cycles ?? 0) : 1000;
  const nullable = {
    timer_overhead: null, plain_median: traced ? 1000 : null, overhead_cycles: null, overhead_percent: null,
    bc_overhead_cycles: null, bc_overhead_percent: null, wc_overhead_cycles: null, wc_overhead_percent: null,
    median_ci_low: null, median_ci_high: null, median_ns: null, between_trial_spread: null, overhead_ns: null,
    overhead_ci_low: null, overhead_ci_high: null, ratio: null, analysis_cycles: null, ratio_ci_low: null, ratio_ci_high: null,
    mann_whitney_p: null, bc_overhead_ci_low: null, bc_overhead_ci_high: null, wc_overhead_ci_low: null, wc_overhead_ci_high: null,
  };
  const overhead = numbers.overhead_cycles
    ? { overhead_percent: numbers.overhead_cycles / 10, overhead_ci_low: numbers.overhead_cycles - 10, overhead_ci_high: numbers.overhead_cycles + 10 }
    : {};
  return {
    host: HOST, ...cell, trials: TRIALS, n: ROUNDS * TRIALS, median, q1: median, q3: median, min: median, max: median,
    mad: 1, within_trial_mad: 1, warnings: [], ...nullable,
    bimodal: false, bc_median: median, bc_n: ROUNDS * TRIALS, wc_median: median, wc_n: ROUNDS * TRIALS,
    ...overhead, ...numbers,
  };
}

function rawRows([cell]: [Cell, Numbers]): RawRow[] {
  const rows: RawRow[] = [];
  for (let trial = 1; trial <= TRIALS; trial++) {
    for (let round = 1; round <= ROUNDS; round++) rows.push({ host: HOST, ...cell, trial, round, cycles: 1000 * round + trial, result: "ok" });
  }
  return rows;
}

function cellRecord([cell]: [Cell, Numbers]): CellRecord {
  const id = `${HOST}/${cell.call}/${cell.fd}/${cell.tracer}/${cell.placement}`;
  return { id, host: HOST, ...cell, trials: TRIALS, rounds: ROUNDS, warmup: 1, status: "done" };
}

const manifest: Manifest = {
  format: 1,
  runId: "20240202T000000Z-mech",
  tool: { name: "tracetax", version: "0.1.0", commit: "deadbeef" },
  spec: { path: "experiments/modern-linux.yaml", sha256: "0".repeat(64), text: "" },
  settings: { rounds: ROUNDS, warmup: 1, trials: TRIALS, timeoutSeconds: 60, analysis: { bootstrapResamples: 100, seed: 1 } },
  startedAt: "2024-02-02T00:00:00Z",
  endedAt: "2024-02-02T00:10:00Z",
  state: "complete",
  hosts: {},
  cells: cells.map(cellRecord),
};

describe("renderReport: interception mechanisms", () => {
  let work: string;
  let index: string;
  const figure = (name: string, ext: string) => readFileSync(join(work, "out", "figures", `${HOST}-${name}${ext}`), "utf8");
  const figureData = (name: string) => JSON.parse(figure(name, ".vl.json")).data.values as Record<string, unknown>[];
  const section = () => index.slice(index.indexOf(`<section id="mechanisms-${HOST}">`), index.indexOf("Statistics per cell"));

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "tracetax-render-mechanisms-"));
    const runDir = join(work, "run");
    mkdirSync(runDir);
    writeFileSync(join(runDir, "manifest.json"), JSON.stringify(manifest, null, 2));
    writeFileSync(join(runDir, "summary.csv"), formatSummaryCsv(cells.map(summaryRow)));
    writeFileSync(join(runDir, "raw.csv"), rawHeader() + formatRawRows(cells.flatMap(rawRows)));
    index = readFileSync((await renderReport(runDir, join(work, "out"))).indexPath, "utf8");
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
    assert.deepEqual([...new Set(spec.data.values.map((r: RawRow) => r.tracer))], ["ptrace", "seccomp-notify"]);
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
