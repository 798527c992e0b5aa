import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { microKind } from "../scripts/kinds/micro/index.ts";
import type { CellRecord } from "../scripts/model/cell.ts";
import { readSummaryCsv, type SummaryRow } from "../scripts/results/summaryCsv.ts";
import { CALLS, FDS } from "../scripts/model/vocabulary.ts";
import { renderReport } from "../scripts/render/report.ts";
import { hostFacts, microCell, microManifest, roundsOf, summaryRowOf, writeMicroRun, type CellPoint } from "./support/syntheticRun.ts";

// A small synthetic run on one Linux host: plain and ptrace cells measured
// (ptrace in two placements), systrace skipped as on any Linux host.
const HOST = "linux-box";
const ROUNDS = 5;
const TRIALS = 2;
const EVIL_CPU = `<script>alert("cpu")</script> Xeon`;
const SYSTRACE_REASON = "systrace exists only on OpenBSD up to 5.9";

type Cell = CellPoint;

const plainCells: Cell[] = CALLS.flatMap((call) => FDS.map((fd) => ({ call, fd, tracer: "none" as const, placement: "unpinned" as const })));
const ptraceCells: Cell[] = (["unpinned", "cross-cpu"] as const).flatMap((placement) =>
  CALLS.flatMap((call) => FDS.map((fd) => ({ call, fd, tracer: "ptrace" as const, placement }))),
);
const systraceCells: Cell[] = CALLS.flatMap((call) => FDS.map((fd) => ({ call, fd, tracer: "systrace" as const, placement: "unpinned" as const })));

// Distinct, recognisable overhead percentages; "1234%" must appear on a bar.
function wcPercent(cell: Cell): number {
  return cell.call === "open" && cell.fd === "valid" ? 1234 : 2000 + CALLS.indexOf(cell.call) * 100 + FDS.indexOf(cell.fd) * 10;
}

// close() with a valid descriptor under ptrace: an overhead whose interval includes zero.
const isNoOverhead = (cell: Cell) => cell.call === "close" && cell.fd === "valid";

function summaryRow(cell: Cell, index: number): SummaryRow {
  const record = microCell(HOST, cell, { trials: TRIALS, rounds: ROUNDS });
  const common = { timer_overhead: 30, mad: 40 + index, between_trial_spread: 7, within_trial_mad: 9 };
  const median = 1000 + index * 100;
  if (cell.tracer === "none") {
    return summaryRowOf(record, {
      ...common, median, q1: median - 50, q3: median + 50, min: median - 80, max: median + 90,
      median_ci_low: median - 21, median_ci_high: median + 23, median_ns: median / 2.5,
      warnings: index === 0 ? ["few-rounds"] : [],
    });
  }
  // Numbers need not be consistent with each other: the report must show them, not recompute them.
  const bimodal = cell.call === "write" && cell.fd === "invalid";
  const spread = isNoOverhead(cell) ? { low: -500, high: 700 } : { low: 38000, high: 41000 };
  return summaryRowOf(record, {
    ...common, median: 40000 + index, q1: 30000, q3: 60000, min: 20000, max: 90000,
    plain_median: 1000, overhead_cycles: 39000 + index, overhead_percent: 3900,
    bimodal, bc_median: 20000, bc_n: bimodal ? 6 : ROUNDS * TRIALS, wc_median: 80000, wc_n: bimodal ? 4 : ROUNDS * TRIALS,
    bc_overhead_cycles: 19000 + index, bc_overhead_percent: 456.4, wc_overhead_cycles: 79000 + index, wc_overhead_percent: wcPercent(cell),
    median_ci_low: 39500, median_ci_high: 40600, median_ns: 16667.1,
    overhead_ns: 16250.4, overhead_ci_low: spread.low, overhead_ci_high: spread.high, ratio: 40.01, ratio_ci_low: 39.5, ratio_ci_high: 40.7,
    block_test_p: 0.0123, paired_blocks: TRIALS,
    bc_overhead_ci_low: spread.low - 100, bc_overhead_ci_high: spread.high - 100, wc_overhead_ci_low: spread.low + 100, wc_overhead_ci_high: spread.high + 100,
    warnings: bimodal ? ["bimodal", "trials-disagree"] : [],
  });
}

// The bimodal cell flaps between two levels.
const cyclesOf = (cell: CellRecord) => (trial: number, round: number) => (cell.tracer === "ptrace" ? (round % 2 === 0 ? 80000 : 20000) + trial : 1000 + round);

const cellRecord = (cell: Cell, status: CellRecord["status"] = "done", reason?: string) => microCell(HOST, cell, { trials: TRIALS, rounds: ROUNDS, status, reason });

const manifest = microManifest(
  [...plainCells.map((c) => cellRecord(c)), ...ptraceCells.map((c) => cellRecord(c)), ...systraceCells.map((c) => cellRecord(c, "skipped", SYSTRACE_REASON))],
  {
    runId: "20240101T000000Z-abcd",
    hosts: {
      [HOST]: hostFacts(HOST, {
        cpuModel: EVIL_CPU, tscFlags: ["constant_tsc", "rdtscp"], cpuFreqGovernor: "performance", cpuFreqDriver: "intel_pstate", turbo: true,
        dmiVendor: "Dell Inc.", dmiProduct: "OptiPlex 7010", virtDetected: "none",
      }),
    },
    analysis: { bootstrapResamples: 1234, seed: 77 },
  },
);

const measured = [...plainCells, ...ptraceCells];
const summary = measured.map(summaryRow);
const plainRows = summary.filter((r) => r.tracer === "none");

describe("renderReport", () => {
  let work: string;
  let runDir: string;
  let first: { indexPath: string; figureFiles: string[] };
  let second: { indexPath: string; figureFiles: string[] };
  let index: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "tracetax-render-"));
    runDir = join(work, "run");
    const records = measured.map((c) => cellRecord(c));
    writeMicroRun(runDir, manifest, records.flatMap((c) => roundsOf(c, cyclesOf(c))), summary);
    first = await renderReport(microKind, runDir, manifest, join(work, "out1"));
    second = await renderReport(microKind, runDir, manifest, join(work, "out2"));
    index = readFileSync(first.indexPath, "utf8");
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it("writes index.html with the four figures inline", () => {
    assert.ok(existsSync(first.indexPath));
    assert.equal(index.match(/<svg/g)?.length, 4);
  });

  it("has no mechanisms section when the run measured only the paper's tracers", () => {
    assert.doesNotMatch(index, /Interception mechanisms|id="mechanisms-/);
  });

  it("writes svg, png, vl.json and csv for every figure, and links them", () => {
    for (const name of ["plain-calls", "flapping", "overhead-valid", "overhead-invalid"]) {
      for (const ext of [".svg", ".png", ".vl.json", ".csv"]) {
        const file = join(work, "out1", "figures", `${HOST}-${name}${ext}`);
        assert.ok(first.figureFiles.includes(file), `${file} returned`);
        assert.ok(existsSync(file), `${file} written`);
        assert.ok(index.includes(`href="figures/${HOST}-${name}${ext}"`), `${name}${ext} linked`);
      }
    }
    assert.equal(first.figureFiles.length, 16);
    JSON.parse(readFileSync(join(work, "out1", "figures", `${HOST}-overhead-valid.vl.json`), "utf8"));
  });

  it("rasterises every figure to a PNG of the SVG's proportions", () => {
    for (const name of ["plain-calls", "flapping", "overhead-valid", "overhead-invalid"]) {
      const png = readFileSync(join(work, "out1", "figures", `${HOST}-${name}.png`));
      assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${name}: PNG signature`);
      assert.equal(png.toString("latin1", 12, 16), "IHDR");
      const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      const svg = readFileSync(join(work, "out1", "figures", `${HOST}-${name}.svg`), "utf8");
      const [, svgWidth, svgHeight] = /<svg[^>]*width="([\d.]+)" height="([\d.]+)"/.exec(svg)!.map(Number);
      assert.equal(width, Math.round(2 * svgWidth), `${name}: twice the SVG's width`);
      assert.equal(height, Math.round(2 * svgHeight), `${name}: twice the SVG's height`);
      assert.ok(png.length > 5000, `${name}: ${png.length} bytes`);
    }
  });

  it("draws error bars from the intervals of summary.csv", () => {
    const errorBars = (name: string) =>
      [...readFileSync(join(work, "out1", "figures", `${HOST}-${name}.svg`), "utf8").matchAll(/aria-label="([^"]*)"[^>]*aria-roledescription="errorbar"/g)].map((m) => m[1]);
    const plain = errorBars("plain-calls");
    assert.equal(plain.length, plainRows.length, "one error bar per plain bar");
    for (const row of plainRows) {
      assert.ok(plain.some((label) => label.includes(`median_ci_low: ${row.median_ci_low}`) && label.includes(`median_ci_high: ${row.median_ci_high}`)), `${row.call}/${row.fd}`);
    }
    const overhead = errorBars("overhead-valid");
    assert.equal(overhead.length, 2 * CALLS.length, "ptrace wc and bc for every call");
    // vega writes negative numbers with a minus sign (U+2212).
    assert.ok(overhead.some((label) => /^call: close; .*series: ptrace \(bc\); ci_high: 600; ci_low: −600$/.test(label)), "close(): bc interval across zero");
  });

  it("labels the overhead bars with the percentages of summary.csv", () => {
    const svg = readFileSync(join(work, "out1", "figures", `${HOST}-overhead-valid.svg`), "utf8");
    assert.match(svg, />1234%</);
    assert.match(svg, />456%</);
    assert.doesNotMatch(svg, /systrace/, "no systrace bars or legend entry on a Linux host");
  });

  it("draws the plain figure from exactly the plain rows", () => {
    const csvRows = readSummaryCsv(join(work, "out1", "figures", `${HOST}-plain-calls.csv`));
    assert.deepEqual(csvRows, plainRows);
  });

  it("compares with the published numbers and says what was not measured", () => {
    const comparison = index.slice(index.indexOf("Comparison with the published overheads"), index.indexOf('<section id="cells">'));
    assert.match(comparison, /<td>1579%<\/td>/);
    assert.match(comparison, /<td>3844%<\/td>/);
    assert.match(comparison, /<td>systrace<\/td><td>—<\/td><td>546%<\/td><td>not measured: systrace exists only on OpenBSD up to 5\.9<\/td>/);
    assert.match(comparison, /<td>1234%<\/td><td>1579%<\/td><td>similar \(×0\.8\)<\/td>/);
    assert.match(index, /No OpenBSD host was measured/);
  });

  it("says no measurable overhead where the interval includes zero", () => {
    const overheadTable = index.slice(index.indexOf("Overhead per traced cell"));
    assert.match(overheadTable, /<td>close<\/td><td>valid<\/td><td>ptrace<\/td><td>unpinned<\/td>.*?no measurable overhead/);
    assert.doesNotMatch(overheadTable, /<td>open<\/td><td>valid<\/td><td>ptrace<\/td><td>unpinned<\/td>.*?no measurable overhead/);
    const comparison = index.slice(index.indexOf("Comparison with the published overheads"), index.indexOf("Statistics per cell"));
    assert.match(comparison, /<td>valid<\/td><td>close<\/td><td>ptrace \(wc\)<\/td><td>2200%<\/td><td>2664%<\/td><td>no measurable overhead/);
  });

  it("shows each cell's numbers and warnings beside it, and the host's warnings with their evidence", () => {
    const stats = index.slice(index.indexOf("Statistics per cell"), index.indexOf("Overhead per traced cell"));
    assert.match(stats, /<td>write<\/td><td>invalid<\/td><td>ptrace<\/td><td>unpinned<\/td>.*?39,500 – 40,600.*?>bimodal<\/span> <span[^>]*>trials-disagree<\/span>/);
    assert.match(stats, /<td>open<\/td><td>valid<\/td><td>none<\/td><td>unpinned<\/td><td>10 \(2 trials\)<\/td><td>1,000<\/td><td>979 – 1,023<\/td><td>400<\/td>.*?>few-rounds</);
    const environment = index.slice(index.indexOf("<h3>Environment</h3>"), index.indexOf("Frame 25"));
    assert.match(environment, /tsc-not-invariant<\/span>.*\(cpuinfo lacks nonstop_tsc\)/);
    assert.match(environment, /turbo<\/span>.*\(turbo\/boost enabled\)/);
    assert.doesNotMatch(environment, /host-load|virtualized<\/span>/);
  });

  it("states the bootstrap settings the manifest recorded", () => {
    assert.match(index, /1234 resamples, seed 77/);
    assert.match(index, /1234\s+times, from a seeded generator \(seed\s+77; as recorded in manifest\.json\)/);
  });

  it("says in the captions how many rounds and trials a bar is the median of", () => {
    const plainCaption = index.slice(index.indexOf("Frame 25"), index.indexOf("Frame 26"));
    assert.match(plainCaption, /median of\s+5 rounds × 2 trials, all rounds pooled \(n = 10\)/);
    const flappingCaption = index.slice(index.indexOf("Frame 26"), index.indexOf("Frame 27"));
    assert.match(flappingCaption, /5 rounds × 2 trials per placement/);
  });

  it("references no remote resource", () => {
    assert.doesNotMatch(index, /(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    assert.doesNotMatch(index, /url\(\s*["']?\s*(?:https?:)?\/\//i);
  });

  it("renders byte-identical output twice", () => {
    assert.deepEqual(
      second.figureFiles.map((f) => f.replace(join(work, "out2"), "")),
      first.figureFiles.map((f) => f.replace(join(work, "out1"), "")),
    );
    for (const [i, file] of first.figureFiles.entries()) {
      assert.ok(readFileSync(file).equals(readFileSync(second.figureFiles[i])), `${file} differs between renders`);
    }
    assert.ok(readFileSync(first.indexPath).equals(readFileSync(second.indexPath)));
  });

  it("escapes strings from the data", () => {
    assert.ok(!index.includes("<script"), "no script element");
    assert.ok(index.includes("&lt;script&gt;alert(&quot;cpu&quot;)&lt;/script&gt; Xeon"));
  });
});
