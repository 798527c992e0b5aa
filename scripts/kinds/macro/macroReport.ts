import { environmentSection } from "../../render/environment.ts";
import { figureBlock } from "../../render/figureBlock.ts";
import { html, table } from "../../render/html.ts";
import type { ReportBody } from "../../render/reportingKind.ts";
import type { MacroCellRecord } from "../../model/macroCell.ts";
import type { RunManifest } from "../../model/manifest.ts";
import type { MacroSettings } from "./macroPlan.ts";
import { readMacroSummary } from "./macroRows.ts";
import { hasProvosWorkloads, provosTable } from "./provosTable.ts";
import { serverFigure } from "./serverFigure.ts";

const num = (v: number | null) => (v === null ? "—" : v.toPrecision(4));

/** The report of a macrobenchmark run: frame 14 beside Provos' numbers and the server figure, each where its data exist. */
export async function macroReport(runDir: string, manifest: RunManifest<"macro", MacroSettings, MacroCellRecord>, outDir: string, referenceDir: string): Promise<ReportBody> {
  const summary = readMacroSummary(runDir);
  const notMeasured = manifest.cells.filter((m) => m.status !== "done");
  // Each host's numbers stand apart: its plain runs are the baseline of its traced ones.
  const hostNames = [...new Set([...Object.keys(manifest.hosts), ...manifest.cells.map((m) => m.host), ...summary.map((r) => r.host)])];
  const files: string[] = [];
  const hostSections = [];
  for (const name of hostNames) {
    const rows = summary.filter((r) => r.host === name);
    const plan = serverFigure(rows);
    const figure = plan ? await figureBlock(outDir, name, plan) : null;
    files.push(...(figure?.files ?? []));
    const facts = manifest.hosts[name];
    hostSections.push(html`<section id="host-${name}">
<h2>Host ${name}</h2>
${hasProvosWorkloads(rows) ? html`<h3>Provos 2002 (frame 14)</h3>${provosTable(rows, referenceDir)}` : html``}
${figure ? html`<h3>Traced network server</h3>${figure.markup}` : html``}
${facts ? environmentSection(facts) : html`<p>No facts: the host was not reached or its build failed (see below).</p>`}
</section>`);
  }
  return {
    title: "Macrobenchmarks: what interception costs whole programs",
    contents: [
      ...hostNames.map((h) => html`<a href="#host-${h}">Host ${h}</a>`),
      html`<a href="#summary">Every host, workload and mechanism</a>`,
      ...(notMeasured.length > 0 ? [html`<a href="#not-measured">Not measured, or failed</a>`] : []),
    ],
    sections: html`<p>${manifest.settings.repetitions} repetitions of each workload under each mechanism, on ${hostNames.join(", ")}.</p>
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
<p>Cells of the spec this run has no successful rows for, with the reason from <code>manifest.json</code>.</p>
${table(["host", "workload", "mechanism", "calls", "status", "reason"], notMeasured.map((m) => [m.host, m.workload, m.mechanism, m.calls, m.status, m.reason ?? ""]))}
</section>` : html``}`,
    files,
  };
}
