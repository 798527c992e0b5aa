import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { groupBy } from "../analyze/groupBy.ts";
import { formatMacroSummary, MACRO_CSV, MACRO_SUMMARY_CSV, readMacroCsv, summarizeMacro, type MacroRow } from "../macro/macroCsv.ts";
import { groupKey } from "../macro/macroPlan.ts";
import type { MacroManifest } from "../macro/runMacro.ts";
import type { RunDirVerification } from "./verifyRunDir.ts";

/**
 * A group done holds runs 1..repetitions once each; a failed one those it
 * got to, each once; one skipped or never reached holds none.
 */
function groupProblems(manifest: MacroManifest, rows: MacroRow[]): string[] {
  const problems: string[] = [];
  const byGroup = groupBy(rows, groupKey);
  const n = manifest.settings.repetitions;
  for (const m of manifest.measurements) {
    const key = groupKey(m);
    const runs = (byGroup.get(key) ?? []).map((r) => r.run).sort((a, b) => a - b);
    byGroup.delete(key);
    const once = new Set(runs).size === runs.length && runs.every((r) => r >= 1 && r <= n);
    if (m.status === "done" && runs.join() !== Array.from({ length: n }, (_, i) => i + 1).join()) {
      problems.push(`${MACRO_CSV}: ${key}: runs ${runs.join(",") || "none"}, expected 1–${n} once each`);
    } else if (m.status === "failed" && !once) {
      problems.push(`${MACRO_CSV}: ${key}: runs ${runs.join(",")}, expected some of 1–${n}, each once`);
    } else if (m.status !== "done" && m.status !== "failed" && runs.length > 0) {
      problems.push(`${MACRO_CSV}: ${runs.length} rows of ${key}, which manifest.json marks ${m.status}`);
    }
  }
  for (const [key, extra] of byGroup) problems.push(`${MACRO_CSV}: ${extra.length} rows of ${key}, which manifest.json does not list`);
  return problems;
}

/** A macrobenchmark run directory: macro.csv holds what the manifest says was measured, and the summary is what it gives. */
export function verifyMacroRunDir(dir: string, manifest: MacroManifest): RunDirVerification {
  if (!Array.isArray(manifest.measurements)) return { problems: ["manifest.json: no list of measurements"], verified: "" };
  if (!existsSync(join(dir, MACRO_CSV))) return { problems: [`${MACRO_CSV}: missing`], verified: "" };
  let rows: MacroRow[];
  try {
    rows = readMacroCsv(dir);
  } catch (err) {
    return { problems: [`${MACRO_CSV}: not valid CSV: ${(err as Error).message}`], verified: "" };
  }
  const problems = groupProblems(manifest, rows);
  const summaryPath = join(dir, MACRO_SUMMARY_CSV);
  if (!existsSync(summaryPath)) problems.push(`${MACRO_SUMMARY_CSV}: missing`);
  else if (readFileSync(summaryPath, "utf8") !== formatMacroSummary(summarizeMacro(rows))) {
    problems.push(`${MACRO_SUMMARY_CSV}: differs from what ${MACRO_CSV} gives`);
  }
  const done = manifest.measurements.filter((m) => m.status === "done").length;
  return { problems, verified: `${done} measurements done, ${rows.length} rows in ${MACRO_CSV}, ${MACRO_SUMMARY_CSV} recomputed` };
}
