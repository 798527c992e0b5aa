import { macroCellId, type MacroCellRecord } from "../../model/macroCell.ts";
import type { CallSelection, MacroSpec, ServerMode, Workload } from "./macroSpec.ts";

/** What a macrobenchmark run records as its settings: how often and how long, and the workloads as the spec defines them. */
export interface MacroSettings {
  repetitions: number;
  timeoutSeconds: number;
  keepInputs: boolean;
  workloads: Workload[];
}

/** A cell's workload as run: the spec's definition, with the server's mode. */
export type WorkloadRun = Exclude<Workload, { type: "server" }> | (Extract<Workload, { type: "server" }> & { mode: ServerMode });

/** The workloads a spec's definitions stand for, by name: find, gzip, server-keepalive, server-close. */
export function workloadRuns(workloads: Workload[]): Map<string, WorkloadRun> {
  return new Map(workloads.flatMap((w): [string, WorkloadRun][] => (w.type === "server" ? w.modes.map((mode) => [`server-${mode}`, { ...w, mode }]) : [[w.type, w]])));
}

/**
 * The cells of a macrobenchmark spec on its hosts: each workload under each
 * mechanism told to intercept a selection of calls. find and gzip are traced
 * whole (every call); the server under each selection its spec asks for.
 * Plain ("none") is measured once per workload, as the baseline, whatever
 * the selections.
 */
export function planMacroCells(spec: Pick<MacroSpec, "mechanisms" | "workloads">, hosts: string[]): MacroCellRecord[] {
  const cells: MacroCellRecord[] = [];
  for (const host of hosts)
    for (const [workload, w] of workloadRuns(spec.workloads)) {
      const selections: CallSelection[] = w.type === "server" ? w.calls : ["all"];
      for (const mechanism of spec.mechanisms)
        for (const calls of mechanism === "none" ? (["all"] as const) : selections) {
          const cell = { host, workload, mechanism, calls };
          cells.push({ id: macroCellId(cell), ...cell, status: "pending" });
        }
    }
  return cells;
}
