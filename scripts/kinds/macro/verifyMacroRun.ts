import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { groupBy } from "../../analyze/groupBy.ts";
import type { RunDirVerification } from "../../archive/archivingKind.ts";
import { macroCellId, type MacroCellRecord } from "../../model/macroCell.ts";
import { formatMacroSummary, MACRO_CSV, MACRO_SUMMARY_CSV, macroHeader, readMacroCsv, summarizeMacro, type MacroRow } from "./macroRows.ts";

/**
 * A cell done holds runs 1..repetitions once each; a failed one those it
 * got to, each once; one skipped or never reached holds none.
 */
function cellProblems(cells: MacroCellRecord[], repetitions: number, rows: MacroRow[]): string[] {
  const problems: string[] = [];
  const byCell = groupBy(rows, macroCellId);
  for (const cell of cells) {
    const runs = (byCell.get(cell.id) ?? []).map((r) => r.run).sort((a, b) => a - b);
    byCell.delete(cell.id);
    const once = new Set(runs).size === runs.length && runs.every((r) => r >= 1 && r <= repetitions);
    if (cell.status === "done" && runs.join() !== Array.from({ length: repetitions }, (_, i) => i + 1).join()) {
      problems.push(`${MACRO_CSV}: ${cell.id}: runs ${runs.join(",") || "none"}, expected 1–${repetitions} once each`);
    } else if (cell.status === "failed" && !once) {
      problems.push(`${MACRO_CSV}: ${cell.id}: runs ${runs.join(",")}, expected some of 1–${repetitions}, each once`);
    } else if (cell.status !== "done" && cell.status !== "failed" && runs.length > 0) {
      problems.push(`${MACRO_CSV}: ${runs.length} rows of ${cell.id}, which manifest.json marks ${cell.status}`);
    }
  }
  for (const [id, extra] of byCell) problems.push(`${MACRO_CSV}: ${extra.length} rows of ${id}, which manifest.json does not list`);
  return problems;
}

/** A macrobenchmark run directory: macro.csv holds what the manifest says was measured, and the summary is what it gives. */
export function verifyMacroRun(dir: string, cells: MacroCellRecord[], repetitions: number): RunDirVerification {
  const path = join(dir, MACRO_CSV);
  if (!existsSync(path)) return { problems: [`${MACRO_CSV}: missing`], verified: "" };
  if (!readFileSync(path, "utf8").startsWith(macroHeader())) return { problems: [`${MACRO_CSV}: the first line is not the header ${macroHeader().trim()}`], verified: "" };
  let rows: MacroRow[];
  try {
    rows = readMacroCsv(dir);
  } catch (err) {
    return { problems: [`${MACRO_CSV}: not valid CSV: ${(err as Error).message}`], verified: "" };
  }
  const problems = cellProblems(cells, repetitions, rows);
  const summaryPath = join(dir, MACRO_SUMMARY_CSV);
  if (!existsSync(summaryPath)) problems.push(`${MACRO_SUMMARY_CSV}: missing (tracetax analyze writes it)`);
  else if (readFileSync(summaryPath, "utf8") !== formatMacroSummary(summarizeMacro(rows))) {
    problems.push(`${MACRO_SUMMARY_CSV}: differs from what ${MACRO_CSV} gives; tracetax analyze rewrites it`);
  }
  const done = cells.filter((c) => c.status === "done").length;
  return { problems, verified: `${done} done cells, ${rows.length} rows in ${MACRO_CSV}, ${MACRO_SUMMARY_CSV} recomputed` };
}
