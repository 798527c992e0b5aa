import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { MACRO_CSV, readMacroSummary } from "../macro/macroCsv.ts";
import type { MacroManifest } from "../macro/runMacro.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import { readManifest } from "../results/runDir.ts";
import { environmentSection } from "./environment.ts";
import { figureBlock } from "./figureBlock.ts";
import { factsTable, html, table } from "./html.ts";
import { page } from "./page.ts";
import { hasProvosWorkloads, provosTable } from "./provosTable.ts";
import { serverFigure } from "./serverFigure.ts";
import { REFERENCE_DIR } from "../results/referenceDir.ts";

/** A run directory made from a macrobenchmark spec. */
export function isMacroRun(runDir: string): boolean {
  return existsSync(join(runDir, MACRO_CSV));
}

const num = (v: number | null) => (v === null ? "—" : v.toPrecision(4));

/** The report of a macrobenchmark run: frame 14 beside Provos' numbers and the server figure, each where its data exist. */
export async function renderMacroReport(runDir: string, outDir: string): Promise<{ indexPath: string; figureFiles: string[] }> {
  const manifest = readManifest(runDir) as unknown as MacroManifest;
  const summary = readMacroSummary(runDir);
  const notMeasured = (manifest.measurements ?? []).filter((m) => m.status !== "done");
  const own = join(runDir, "reference");
  const referenceDir = existsSync(join(own, "provos2002.csv")) ? own : REFERENCE_DIR;
  mkdirSync(join(outDir, "figures"), { recursive: true });
  // Each host's numbers stand apart: its plain runs are the baseline of its traced ones.
  const hostNames = [...new Set([...Object.keys(manifest.hosts), ...(manifest.measurements ?? []).map((m) => m.host), ...summary.map((r) => r.host)])];
  const figureFiles: string[] = [];
  const hostSections = [];
  for (const name of hostNames) {
    const rows = summary.filter((r) => r.host === name);
    const plan = serverFigure(rows);
    const figure = plan ? await figureBlock(outDir, name, plan) : null;
    figureFiles.push(...(figure?.files ?? []));
    const facts = manifest.hosts[name];
    hostSections.push(html`<section id="host-${name}">
<h2>Host ${name}</h2>
${hasProvosWorkloads(rows) ? html`<h3>Provos 2002 (frame 14)</h3>${provosTable(rows, referenceDir)}` : html``}
${figure ? html`<h3>Traced network server</h3>${figure.markup}` : html``}
${facts ? environmentSection(facts) : html`<p>No facts: the host was not reached or its build failed (see below).</p>`}
</section>`);
  }
  const body = html`<header>
<h1>Macrobenchmarks: what interception costs whole programs</h1>
${factsTable([
  ["run", manifest.runId],
  ["spec", `${manifest.spec.path} (sha256 ${manifest.spec.sha256})`],
  ["hosts", hostNames.join(", ")],
  ["repetitions", manifest.settings.repetitions],
  ["state", manifest.stoppedBecause ? `${manifest.state}: ${manifest.stoppedBecause}` : manifest.state],
])}
</header>
<main>
${hostSections}
<section id="summary">
<h2>Every host, workload and mechanism</h2>
<p>From <code>macro-summary.csv</code>: medians and median absolute deviations over the runs that succeeded; seconds, requests per second, µs.</p>
<p>Calls: what the mechanism was told to intercept, every system call (all) or the socket calls (accept, accept4,
read, recvfrom, recvmsg, write, sendto, sendmsg, close). Plain runs are measured once, as the baseline of both.</p>
${table(
  ["host", "workload", "mechanism", "calls", "runs", "failed", "real", "± MAD", "user", "sys", "requests/s", "± MAD", "p50 µs", "p99 µs"],
  summary.map((r) => [r.host, r.workload, r.mechanism, r.calls, r.runs, r.failed, num(r.real_median), num(r.real_mad), num(r.user_median), num(r.sys_median), num(r.rps_median), num(r.rps_mad), num(r.p50_us_median), num(r.p99_us_median)]),
  "numbers",
)}
</section>
${notMeasured.length > 0 ? html`<section id="not-measured">
<h2>Not measured, or failed</h2>
<p>Measurements of the spec this run has no successful rows for, with the reason from <code>manifest.json</code>.</p>
${table(["host", "workload", "mechanism", "calls", "status", "reason"], notMeasured.map((m) => [m.host, m.workload, m.mechanism, m.calls, m.status, m.reason ?? ""]))}
</section>` : html``}
</main>`;
  const indexPath = resolve(outDir, "index.html");
  writeFileAtomic(indexPath, page(`tracetax macrobenchmarks ${manifest.runId}`, body));
  return { indexPath, figureFiles: figureFiles.map((f) => resolve(outDir, f)) };
}
