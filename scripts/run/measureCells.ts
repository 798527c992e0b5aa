import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "simple-statistics";
import type { Host } from "../hosts/host.ts";
import type { CellRecord } from "../model/cell.ts";
import type { MicroSettings } from "../model/manifest.ts";
import { appendRawRows } from "../results/runDir.ts";
import { wrongRounds } from "./checkRounds.ts";
import { DriverStream, type DriverCellOutcome } from "./driverStream.ts";
import type { MeasureContext } from "./measuringKind.ts";
import { probeMechanisms } from "./probeMechanisms.ts";

/**
 * The microbenchmark kind's measurement of one host: probe what its kernel
 * allows, then one batch for the per-host driver (native/driver.c), whose
 * stream hands over each cell whole; its rounds go to raw.csv at once.
 */
export async function measureCells(host: Host, cells: CellRecord[], ctx: MeasureContext<MicroSettings, CellRecord>): Promise<void> {
  const { timeoutSeconds } = ctx.settings;
  const scratchDir = join(tmpdir(), `tracetax-${ctx.runId}-${host.name}`);
  const refused = await probeMechanisms(host, [...new Set(cells.map((c) => c.tracer))], { scratchDir, timeoutSeconds, onLog: ctx.log("driver") });
  const toMeasure = cells.filter((cell) => {
    const why = refused.get(cell.tracer);
    if (why) ctx.settle(cell, "skipped", why);
    return !why;
  });
  const byId = new Map(toMeasure.map((c) => [c.id, c]));
  const stream = new DriverStream((outcome: DriverCellOutcome) => {
    const cell = byId.get(outcome.id);
    if (!cell) return;
    const wrong = outcome.status === "done" ? wrongRounds(cell, outcome.rounds) : null;
    if (outcome.status === "done" && !wrong) {
      appendRawRows(
        ctx.runDir,
        outcome.rounds.map((r) => ({ host: host.name, call: cell.call, fd: cell.fd, tracer: cell.tracer, placement: cell.placement, ...r })),
      );
      cell.timerOverheadCycles = outcome.timerOverheadCycles;
      if (outcome.tracerStops.length > 0) cell.tracerStops = outcome.tracerStops;
      if (outcome.timer) ctx.facts.timer = outcome.timer;
    }
    ctx.settle(cell, wrong ? "failed" : outcome.status, wrong ?? outcome.reason);
  });

  ctx.log("driver")(`tt-driver: ${toMeasure.length} cells, scratch ${scratchDir}, ${timeoutSeconds}s limit per trial\n`);
  const batch = toMeasure.map((c) => [c.id, c.call, c.fd, c.tracer, c.placement, c.trials, c.rounds, c.warmup].join(" ")).join("\n");
  try {
    const end = await host.runBatch(`${batch}\n`, { scratchDir, timeoutSeconds, onLine: (line) => stream.line(line), onLog: ctx.log("driver"), signal: ctx.signal });
    if (end.failure) {
      const during = stream.unfinished();
      const where = during.length ? ` during cell ${during.join(", ")}` : "";
      ctx.log("driver")(`\n${end.failure}${where}\n`);
      if (ctx.signal?.aborted) ctx.stopped(`${end.failure}${where}`);
      else throw new Error(end.failure);
    }
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
    const overheads = cells.flatMap((c) => c.timerOverheadCycles ?? []);
    ctx.facts.timerOverheadCycles = overheads.length > 0 ? median(overheads) : null;
  }
}
