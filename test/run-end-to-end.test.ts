import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { readRawCsv } from "../scripts/results/rawCsv.ts";
import { readSummaryCsv } from "../scripts/results/summaryCsv.ts";
import { BLOCK_BOOTSTRAP_METHOD } from "../scripts/analyze/blockBootstrap.ts";
import { type MicroManifest } from "../scripts/model/manifest.ts";
import { tracetax } from "./support/cli.ts";
import { removeDir, tempDir } from "./support/native.ts";
import { requireTool } from "./support/requireTool.ts";

const ROUNDS = 11;
const TRIALS = 2;
const dir = tempDir("e2e");
let runDir: string;
let reportIndex: string;
let stdout: string;

before(() => {
  const r = tracetax([
    "run", "experiments/zinke2009.yaml", "--rounds", String(ROUNDS), "--trials", String(TRIALS),
    "--results", join(dir, "results"), "--report-root", join(dir, "report"), "--quiet",
  ]);
  assert.equal(r.status, 0, r.stderr);
  stdout = r.stdout;
  runDir = /^results: (.+)$/m.exec(r.stdout)![1];
  reportIndex = /^report: (.+)$/m.exec(r.stdout)![1];
});
after(() => removeDir(dir));

test("run prints the results directory and the report path", () => {
  assert.equal(runDir, join(dir, "results", readdirSync(join(dir, "results"))[0]));
  assert.match(runDir, /\/\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  assert.equal(reportIndex, join(dir, "report", runDir.split("/").pop()!, "index.html"));
  assert.deepEqual(stdout.trim().split("\n").length, 2, "--quiet prints only the two paths");
});

test("the manifest records the spec, the host's facts and every cell's status", () => {
  const m = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MicroManifest;
  assert.equal(m.state, "complete");
  assert.equal(m.spec.text, readFileSync("experiments/zinke2009.yaml", "utf8"));
  assert.match(m.spec.sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(m.settings, { rounds: ROUNDS, warmup: 5, trials: TRIALS, timeoutSeconds: 60, analysis: { bootstrapResamples: 2000, seed: 1, method: BLOCK_BOOTSTRAP_METHOD }, orderSeed: m.settings.orderSeed, spreadSeconds: 0 });
  assert.ok(Number.isInteger(m.settings.orderSeed), "the order seed is recorded");
  const facts = m.hosts.local;
  assert.equal(facts.os, "Linux");
  assert.ok(facts.kernel.length > 0 && facts.cpuModel !== "unknown" && facts.cores >= 1);
  assert.ok(facts.tscHz! > 1e8, `TSC ${facts.tscHz} Hz`);
  assert.match(facts.tscHzSource, /kernel log|measured/);
  assert.match(facts.compiler, /cc|gcc|clang/);
  assert.ok(facts.timerOverheadCycles! > 0);
  assert.equal(m.cells.length, 64);
  const systrace = m.cells.filter((c) => c.tracer === "systrace");
  assert.equal(systrace.length, 24);
  for (const c of systrace) {
    assert.equal(c.status, "skipped");
    assert.match(c.reason!, /OpenBSD/);
  }
  const measured = m.cells.filter((c) => c.tracer !== "systrace");
  for (const c of measured) assert.equal(c.status, "done", `${c.id}: ${c.reason}`);
  for (const c of measured.filter((c) => c.tracer === "ptrace")) assert.equal(c.tracerStops?.length, TRIALS);
  assert.ok(readdirSync(join(runDir, "logs")).includes("local-build.log"));
});

test("raw.csv has one row per round of every measured cell; summary.csv one row per cell", () => {
  const raw = readRawCsv(join(runDir, "raw.csv"));
  assert.equal(raw.length, 40 * ROUNDS * TRIALS);
  assert.deepEqual(Object.keys(raw[0]), ["host", "call", "fd", "tracer", "placement", "trial", "round", "cycles", "result"]);
  assert.ok(raw.filter((r) => r.fd === "invalid" && r.call === "write").every((r) => r.result === "EBADF"));
  const summary = readSummaryCsv(join(runDir, "summary.csv"));
  assert.equal(summary.length, 40);
  const traced = summary.find((s) => s.call === "write" && s.fd === "invalid" && s.tracer === "ptrace" && s.placement === "unpinned")!;
  const plain = summary.find((s) => s.call === "write" && s.fd === "invalid" && s.tracer === "none" && s.placement === "unpinned")!;
  assert.equal(traced.plain_median, plain.median);
  assert.equal(traced.n, ROUNDS * TRIALS);
  assert.ok(traced.overhead_percent! > 100, `ptrace overhead ${traced.overhead_percent}%`);
  assert.ok(traced.wc_median >= traced.bc_median);
});

test("the report shows the four figures with this run's data", () => {
  const html = readFileSync(reportIndex, "utf8");
  for (const heading of ["Frame 25", "Frame 26", "Frame 27", "Frame 28"]) assert.ok(html.includes(heading), heading);
  assert.equal((html.match(/<svg/g) ?? []).length, 4);
  const figures = readdirSync(join(reportIndex, "..", "figures"));
  for (const name of ["plain-calls", "flapping", "overhead-valid", "overhead-invalid"]) {
    for (const ext of ["svg", "png", "vl.json", "csv"]) assert.ok(figures.includes(`local-${name}.${ext}`), `${name}.${ext}`);
  }
  const overheadCsv = readFileSync(join(reportIndex, "..", "figures", "local-overhead-invalid.csv"), "utf8");
  const summary = readSummaryCsv(join(runDir, "summary.csv"));
  const write = summary.find((s) => s.call === "write" && s.fd === "invalid" && s.tracer === "ptrace" && s.placement === "unpinned")!;
  assert.ok(overheadCsv.includes(String(write.median)), "the figure's data is this run's summary");
  assert.ok(html.includes(`${Math.round(write.wc_overhead_percent!)}%`), "the wc percentage label is shown");
  assert.match(html, /systrace is an OpenBSD kernel facility/);
  assert.ok(html.includes("1579"), "published numbers beside ours");
});

test("the report opens offline in a real browser: no request leaves the page, no console error, every figure drawn", async () => {
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: requireTool("/usr/bin/chromium", "apt-get install chromium"),
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (req) => requests.push(req.url()));
    page.on("console", (msg) => msg.type() === "error" && problems.push(msg.text()));
    page.on("pageerror", (err) => problems.push(err.message));
    await page.goto(`file://${reportIndex}`, { waitUntil: "load" });
    const figures = await page.$$eval("figure svg", (svgs) =>
      svgs.map((svg) => ({ width: svg.getBoundingClientRect().width, marks: svg.querySelectorAll("path, rect, line, circle").length })),
    );
    assert.equal(figures.length, 4);
    for (const f of figures) {
      assert.ok(f.width > 100, `figure width ${f.width}`);
      assert.ok(f.marks > 20, `figure with ${f.marks} marks`);
    }
    assert.deepEqual(requests.filter((u) => u !== `file://${reportIndex}`), [], "no request besides the page itself");
    assert.deepEqual(problems, []);
    const shots = join("test", "output");
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, "report.png"), fullPage: true });
  } finally {
    await browser?.close();
  }
});
