import { type CellRecord } from "../model/cell.ts";
import { PLACEMENTS, type Call, type Fd, type Placement, type Tracer } from "../model/vocabulary.ts";

// Picking rows out of summary.csv, raw.csv and the manifest's cell list:
// they all name a cell by the same five columns.

export interface CellKey {
  host: string;
  call: Call;
  fd: Fd;
  tracer: Tracer;
  placement: Placement;
}

const KEY_FIELDS = ["host", "call", "fd", "tracer", "placement"] as const;

/** Whether a row names the wanted cell(s); `want` may be a whole row of another file, only its key fields count. */
export function matches(row: CellKey, want: Partial<CellKey>): boolean {
  return KEY_FIELDS.every((k) => want[k] === undefined || row[k] === want[k]);
}

export function findCell(cells: CellRecord[], key: CellKey): CellRecord | undefined {
  return cells.find((cell) => matches(cell, key));
}

/**
 * The placement the paper's figures are drawn for on a host: unpinned, as in
 * 2009, or else the first traced placement the host has rows for.
 */
export function figurePlacement(hostRows: CellKey[]): Placement {
  const traced = new Set(hostRows.filter((r) => r.tracer !== "none").map((r) => r.placement));
  return PLACEMENTS.find((p) => traced.has(p)) ?? "unpinned";
}

/** Distinct values in first-seen order: captions name them without counting anything. */
export function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}
