import { existsSync, readFileSync } from "node:fs";
import { analysisContext, summarizeRun } from "../analyze/analyzeRun.ts";
import { groupBy } from "../analyze/groupBy.ts";
import { cellId } from "../model/cell.ts";
import { type CellRecord } from "../model/cell.ts";
import { type MicroManifest } from "../model/manifest.ts";
import { rawHeader, readRawCsv, type RawRow } from "../results/rawCsv.ts";
import { runPaths } from "../results/runDir.ts";
import type { RunDirVerification } from "./archivingKind.ts";
import { formatSummaryCsv } from "../results/summaryCsv.ts";
import { readTrialsCsv, type TrialRow } from "../results/trialsCsv.ts";

/** Runs before blocks (formats 1 and 2): a done cell holds every round of every trial exactly once, and nothing else. */
function cellRowProblem(cell: CellRecord, rows: RawRow[]): string | null {
  const expected = cell.trials * cell.rounds;
  if (rows.length !== expected) {
    return `raw.csv: cell ${cell.id}: ${rows.length} rows, expected ${cell.trials} trials × ${cell.rounds} rounds = ${expected}`;
  }
  const inRange = rows.filter((r) => r.trial >= 1 && r.trial <= cell.trials && r.round >= 1 && r.round <= cell.rounds);
  const distinct = new Set(inRange.map((r) => `${r.trial}/${r.round}`));
  return distinct.size === expected ? null : `raw.csv: cell ${cell.id}: rows do not hold trials 1–${cell.trials} × rounds 1–${cell.rounds} once each`;
}

function rawRowProblems(cells: CellRecord[], raw: RawRow[]): string[] {
  const byCell = groupBy(raw, (r) => cellId(r));
  const problems: string[] = [];
  for (const cell of cells) {
    const rows = byCell.get(cell.id) ?? [];
    byCell.delete(cell.id);
    if (cell.status === "done") {
      const problem = cellRowProblem(cell, rows);
      if (problem) problems.push(problem);
    } else if (rows.length > 0) {
      problems.push(`raw.csv: ${rows.length} rows of cell ${cell.id}, which manifest.json marks ${cell.status}`);
    }
  }
  for (const [id, rows] of byCell) problems.push(`raw.csv: ${rows.length} rows of cell ${id}, which manifest.json does not list`);
  return problems;
}

/**
 * Runs in blocks (format 3): each trial in trials.csv once, with all its
 * rounds in raw.csv and no round outside such a trial; a done cell holds
 * trials 1..T, a skipped one none. A failed or pending cell keeps the trials
 * it finished, for a resumed run to go on from.
 */
function trialProblems(cells: CellRecord[], raw: RawRow[], trials: TrialRow[]): string[] {
  const problems: string[] = [];
  const listed = new Map(cells.map((c) => [c.id, c]));
  const roundsOf = groupBy(raw, (r) => `${cellId(r)}#${r.trial}`);
  const seen = new Set<string>();
  for (const t of trials) {
    const unit = `${cellId(t)}#${t.trial}`;
    const cell = listed.get(cellId(t));
    if (!cell) problems.push(`trials.csv: trial ${t.trial} of cell ${cellId(t)}, which manifest.json does not list`);
    else if (seen.has(unit)) problems.push(`trials.csv: trial ${t.trial} of cell ${cell.id} appears twice`);
    else if (cell.status === "skipped") problems.push(`trials.csv: trial ${t.trial} of cell ${cell.id}, which manifest.json marks skipped`);
    seen.add(unit);
    const rounds = (roundsOf.get(unit) ?? []).map((r) => r.round).sort((a, b) => a - b);
    const want = cell ? Array.from({ length: cell.rounds }, (_, i) => i + 1).join() : rounds.join();
    if (rounds.join() !== want) problems.push(`raw.csv: trial ${t.trial} of cell ${cellId(t)}: rounds ${rounds.length ? `${rounds[0]}–${rounds.at(-1)} (${rounds.length})` : "none"}, expected 1–${cell?.rounds} once each`);
    roundsOf.delete(unit);
  }
  for (const [unit, rows] of roundsOf) problems.push(`raw.csv: ${rows.length} rows of trial ${unit}, which trials.csv does not list`);
  for (const cell of cells.filter((c) => c.status === "done")) {
    const have = trials.filter((t) => cellId(t) === cell.id).map((t) => t.trial).sort((a, b) => a - b);
    if (have.join() !== Array.from({ length: cell.trials }, (_, i) => i + 1).join()) {
      problems.push(`trials.csv: cell ${cell.id}: trials ${have.join(",") || "none"}, expected 1–${cell.trials} once each`);
    }
  }
  return problems;
}

/** summary.csv must be exactly what the analysis makes of raw.csv. */
function summaryProblem(dir: string, manifest: MicroManifest, raw: RawRow[]): string | null {
  const summaryPath = runPaths(dir).summary;
  if (!existsSync(summaryPath)) return "summary.csv: missing (tracetax analyze writes it)";
  const rows = summarizeRun(manifest.cells, raw, analysisContext(manifest, dir));
  const want = formatSummaryCsv(rows).split("\n");
  const have = readFileSync(summaryPath, "utf8").split("\n");
  const differing = Array.from({ length: Math.max(want.length, have.length) }, (_, i) => i).filter((i) => want[i] !== have[i]);
  if (differing.length === 0) return null;
  const first = differing[0];
  const where = first === 0 ? "the header" : rows[first - 1] ? `cell ${cellId(rows[first - 1])}` : "a line the analysis does not give";
  return `summary.csv: ${differing.length} line(s) differ from what raw.csv gives (first: line ${first + 1}, ${where}); tracetax analyze rewrites it`;
}

/**
 * Check that a microbenchmark run directory agrees with itself: raw.csv
 * holds exactly the rounds of the cells marked done, and summary.csv is what
 * the analysis computes from raw.csv.
 */
export function verifyMicroRun(dir: string, manifest: MicroManifest): RunDirVerification {
  const paths = runPaths(dir);
  const doneCells = manifest.cells.filter((c) => c.status === "done").length;
  if (!existsSync(paths.raw)) return { problems: ["raw.csv: missing"], verified: "" };
  if (!readFileSync(paths.raw, "utf8").startsWith(rawHeader())) {
    return { problems: [`raw.csv: the first line is not the header ${rawHeader().trim()}`], verified: "" };
  }
  let raw: RawRow[];
  try {
    raw = readRawCsv(paths.raw);
  } catch (err) {
    return { problems: [`raw.csv: not valid CSV: ${(err as Error).message}`], verified: "" };
  }
  const problems = manifest.format >= 3 ? trialProblems(manifest.cells, raw, readTrialsCsv(dir)) : rawRowProblems(manifest.cells, raw);
  const summary = summaryProblem(dir, manifest, raw);
  if (summary) problems.push(summary);
  return { problems, verified: `${doneCells} done cells, ${raw.length} rows in raw.csv, summary.csv recomputed` };
}
