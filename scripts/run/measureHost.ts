import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "simple-statistics";
import { BuildError, type Host } from "../hosts/host.ts";
import type { Cell } from "../plan/cells.ts";
import { whyTracerUnavailable } from "../plan/servable.ts";
import type { CellRecord, HostFacts, Manifest } from "../results/manifest.ts";
import { appendLog, appendRawRows } from "../results/runDir.ts";
import { wrongRounds } from "./checkRounds.ts";
import { probeMechanisms } from "./probeMechanisms.ts";
import { DriverStream, type CellOutcome } from "./driverStream.ts";
import type { Progress } from "./progress.ts";

export interface HostRunContext {
  runDir: string;
  manifest: Manifest;
  save: () => void; // writes the manifest atomically
  progress: Progress;
  signal?: AbortSignal;
  timeoutSeconds: number;
  /** Throws to refuse a host whose facts show it is not the machine expected (a dual-boot machine's check). */
  checkFacts?: (facts: HostFacts) => void;
}

/** Build, gather facts, and measure one host's cells; the manifest records each cell as it ends. */
export async function measureHost(host: Host, cells: Cell[], ctx: HostRunContext): Promise<void> {
  const records = new Map(ctx.manifest.cells.filter((c) => c.host === host.name).map((c) => [c.id, c]));
  const settle = (record: CellRecord, status: CellRecord["status"], reason?: string) => {
    record.status = status;
    if (reason !== undefined) record.reason = reason;
    ctx.save();
    ctx.progress({ kind: "cell-ended", host: host.name, cell: record.id, status, reason });
  };
  const log = (name: string) => (text: string) => appendLog(ctx.runDir, `${host.name}-${name}.log`, text);
  ctx.progress({ kind: "host-started", host: host.name, cells: cells.map((c) => c.id) });

  let facts: HostFacts;
  try {
    log("build")(await host.build());
    facts = await host.facts();
    ctx.manifest.hosts[host.name] = facts;
    ctx.checkFacts?.(facts);
  } catch (err) {
    log("build")(`${err instanceof BuildError ? err.output : ""}\n${(err as Error).message}\n`);
    // One reason for all the host's cells, said once.
    for (const record of records.values()) Object.assign(record, { status: "failed", reason: (err as Error).message.replaceAll("\n", " ") });
    ctx.save();
    throw err;
  }
  ctx.save();
  ctx.progress({ kind: "host-measuring", host: host.name });

  const scratchDir = join(tmpdir(), `tracetax-${ctx.manifest.runId}-${host.name}`);
  const servable = cells.filter((cell) => {
    const why = whyTracerUnavailable(cell.tracer, facts);
    if (why) settle(records.get(cell.id)!, "skipped", why);
    return !why;
  });
  const refused = await probeMechanisms(host, [...new Set(servable.map((c) => c.tracer))], {
    scratchDir,
    timeoutSeconds: ctx.timeoutSeconds,
    onLog: log("driver"),
  });
  const toMeasure = servable.filter((cell) => {
    const why = refused.get(cell.tracer);
    if (why) settle(records.get(cell.id)!, "skipped", why);
    return !why;
  });
  const byId = new Map(toMeasure.map((c) => [c.id, c]));
  const stream = new DriverStream((outcome: CellOutcome) => {
    const cell = byId.get(outcome.id);
    const record = records.get(outcome.id);
    if (!cell || !record) return;
    const wrong = outcome.status === "done" ? wrongRounds(cell, outcome.rounds) : null;
    if (outcome.status === "done" && !wrong) {
      appendRawRows(
        ctx.runDir,
        outcome.rounds.map((r) => ({ host: host.name, call: cell.call, fd: cell.fd, tracer: cell.tracer, placement: cell.placement, ...r })),
      );
      record.timerOverheadCycles = outcome.timerOverheadCycles;
      if (outcome.tracerStops.length > 0) record.tracerStops = outcome.tracerStops;
      if (outcome.timer) facts.timer = outcome.timer;
    }
    settle(record, wrong ? "failed" : outcome.status, wrong ?? outcome.reason);
  });

  log("driver")(`tt-driver: ${toMeasure.length} cells, scratch ${scratchDir}, ${ctx.timeoutSeconds}s limit per trial\n`);
  const batch = toMeasure.map((c) => [c.id, c.call, c.fd, c.tracer, c.placement, c.trials, c.rounds, c.warmup].join(" ")).join("\n");
  try {
    const end = await host.runBatch(`${batch}\n`, {
      scratchDir,
      timeoutSeconds: ctx.timeoutSeconds,
      onLine: (line) => stream.line(line),
      onLog: log("driver"),
      signal: ctx.signal,
    });
    if (end.failure) {
      const during = stream.unfinished();
      log("driver")(`\n${end.failure}${during.length ? ` during ${during.join(", ")}` : ""}\n`);
      if (ctx.signal?.aborted) {
        ctx.manifest.stoppedBecause = `${end.failure}${during.length ? ` during cell ${during.join(", ")}` : ""}`;
      } else {
        for (const c of toMeasure) {
          const record = records.get(c.id)!;
          if (record.status === "pending") settle(record, "failed", `not measured: ${end.failure}`);
        }
      }
    }
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
  const overheads = [...records.values()].flatMap((r) => r.timerOverheadCycles ?? []);
  facts.timerOverheadCycles = overheads.length > 0 ? median(overheads) : null;
  ctx.save();
}
