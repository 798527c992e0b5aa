import type { CellOutcome, CellRecord } from "./cell.ts";
import type { HostFacts } from "./hostFacts.ts";
import type { MachineRecord } from "./machineRecord.ts";

/**
 * Format 3: micro runs measure in blocks of interleaved trials (settings
 * carry the order seed) and list each trial in trials.csv. Format 2: every
 * manifest names its kind, and every kind lists its cells under `cells`.
 * Older formats are still read: see readManifest.
 */
export const MANIFEST_FORMAT = 3;

/** How the analysis computes its bootstrap intervals; recorded in the manifest's settings. */
export interface AnalysisSettings {
  bootstrapResamples: number;
  seed: number;
  /** How the intervals are made (absent in manifests of runs analysed by pooling rounds). */
  method?: string;
}

/** How the analysis computes its bootstrap intervals unless a spec says. */
export const DEFAULT_ANALYSIS: AnalysisSettings = { bootstrapResamples: 2000, seed: 1 };

/** manifest.json: a run's identity, settings, hosts and cells, whatever its kind. */
export interface RunManifest<K extends string = string, S = unknown, C extends CellOutcome = CellOutcome> {
  format: number;
  kind: K;
  runId: string;
  tool: { name: string; version: string; commit: string | null };
  spec: { path: string; sha256: string; text: string };
  settings: S;
  startedAt: string;
  endedAt: string | null;
  state: "running" | "complete" | "incomplete";
  stoppedBecause?: string;
  resumedAt?: string[]; // each time `run --resume` took the run up again
  hosts: Record<string, HostFacts>;
  /** Machines with personalities: how each was powered, booted and proven (absent before they were recorded). */
  machines?: Record<string, MachineRecord>;
  cells: C[];
}

// analysis is absent in manifests written before it was recorded; analysing them uses the spec defaults.
export interface MicroSettings {
  rounds: number;
  warmup: number;
  /** Trials per cell: the run's blocks, trial k of every cell of a host in block k. */
  trials: number;
  /** Draws each block's order (format 3 on; runs before it measured cells one after another). */
  orderSeed?: number;
  timeoutSeconds: number;
  analysis?: AnalysisSettings;
  /** Blocks are added beyond `trials` until every traced cell's ratio is known to ±ratio, within maxMinutes. */
  precision?: { ratio: number; maxMinutes: number };
  /** The blocks are spread over at least this many seconds, so the run samples slow variation of the machine. */
  spreadSeconds?: number;
}

/** The manifest of a microbenchmark run (the paper's kind). */
export type MicroManifest = RunManifest<"micro", MicroSettings, CellRecord>;

/** Hosts in the order the manifest names them, including any that failed before their facts were gathered. */
export function hostsOf(manifest: Pick<RunManifest, "hosts" | "cells">): string[] {
  return [...new Set([...Object.keys(manifest.hosts), ...manifest.cells.map((c) => c.host)])];
}
