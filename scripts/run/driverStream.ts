/**
 * Reads the per-host driver's output (see native/driver.c) and hands over
 * each cell only when it has ended, so a cell is recorded whole or not at all.
 */

export interface MeasuredRound {
  trial: number;
  round: number;
  cycles: number;
  result: string;
}

export interface DriverCellOutcome {
  id: string;
  status: "done" | "failed" | "skipped";
  reason?: string;
  rounds: MeasuredRound[];
  timerOverheadCycles: number[]; // per trial
  tracerStops: number[]; // per trial, traced cells only
  timer: string | null;
  /** What the host said about each trial's processes ("#noise" lines: key=value), by trial. */
  noise: Map<number, Record<string, string>>;
  /** What an observer saw, lost and spent in each trial ("#observed" lines: key=value), by trial. */
  observed: Map<number, Record<string, string>>;
}

function emptyOutcome(id: string): DriverCellOutcome {
  return { id, status: "failed", rounds: [], timerOverheadCycles: [], tracerStops: [], timer: null, noise: new Map(), observed: new Map() };
}

export class DriverStream {
  private open = new Map<string, DriverCellOutcome>();

  constructor(private readonly onCell: (cell: DriverCellOutcome) => void) {}

  /** The cell being measured when the stream stopped, if any. */
  unfinished(): string[] {
    return [...this.open.keys()];
  }

  line(line: string): void {
    if (line.startsWith("#cell ")) return this.cellLine(line);
    if (line.startsWith("#timer ")) {
      const [, id, , timer, overhead] = line.split(" ");
      const cell = this.open.get(id);
      if (cell) {
        cell.timer = timer;
        cell.timerOverheadCycles.push(Number(overhead));
      }
      return;
    }
    for (const kind of ["noise", "observed"] as const) {
      if (!line.startsWith(`#${kind} `)) continue;
      const [, id, trial, ...facts] = line.split(" ");
      this.open.get(id)?.[kind].set(Number(trial), Object.fromEntries(facts.map((f) => [f.slice(0, f.indexOf("=")), f.slice(f.indexOf("=") + 1)])));
      return;
    }
    if (line.startsWith("#stops ")) {
      const [, id, , stops] = line.split(" ");
      this.open.get(id)?.tracerStops.push(Number(stops));
      return;
    }
    const [id, trial, round, cycles, result] = line.split(",");
    const cell = this.open.get(id);
    if (cell && result !== undefined) {
      cell.rounds.push({ trial: Number(trial), round: Number(round), cycles: Number(cycles), result });
    }
  }

  private cellLine(line: string): void {
    const [, id, word] = line.split(" ", 3);
    const reason = line.split(" ").slice(3).join(" ");
    if (word === "begin") {
      this.open.set(id, emptyOutcome(id));
      return;
    }
    const cell = this.open.get(id) ?? emptyOutcome(id);
    this.open.delete(id);
    if (word === "done") cell.status = "done";
    else {
      cell.status = word === "skipped" ? "skipped" : "failed";
      cell.reason = reason || "the driver gave no reason";
      cell.rounds = [];
    }
    this.onCell(cell);
  }
}
