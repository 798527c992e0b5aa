import type { Spec } from "../spec/schema.ts";
import { cellId, type Cell } from "../model/cell.ts";

import { MECHANISMS, mechanismOf, plainPlacementFor, takesDescriptor, type Placement, type Tracer } from "../model/vocabulary.ts";

/** Placements a tracer takes: all of the spec's with a tracer process, else the benchmark's own pinnings. */
function placementsFor(tracer: Tracer, placements: Spec["placements"]): Placement[] {
  return MECHANISMS[mechanismOf(tracer)].tracerProcess ? placements : [...new Set(placements.map(plainPlacementFor))];
}

/**
 * Expand a spec into cells, host by host, in the order they will be
 * measured. Cells without a tracer process (plain ones among them) are
 * planned once per benchmark pinning, not once per placement; calls without
 * a descriptor (getppid) only with "valid".
 */
export function planCells(spec: Spec, hosts: string[]): Cell[] {
  const cells: Cell[] = [];
  for (const host of hosts) {
    for (const call of spec.calls) {
      for (const fd of spec.fds.filter((f) => f === "valid" || takesDescriptor(call))) {
        for (const tracer of spec.mechanisms) {
          for (const placement of placementsFor(tracer, spec.placements)) {
            const cell = { host, call, fd, tracer, placement };
            cells.push({ id: cellId(cell), ...cell, trials: spec.trials, rounds: spec.rounds, warmup: spec.warmup });
          }
        }
      }
    }
  }
  return cells;
}
