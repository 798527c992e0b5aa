import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import type { Manifest } from "../results/manifest.ts";
import { cellStatusTable, notMeasured } from "./cellStatus.ts";
import { hostSection } from "./hostSection.ts";
import { factsTable, html, slug, type Html } from "./html.ts";
import { page } from "./page.ts";
import { methodologySection, studySection } from "./prose.ts";
import { referenceDirFor } from "./reference.ts";
import { mechanismsAnchor, measuresMechanisms } from "./mechanismsSection.ts";
import { isMacroRun, renderMacroReport } from "./macroReport.ts";
import { hostsOf, readRun, type RunData } from "./runData.ts";

function runHeader(manifest: Manifest): Html {
  const { tool, spec } = manifest;
  return html`<header>
<h1>System call tracing overhead — reproduction</h1>
${factsTable([
  ["run", manifest.runId],
  ["spec", `${spec.path} (sha256 ${spec.sha256})`],
  ["started", manifest.startedAt],
  ["ended", manifest.endedAt ?? "not ended"],
  ["state", manifest.stoppedBecause ? `${manifest.state} (${manifest.stoppedBecause})` : manifest.state],
  ["tool", `${tool.name} ${tool.version}, commit ${tool.commit ?? "unknown"}`],
])}
</header>`;
}

/** A host's entry in the contents, with its mechanisms section where it has one. */
function hostEntry(run: RunData, host: string): Html {
  const mechanisms = measuresMechanisms(run.summary.filter((r) => r.host === host))
    ? html`<ul><li><a href="#${mechanismsAnchor(host)}">Interception mechanisms</a></li></ul>`
    : html``;
  return html`<li><a href="#host-${slug(host)}">Host ${host}</a>${mechanisms}</li>\n`;
}

function contents(run: RunData, hosts: string[]): Html {
  return html`<nav><ul>
<li><a href="#study">The study</a></li>
${hosts.map((h) => hostEntry(run, h))}<li><a href="#methodology">Methodology</a></li>
<li><a href="#not-measured">What was not measured, and why</a></li>
<li><a href="#cells">Cells</a></li>
</ul></nav>`;
}

/**
 * Render a finished run directory into a static report: outDir/index.html and
 * outDir/figures/. Reads only the run's manifest.json, summary.csv and raw.csv
 * and the published numbers; every number shown comes from those files.
 */
export async function renderReport(
  runDir: string,
  outDir: string,
  options: { referenceDir?: string } = {},
): Promise<{ indexPath: string; figureFiles: string[] }> {
  if (isMacroRun(runDir)) return renderMacroReport(runDir, outDir);
  const run = readRun(runDir, options.referenceDir ?? referenceDirFor(runDir));
  const { manifest } = run;
  mkdirSync(join(outDir, "figures"), { recursive: true });

  const hosts = hostsOf(manifest);
  const sections = [];
  for (const host of hosts) sections.push(await hostSection(run, host, outDir));

  const body = html`${runHeader(manifest)}
${contents(run, hosts)}
<main>
${studySection(manifest)}
${sections.map((s) => s.markup)}
${methodologySection(manifest)}
<section id="not-measured">
<h2>What was not measured, and why</h2>
${notMeasured(manifest)}
</section>
<section id="cells">
<h2>Cells</h2>
${cellStatusTable(manifest.cells)}
</section>
</main>`;

  const indexPath = resolve(outDir, "index.html");
  writeFileAtomic(indexPath, page(`tracetax report ${manifest.runId}`, body));
  return { indexPath, figureFiles: sections.flatMap((s) => s.files).map((f) => resolve(outDir, f)) };
}
