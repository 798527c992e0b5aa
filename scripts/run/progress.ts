import type { Progress, ProgressEvent } from "../model/progress.ts";

interface HostProgress {
  cells: string[];
  ended: Set<string>;
  failed: number;
  /** Cells measured (not skipped) since measuring began: the pace the estimate is made from. */
  measured: number;
  measuringSince: number | null;
  /** Blocks of trials ended, for a kind that measures in blocks. */
  blocks: { ended: number; of: number } | null;
  startedAt: number;
  endedAt: number | null;
}

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/**
 * Progress of `tracetax run` on stderr: on a terminal one line per host,
 * redrawn in place (cells done of total, the cell being measured, elapsed
 * time and an estimate of what is left); elsewhere a plain line per event,
 * which logs and CI keep readably.
 */
export class ProgressDisplay {
  private readonly hosts = new Map<string, HostProgress>();
  private drawnLines = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;
  /** Set when the run is over: a host that has not ended by then stopped (its build failed, or the run was interrupted). */
  private finishedAt: number | null = null;

  constructor(
    private readonly out: ProgressOutput,
    private readonly now: () => number = Date.now,
  ) {}

  private get live(): boolean {
    return this.out.isTTY === true;
  }

  readonly report: Progress = (event) => {
    if (typeof event === "string") return this.note(event);
    switch (event.kind) {
      case "host-started":
        this.hosts.set(event.host, {
          cells: event.cells, ended: new Set(), failed: 0, measured: 0, measuringSince: null, blocks: null, startedAt: this.now(), endedAt: null,
        });
        this.startTicker();
        return this.show(event.host, `building native/ and gathering facts for ${event.cells.length} cells`);
      case "host-measuring": {
        const host = this.hosts.get(event.host);
        if (host) host.measuringSince = this.now();
        return this.show(event.host, "measuring");
      }
      case "cell-ended":
        return this.cellEnded(event);
      case "block-ended": {
        const host = this.hosts.get(event.host);
        if (host) host.blocks = { ended: event.block, of: event.blocks };
        return this.show(event.host, `block ${event.block} of ${event.blocks} measured`);
      }
      case "analysing":
        this.stopTicker();
        this.redraw();
        this.drawnLines = 0;
        this.out.write("analysing the rows and writing the report\n");
        return;
    }
  };

  /** Stop redrawing and leave the last state on the screen, so that what is printed next goes below it. */
  finish(): void {
    if (this.finishedAt !== null) return;
    this.finishedAt = this.now();
    this.stopTicker();
    const stopped = [...this.hosts].filter(([, host]) => host.endedAt === null).map(([name]) => name);
    if (this.live && this.drawnLines > 0) this.redraw();
    else if (!this.live) for (const name of stopped) this.out.write(`${this.statusLine(name)}\n`);
    this.drawnLines = 0;
  }

  private cellEnded(event: Extract<ProgressEvent, { kind: "cell-ended" }>): void {
    const host = this.hosts.get(event.host);
    if (!host) return this.note(`[${event.host}] ${event.cell}: ${event.status}`);
    host.ended.add(event.cell);
    if (event.status === "failed") host.failed++;
    if (host.measuringSince !== null && event.status !== "skipped") host.measured++;
    if (host.ended.size === host.cells.length) host.endedAt = this.now();
    const why = event.reason && event.status !== "done" ? ` (${event.reason})` : "";
    this.show(event.host, `${event.cell}: ${event.status}${why}`);
  }

  /** Where a host stands: cells ended of all, the cell under way, time spent and, once a cell was measured, time left. */
  private standing(name: string): { counts: string; current: string | null; times: string } {
    const host = this.hosts.get(name)!;
    const counts = `${host.ended.size}/${host.cells.length} cells${host.failed ? ` (${host.failed} failed)` : ""}`;
    const now = this.now();
    if (host.endedAt !== null) return { counts, current: null, times: `finished in ${duration(host.endedAt - host.startedAt)}` };
    if (this.finishedAt !== null) return { counts, current: null, times: `stopped after ${duration(this.finishedAt - host.startedAt)}` };
    const elapsed = `elapsed ${duration(now - host.startedAt)}`;
    if (host.measuringSince === null) return { counts, current: "building and gathering facts", times: elapsed };
    if (host.blocks) {
      const { ended, of } = host.blocks;
      const left = `about ${duration(((now - host.measuringSince) / ended) * (of - ended))} left`;
      return { counts, current: `block ${Math.min(ended + 1, of)} of ${of}`, times: `${elapsed}, ${left}` };
    }
    const left = host.cells.length - host.ended.size;
    const estimate = host.measured > 0 ? `about ${duration(((now - host.measuringSince) / host.measured) * left)} left` : "estimating time left";
    // Without blocks (a macro run) cells are measured in plan order, so the first cell not ended is the one under way.
    return { counts, current: `now ${host.cells.find((c) => !host.ended.has(c))}`, times: `${elapsed}, ${estimate}` };
  }

  /** A host's line on a terminal. */
  private statusLine(name: string): string {
    const { counts, current, times } = this.standing(name);
    return [`[${name}] ${counts}`, current, times].filter(Boolean).join(", ");
  }

  private show(host: string, text: string): void {
    if (this.live) return this.redraw();
    const { counts, times } = this.standing(host);
    this.out.write(`[${host}] ${text} (${counts}, ${times})\n`);
  }

  private note(text: string): void {
    if (!this.live) {
      this.out.write(`${text}\n`);
      return;
    }
    this.erase();
    this.out.write(`${text}\n`);
    this.redraw();
  }

  private erase(): void {
    if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}F\x1b[J`);
    this.drawnLines = 0;
  }

  private redraw(): void {
    if (!this.live) return;
    this.erase();
    // A line longer than the terminal wraps and would break moving the cursor back up over it.
    const width = Math.max(20, (this.out.columns ?? 100) - 1);
    const lines = [...this.hosts.keys()].map((name) => this.statusLine(name).slice(0, width));
    this.out.write(lines.map((l) => `${l}\n`).join(""));
    this.drawnLines = lines.length;
  }

  private startTicker(): void {
    if (!this.live || this.ticker) return;
    this.ticker = setInterval(() => this.redraw(), 1000);
    this.ticker.unref();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }
}
