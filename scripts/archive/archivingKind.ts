import type { RunManifest } from "../model/manifest.ts";

/** What the archive stage needs of an experiment kind: what its run directories hold, and how to check one. */
export interface ArchivingKind {
  /** What a run directory of this kind holds, in a sentence (a bag's description says it). */
  readonly payload: string;
  /** Whether the run directory agrees with itself: rows against the manifest, summary against the rows. */
  verify(runDir: string, manifest: RunManifest): RunDirVerification;
}

export interface RunDirVerification {
  /** One line per problem, naming the file (and cell) it is about. */
  problems: string[];
  /** What was checked, for the line that says it agreed. */
  verified: string;
}
