import { median } from "simple-statistics";
import { cellId } from "../plan/cells.ts";
import type { Manifest } from "../results/manifest.ts";
import type { RawRow } from "../results/rawCsv.ts";
import { DEFAULT_ANALYSIS, type AnalysisSettings } from "../spec/schema.ts";
import { bootstrapMedianContrast, type Interval } from "./bootstrap.ts";
import { groupBy } from "./groupBy.ts";
import { mannWhitney } from "./mannWhitney.ts";

/** One run as compare reads it: its manifest and its rounds. */
export interface RunRounds {
  dir: string;
  manifest: Manifest;
  raw: RawRow[];
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
  /** Two-sided Mann-Whitney p, rounds of B against rounds of A. */
  p: number;
  /** Whether the interval of the ratio leaves out 1: only then is a change reported. */
  changed: boolean;
}

export interface RunComparison {
  a: RunRounds;
  b: RunRounds;
  /** Whether the host is part of the match (it is not when each run measured one host). */
  matchedByHost: boolean;
  analysis: AnalysisSettings;
  cells: CellComparison[];
  onlyInA: string[];
  onlyInB: string[];
  /** Geometric mean of the ratios over the matched cells, as benchstat's summary line. */
  geomeanRatio: number | null;
}

/** Rounds of each done cell, keyed by the cell's name (with or without its host). */
function roundsByCell(run: RunRounds, withHost: boolean): Map<string, number[]> {
  const done = new Set(run.manifest.cells.filter((c) => c.status === "done").map((c) => c.id));
  const rows = run.raw.filter((r) => done.has(cellId(r)));
  const byCell = groupBy(rows, (r) => (withHost ? cellId(r) : cellId(r).slice(r.host.length + 1)));
  return new Map([...byCell].map(([cell, cellRows]) => [cell, cellRows.map((r) => r.cycles)]));
}

const hostCount = (run: RunRounds) => new Set(run.manifest.cells.map((c) => c.host)).size;

/**
 * Two runs side by side, cell by cell: medians, the ratio B/A with a
 * bootstrap interval (run A's recorded settings), and the Mann-Whitney p.
 * Cells match by host, call, descriptor, tracer and placement; when each run
 * measured a single host the host is left out of the match, so one machine
 * can be compared with another.
 */
export function compareRuns(a: RunRounds, b: RunRounds): RunComparison {
  const matchedByHost = !(hostCount(a) === 1 && hostCount(b) === 1);
  const roundsA = roundsByCell(a, matchedByHost);
  const roundsB = roundsByCell(b, matchedByHost);
  const analysis = a.manifest.settings.analysis ?? DEFAULT_ANALYSIS;
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
