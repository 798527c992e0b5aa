import type { Spec } from "../spec/schema.ts";
import { plainPlacementFor, type Call, type Fd, type Placement, type Tracer } from "../spec/vocabulary.ts";

/** One point of the grid on one host; its trials are independent processes. */
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

export function cellId(c: Pick<Cell, "host" | "call" | "fd" | "tracer" | "placement">): string {
  return `${c.host}/${c.call}/${c.fd}/${c.tracer}/${c.placement}`;
}

/**
 * Expand a spec into cells, host by host, in the order they will be measured.
 * Plain cells are planned once per benchmark pinning that a traced cell needs
 * as its baseline, not once per placement.
 */
export function planCells(spec: Spec, hosts: string[]): Cell[] {
  const cells: Cell[] = [];
  for (const host of hosts) {
    for (const call of spec.calls) {
      for (const fd of spec.fds) {
        for (const tracer of spec.tracers) {
          const placements =
            tracer === "none" ? [...new Set(spec.placements.map(plainPlacementFor))] : spec.placements;
          for (const placement of placements) {
            const cell = { host, call, fd, tracer, placement };
            cells.push({ id: cellId(cell), ...cell, trials: spec.trials, rounds: spec.rounds, warmup: spec.warmup });
          }
        }
      }
    }
  }
  return cells;
}
