import type { Cell } from "../model/cell.ts";
import { expectedResult } from "../model/vocabulary.ts";
import type { MeasuredRound } from "./driverStream.ts";

/**
 * A measured cell is only good if every round did what the cell is about:
 * a "valid" open that failed, or an "invalid" write that succeeded, measured
 * something else. Returns the reason to fail the cell, or null.
 */
export function wrongRounds(cell: Cell, rounds: MeasuredRound[]): string | null {
  const expected = cell.rounds * cell.trials;
  if (rounds.length !== expected) return `expected ${expected} rounds (${cell.trials} trials × ${cell.rounds}), got ${rounds.length}`;
  const want = expectedResult(cell.call, cell.fd, cell.tracer);
  const wrong = rounds.filter((r) => r.result !== want);
  if (wrong.length === 0) return null;
  const first = wrong[0];
  return `${wrong.length} of ${rounds.length} rounds returned something else than ${want}: first trial ${first.trial} round ${first.round} returned ${first.result}`;
}
