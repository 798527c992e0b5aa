import { median } from "simple-statistics";
import type { AnalysisSettings, RunManifest } from "../model/manifest.ts";
import { DEFAULT_ANALYSIS } from "../model/manifest.ts";
import type { ComparableRun } from "./analyzingKind.ts";
import { bootstrapMedianContrast, type Interval } from "./bootstrap.ts";
import { mannWhitney } from "./mannWhitney.ts";

/** One run as compare reads it: where it is, its manifest, and its samples per cell. */
export interface RunSamples {
  dir: string;
  manifest: RunManifest;
  run: ComparableRun;
}

/** One cell measured in both runs, B against A (as benchstat puts a new run beside an old one). */
export interface CellComparison {
  cell: string;
  nA: number;
  nB: number;
  medianA: number;
  medianB: number;
  /** median B ÷ median A, with its 95% bootstrap interval. */
  ratio: number;
  ratioInterval: Interval;
  /** Two-sided Mann-Whitney p, samples of B against samples of A (it holds at the level the samples are independent). */
  p: number;
  /** Whether the interval of the ratio leaves out 1: only then is a change reported. */
  changed: boolean;
}

export interface RunComparison {
  a: RunSamples;
  b: RunSamples;
  /** Whether the host is part of the match (it is not when each run measured one host). */
  matchedByHost: boolean;
  analysis: AnalysisSettings;
  cells: CellComparison[];
  onlyInA: string[];
  onlyInB: string[];
  /** Geometric mean of the ratios over the matched cells, as benchstat's summary line. */
  geomeanRatio: number | null;
}

/** Samples of each done cell, keyed by the cell's name (with or without its host). */
function samplesByCell(run: RunSamples, withHost: boolean): Map<string, number[]> {
  return new Map(run.run.cells.map((c) => [withHost ? `${c.host}/${c.name}` : c.name, c.samples]));
}

const hostCount = (run: RunSamples) => new Set(run.manifest.cells.map((c) => c.host)).size;

/**
 * Two runs side by side, cell by cell: medians, the ratio B/A with a
 * bootstrap interval (run A's recorded settings), and the Mann-Whitney p.
 * Cells match by host and name (for micro runs: call, descriptor, tracer
 * and placement; for macro runs: workload, mechanism and calls); when each run
 * measured a single host the host is left out of the match, so one machine
 * can be compared with another.
 */
export function compareRuns(a: RunSamples, b: RunSamples): RunComparison {
  const matchedByHost = !(hostCount(a) === 1 && hostCount(b) === 1);
  const roundsA = samplesByCell(a, matchedByHost);
  const roundsB = samplesByCell(b, matchedByHost);
  const analysis = (a.manifest.settings as { analysis?: AnalysisSettings }).analysis ?? DEFAULT_ANALYSIS;
  const settings = { resamples: analysis.bootstrapResamples, seed: analysis.seed };
  const cells = [...roundsA].filter(([cell]) => roundsB.has(cell)).map(([cell, cyclesA]): CellComparison => {
    const cyclesB = roundsB.get(cell)!;
    const contrast = bootstrapMedianContrast(cyclesA, cyclesB, settings);
    return {
      cell,
      nA: cyclesA.length,
      nB: cyclesB.length,
      medianA: median(cyclesA),
      medianB: median(cyclesB),
      ratio: contrast.ratio,
      ratioInterval: contrast.ratioInterval,
      p: mannWhitney(cyclesB, cyclesA).p,
      changed: contrast.ratioInterval.low > 1 || contrast.ratioInterval.high < 1,
    };
  });
  const logSum = cells.reduce((sum, c) => sum + Math.log(c.ratio), 0);
  return {
    a,
    b,
    matchedByHost,
    analysis,
    cells,
    onlyInA: [...roundsA.keys()].filter((cell) => !roundsB.has(cell)),
    onlyInB: [...roundsB.keys()].filter((cell) => !roundsA.has(cell)),
    geomeanRatio: cells.length > 0 ? Math.exp(logSum / cells.length) : null,
  };
}
