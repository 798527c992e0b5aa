import type { Call, Fd, Placement, Tracer } from "./vocabulary.ts";

/** What becomes of a planned cell: measured, skipped (the host cannot serve it) or failed, each with its reason. */
export type CellStatus = "pending" | "done" | "skipped" | "failed";

/** What every kind's cell carries in the manifest: one point of the grid on one host, and what became of it. */
export interface CellOutcome {
  id: string;
  host: string;
  status: CellStatus;
  reason?: string;
}

/** A microbenchmark cell: one point of the grid on one host; its trials are independent processes. */
export interface Cell {
  id: string;
  host: string;
  call: Call;
  fd: Fd;
  tracer: Tracer;
  placement: Placement;
  trials: number;
  rounds: number;
  warmup: number;
}

/** A microbenchmark cell as the manifest records it, with what its processes reported. */
export type CellRecord = Cell &
  CellOutcome & {
    /** Cost of an empty timed region measured by each trial's benchmark process. */
    timerOverheadCycles?: number[];
    /** Syscall stops the tracer reported per trial (traced cells). */
    tracerStops?: number[];
  };

export function cellId(c: Pick<Cell, "host" | "call" | "fd" | "tracer" | "placement">): string {
  return `${c.host}/${c.call}/${c.fd}/${c.tracer}/${c.placement}`;
}
