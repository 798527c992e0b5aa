import { join } from "node:path";
import { LocalHost } from "../../hosts/localHost.ts";
import { InputError } from "../../inputError.ts";
import { macroCellId, type MacroCellRecord } from "../../model/macroCell.ts";
import type { RunManifest } from "../../model/manifest.ts";
import { MECHANISMS, type Mechanism } from "../../model/vocabulary.ts";
import type { ExperimentKind } from "../kind.ts";
import { macroReport } from "./macroReport.ts";
import { macroTable } from "./macroTable.ts";
import { planMacroCells, type MacroSettings } from "./macroPlan.ts";
import { MACRO_SUMMARY_CSV, readMacroCsv, runSucceeded, summarizeMacro, writeMacroCsv, writeMacroSummary } from "./macroRows.ts";
import { macroSpecSchema, type MacroSpec } from "./macroSpec.ts";
import { measureMacro } from "./measureMacro.ts";
import { inputSpaceRefusal } from "./runWorkload.ts";
import { verifyMacroRun } from "./verifyMacroRun.ts";

type MacroManifest = RunManifest<"macro", MacroSettings, MacroCellRecord>;

/** Whole programs (find, gzip, a loopback server) timed plain and under each mechanism, one row per repetition in macro.csv. */
export const macroKind: ExperimentKind = {
  name: "macro",
  schema: macroSpecSchema,
  payload: "manifest.json, macro.csv (one row per run of a workload), macro-summary.csv (one row per cell), logs/ and the published numbers in reference/",

  settings(spec: MacroSpec, o, where): MacroSettings {
    const unsupported = [o.rounds && "--rounds", o.trials && "--trials"].filter(Boolean);
    if (unsupported.length > 0) throw new InputError(`${unsupported.join(", ")}: ${where} is a macrobenchmark spec, which has repetitions, not rounds or trials`);
    return { repetitions: spec.repetitions, timeoutSeconds: spec.timeoutSeconds, keepInputs: o.keepInputs ?? false, workloads: spec.workloads };
  },
  plan: (spec: MacroSpec, _settings, hosts) => planMacroCells(spec, hosts),
  describe: (cell: MacroCellRecord) => `${cell.workload} under ${cell.mechanism}, ${cell.calls} calls`,
  unavailable(cell: MacroCellRecord, facts) {
    const needs = MECHANISMS[cell.mechanism as Mechanism].os;
    return needs === "any" || needs === facts.os ? null : `${cell.mechanism} is a ${needs} mechanism; this host runs ${facts.os}`;
  },
  // Inputs that could nearly fill this machine's disk are refused before anything is written.
  async preflight(spec: MacroSpec, hosts, resultsRoot) {
    if (!hosts.includes("local")) return;
    const local = new LocalHost();
    await local.build();
    for (const w of spec.workloads) {
      if (w.type === "server") continue;
      const refusal = await inputSpaceRefusal(local, w, join(resultsRoot, "scratch", w.type));
      if (refusal) throw new InputError(refusal);
    }
  },

  startRows: (runDir) => writeMacroCsv(runDir, []),
  // Runs are written one by one: a reopened cell keeps the runs that succeeded and measures the others again.
  reopen(runDir, manifest: MacroManifest, cells: MacroCellRecord[]) {
    const again = new Set(cells.map((c) => c.id));
    writeMacroCsv(runDir, readMacroCsv(runDir).filter((r) => !again.has(macroCellId(r)) || runSucceeded(r)));
    return cells;
  },
  blocks: (settings: MacroSettings) => settings.repetitions,
  measure: measureMacro,

  analyze(runDir) {
    const rows = summarizeMacro(readMacroCsv(runDir));
    writeMacroSummary(runDir, rows);
    return { file: join(runDir, MACRO_SUMMARY_CSV), rows: rows.length };
  },
  comparable(runDir, manifest) {
    const done = new Set(manifest.cells.filter((c) => c.status === "done").map((c) => c.id));
    const byCell = new Map<string, { host: string; name: string; samples: number[] }>();
    for (const r of readMacroCsv(runDir).filter(runSucceeded)) {
      const id = macroCellId(r);
      if (!done.has(id)) continue;
      if (!byCell.has(id)) byCell.set(id, { host: r.host, name: id.slice(r.host.length + 1), samples: [] });
      byCell.get(id)!.samples.push(r.real_s);
    }
    return { sample: "real seconds, one per repetition (a process each)", cells: [...byCell.values()] };
  },

  verify: (runDir, manifest) => verifyMacroRun(runDir, manifest.cells as MacroCellRecord[], (manifest as MacroManifest).settings.repetitions),
  report: (runDir, manifest, outDir, referenceDir) => macroReport(runDir, manifest as MacroManifest, outDir, referenceDir),
  table: (runDir, manifest) => macroTable(runDir, manifest as MacroManifest),
};
