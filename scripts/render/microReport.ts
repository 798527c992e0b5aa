import type { MicroManifest } from "../model/manifest.ts";
import { cellStatusTable, notMeasured } from "./cellStatus.ts";
import { hostSection } from "./hostSection.ts";
import { machinesSections } from "./machinesSection.ts";
import { html, slug, type Html } from "./html.ts";
import { mechanismsAnchor, measuresMechanisms } from "./mechanismsSection.ts";
import { methodologySection, studySection } from "./prose.ts";
import type { ReportBody } from "./reportingKind.ts";
import { hostsOf } from "../model/manifest.ts";
import { readRun, type RunData } from "./runData.ts";

/** A host's entry in the contents, with its mechanisms section where it has one. */
function hostEntry(run: RunData, host: string): Html {
  const mechanisms = measuresMechanisms(run.summary.filter((r) => r.host === host))
    ? html`<ul><li><a href="#${mechanismsAnchor(host)}">Interception mechanisms</a></li></ul>`
    : html``;
  return html`<a href="#host-${slug(host)}">Host ${host}</a>${mechanisms}`;
}

/** The report of a microbenchmark run: the paper's frames per host beside the published numbers, then how it was made. */
export async function microReport(runDir: string, manifest: MicroManifest, outDir: string, referenceDir: string): Promise<ReportBody> {
  const run = readRun(runDir, manifest, referenceDir);
  const hosts = hostsOf(manifest);
  const sections = [];
  for (const host of hosts) sections.push(await hostSection(run, host, outDir));
  const machines = machinesSections(run, referenceDir);
  return {
    title: "System call tracing overhead — reproduction",
    contents: [
      html`<a href="#study">The study</a>`,
      ...hosts.map((h) => hostEntry(run, h)),
      ...machines.contents,
      html`<a href="#methodology">Methodology</a>`,
      html`<a href="#not-measured">What was not measured, and why</a>`,
      html`<a href="#cells">Cells</a>`,
    ],
    sections: html`${studySection(manifest)}
${sections.map((s) => s.markup)}
${machines.markup}
${methodologySection(manifest)}
<section id="not-measured">
<h2>What was not measured, and why</h2>
${notMeasured(manifest)}
</section>
<section id="cells">
<h2>Cells</h2>
${cellStatusTable(manifest.cells)}
</section>`,
    files: sections.flatMap((s) => s.files),
  };
}
