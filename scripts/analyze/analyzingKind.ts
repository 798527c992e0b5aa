import type { RunManifest } from "../model/manifest.ts";

/** What the analyze stage needs of an experiment kind: its summary, and what `compare` sets side by side. */
export interface AnalyzingKind {
  /** Write the summary file from the rows; returns its path and how many rows it has. */
  analyze(runDir: string, manifest: RunManifest): { file: string; rows: number };
  /** The samples `tracetax compare` sets side by side, per done cell. */
  comparable(runDir: string, manifest: RunManifest): ComparableRun;
}

/**
 * A run as `compare` reads it: per done cell, independent samples of what
 * the kind measures, at the level the interval is made at.
 */
export interface ComparableRun {
  /** What a sample is, for the reader: "cycles, one per round", "real seconds, one per repetition". */
  sample: string;
  cells: { host: string; name: string; samples: number[] }[];
}
