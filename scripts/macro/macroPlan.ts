import type { CallSelection, FindWorkload, GzipWorkload, MacroMechanism, MacroSpec, ServerMode, ServerWorkload } from "./macroSpec.ts";

/**
 * One measurement of a macrobenchmark run on one host: a workload under a
 * mechanism told to intercept a selection of calls, repeated the spec's
 * number of times.
 * find and gzip are traced whole (every call); the server under each
 * selection its spec asks for. Plain ("none") is measured once per workload,
 * as the baseline, whatever the selections.
 */
export interface MacroGroup {
  host: string;
  workload: string; // "find", "gzip", "server-keepalive", "server-close"
  mechanism: MacroMechanism;
  calls: CallSelection;
  spec: FindWorkload | GzipWorkload | (ServerWorkload & { mode: ServerMode });
}

export function planMacroGroups(spec: MacroSpec, host: string): MacroGroup[] {
  const groups: MacroGroup[] = [];
  for (const w of spec.workloads) {
    const variants = w.type === "server" ? w.modes.map((mode) => ({ workload: `server-${mode}`, spec: { ...w, mode } })) : [{ workload: w.type, spec: w }];
    const selections: CallSelection[] = w.type === "server" ? w.calls : ["all"];
    for (const v of variants)
      for (const mechanism of spec.mechanisms)
        for (const calls of mechanism === "none" ? (["all"] as const) : selections) groups.push({ host, ...v, mechanism, calls });
  }
  return groups;
}

/** "host workload mechanism calls": how logs, progress and checks name a group. */
export const groupKey = (g: { host: string; workload: string; mechanism: string; calls: string }) => `${g.host} ${g.workload} ${g.mechanism} ${g.calls}`;
