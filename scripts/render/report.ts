import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { RunManifest } from "../model/manifest.ts";
import { REFERENCE_DIR } from "../model/paths.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import { factsTable, html, type Html } from "./html.ts";
import { page } from "./page.ts";
import type { ReportingKind } from "./reportingKind.ts";

/** The published numbers a run was compared with: its own copy when it has one, else the repository's. */
function referenceDirFor(runDir: string): string {
  const own = join(runDir, "reference");
  return existsSync(own) ? own : REFERENCE_DIR;
}

function runHeader(title: string, manifest: RunManifest): Html {
  const { tool, spec } = manifest;
  return html`<header>
<h1>${title}</h1>
${factsTable([
  ["run", `${manifest.runId} (${manifest.kind})`],
  ["spec", `${spec.path} (sha256 ${spec.sha256})`],
  ["started", manifest.startedAt],
  ["ended", manifest.endedAt ?? "not ended"],
  ["resumed", manifest.resumedAt?.join(", ") ?? "never"],
  ["state", manifest.stoppedBecause ? `${manifest.state} (${manifest.stoppedBecause})` : manifest.state],
  ["tool", `${tool.name} ${tool.version}, commit ${tool.commit ?? "unknown"}`],
])}
</header>`;
}

/**
 * Render a finished run directory into a static report: outDir/index.html and
 * outDir/figures/. The kind makes the sections from the run's own files and
 * the published numbers; every number shown comes from those files.
 */
export async function renderReport(kind: ReportingKind, runDir: string, manifest: RunManifest, outDir: string): Promise<{ indexPath: string; figureFiles: string[] }> {
  const fresh = !existsSync(outDir);
  mkdirSync(join(outDir, "figures"), { recursive: true });
  let body: Awaited<ReturnType<ReportingKind["report"]>>;
  try {
    body = await kind.report(runDir, manifest, outDir, referenceDirFor(runDir));
  } catch (err) {
    if (fresh) rmSync(outDir, { recursive: true, force: true }); // a report that cannot be made leaves nothing behind
    throw err;
  }
  const markup = html`${runHeader(body.title, manifest)}
<nav><ul>
${body.contents.map((entry) => html`<li>${entry}</li>\n`)}</ul></nav>
<main>
${body.sections}
</main>`;
  const indexPath = resolve(outDir, "index.html");
  writeFileAtomic(indexPath, page(`tracetax report ${manifest.runId}`, markup));
  return { indexPath, figureFiles: body.files.map((f) => resolve(outDir, f)) };
}
