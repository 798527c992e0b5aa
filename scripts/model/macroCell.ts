import type { CellOutcome } from "./cell.ts";

/**
 * A macrobenchmark cell: a workload under a mechanism told to intercept a
 * selection of calls, on one host, repeated the spec's number of times.
 */
export interface MacroCell {
  id: string;
  host: string;
  workload: string; // "find", "gzip", "server-keepalive", "server-close"
  mechanism: string;
  calls: string; // "all", or "socket": the socket calls only
}

export type MacroCellRecord = MacroCell & CellOutcome;

export function macroCellId(c: Pick<MacroCell, "host" | "workload" | "mechanism" | "calls">): string {
  return `${c.host}/${c.workload}/${c.mechanism}/${c.calls}`;
}
