import type { RunManifest } from "../model/manifest.ts";
import type { Html } from "./html.ts";

/** What the render stage needs of an experiment kind: the body of its report. */
export interface ReportingKind {
  /** The report's sections for a run of this kind, figures written under outDir; referenceDir holds the published numbers. */
  report(runDir: string, manifest: RunManifest, outDir: string, referenceDir: string): Promise<ReportBody>;
  /** The summary as lines of a plain-text table, for the terminal (`tracetax run --table`, `make bench`). */
  table(runDir: string, manifest: RunManifest): string[];
}

export interface ReportBody {
  /** The page's first heading. */
  title: string;
  /** The contents: [anchor, label], in the order of the sections. */
  contents: Html[];
  sections: Html;
  /** Figure files written, relative to outDir. */
  files: string[];
}
