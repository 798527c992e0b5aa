import type { MacroCellRecord } from "../../model/macroCell.ts";
import type { RunManifest } from "../../model/manifest.ts";
import { formatNumber } from "../../render/format.ts";
import { textTable } from "../../render/textTable.ts";
import type { MacroSettings } from "./macroPlan.ts";
import { readMacroSummary } from "./macroRows.ts";

/** macro-summary.csv as a terminal table: real time per cell and its ratio to the same workload's plain runs. */
export function macroTable(runDir: string, _manifest: RunManifest<"macro", MacroSettings, MacroCellRecord>): string[] {
  const summary = readMacroSummary(runDir);
  const plain = (host: string, workload: string) => summary.find((r) => r.host === host && r.workload === workload && r.mechanism === "none")?.real_median ?? null;
  const rows = summary.map((r) => {
    const base = plain(r.host, r.workload);
    const ratio = base !== null && r.real_median !== null ? `${(r.real_median / base).toFixed(2)}×` : "—";
    const num = (v: number | null) => (v === null ? "—" : formatNumber(v));
    return [`${r.host}/${r.workload}/${r.mechanism}/${r.calls}`, `${r.runs - r.failed}/${r.runs}`, num(r.real_median), num(r.real_mad), ratio, num(r.rps_median)];
  });
  return textTable(["cell", "runs ok", "real s", "± MAD", "× plain", "requests/s"], rows);
}
