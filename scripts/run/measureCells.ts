import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "simple-statistics";
import { groupBy } from "../analyze/groupBy.ts";
import type { Host } from "../hosts/host.ts";
import { cellId, type CellRecord } from "../model/cell.ts";
import type { MicroSettings } from "../model/manifest.ts";
import { seededRandom } from "../model/random.ts";
import { globalState, mechanismOf } from "../model/vocabulary.ts";
import { blockOrder } from "../plan/blockOrder.ts";
import { appendRawRows } from "../results/runDir.ts";
import { appendTrialRow, readTrialsCsv, type TrialRow } from "../results/trialsCsv.ts";
import { wrongRounds } from "./checkRounds.ts";
import { DriverStream, type DriverCellOutcome } from "./driverStream.ts";
import type { MeasureContext } from "./measuringKind.ts";
import { probeMechanisms } from "./probeMechanisms.ts";

/** Whether a host's cells are known precisely enough to stop adding blocks (the kind decides from the rows measured so far). */
export type PrecisionRule = (host: string, cells: CellRecord[]) => boolean;

/** Wait, unless asked to stop. */
const pause = (ms: number, signal?: AbortSignal) => (ms > 0 ? sleep(ms, undefined, { signal }).catch(() => undefined) : Promise.resolve());

/** A (cell, trial) as the driver names it: the cell's id and the trial, so one batch line runs one process. */
const unitId = (cell: CellRecord, trial: number) => `${cell.id}#${trial}`;

/**
 * Bytes added to the benchmark's environment for a (cell, trial), uniform in
 * 0..4095 (Mytkowicz et al. 2009: environment size moves the stack and can
 * change timings). Drawn from the run's order seed, so a resumed run pads a
 * trial as the first attempt would have.
 */
export const padBytes = (orderSeed: number, host: string, cellId: string, trial: number) =>
  Math.floor(seededRandom(createHash("sha256").update(`${orderSeed}/${host}/${cellId}/${trial}`).digest().readUInt32LE(0))() * 4096);

const count = (value: string | undefined) => (value === undefined || value === "" || !Number.isFinite(Number(value)) ? null : Number(value));

/**
 * The microbenchmark kind's measurement of one host, as randomized
 * interleaved trials: block k runs trial k of every cell of the host, in an
 * order drawn from the run's order seed, so slow drift of the machine moves
 * plain and traced cells alike. Each (cell, trial) is written whole: its
 * rounds to raw.csv, then its row to trials.csv. A trial already in
 * trials.csv (a resumed run) is not measured again; an interrupted one is,
 * in its place. A cell whose trial fails is failed and leaves later blocks.
 * Given a window, only its blocks are measured (one boot's share).
 */
export async function measureCells(
  host: Host,
  cells: CellRecord[],
  ctx: MeasureContext<MicroSettings, CellRecord>,
  precise: PrecisionRule = () => true,
): Promise<void> {
  // A mechanism that slows every later process of the boot (audit) is probed and measured after all the others, in blocks of its own.
  const lasting = cells.filter((c) => globalState(mechanismOf(c.tracer)) === "boot");
  if (lasting.length > 0 && lasting.length < cells.length) {
    await measureCells(host, cells.filter((c) => !lasting.includes(c)), ctx, precise);
    if (!ctx.signal?.aborted) await measureCells(host, lasting, ctx, precise);
    return;
  }
  const { timeoutSeconds, trials: blocks, precision, spreadSeconds = 0 } = ctx.settings;
  const orderSeed = ctx.settings.orderSeed ?? 0;
  const scratchDir = join(tmpdir(), `tracetax-${ctx.runId}-${host.name}`);
  const refused = await probeMechanisms(host, [...new Set(cells.map((c) => c.tracer))], { scratchDir, timeoutSeconds, onLog: ctx.log("driver") });
  const measuring = cells.filter((cell) => {
    const why = refused.get(cell.tracer);
    if (why) ctx.settle(cell, "skipped", why);
    return !why;
  });
  const kept = groupBy(readTrialsCsv(ctx.runDir).filter((t) => t.host === host.name), (t) => cellId(t));
  const measured = (cell: CellRecord, trial: number) => kept.get(cell.id)?.some((t) => t.trial === trial) ?? false;

  const started = Date.now();
  const { first, last } = ctx.window ?? { first: 1, last: undefined };
  // Past the spec's blocks, a run with a precision goal goes on until its traced cells meet it, or its time is up (a window ends where it ends).
  const goOn = (block: number) =>
    last !== undefined
      ? block <= last
      : block <= blocks || (precision !== undefined && Date.now() - started < precision.maxMinutes * 60_000 && !precise(host.name, measuring));
  let block = first;
  try {
    for (; goOn(block); block++) {
      if (ctx.signal?.aborted) return ctx.stopped(`interrupted (signal) before block ${block}`);
      const order = blockOrder(measuring, orderSeed, host.name, block);
      const units = order.map((cell, i) => ({ cell, position: i + 1 })).filter((u) => u.cell.status === "pending" && !measured(u.cell, block));
      const stopped = units.length > 0 ? await measureBlock(host, block, units, { ...ctx, scratchDir, orderSeed }) : null;
      if (stopped) return ctx.stopped(stopped);
      ctx.progress({ kind: "block-ended", host: host.name, block, blocks: Math.max(block, blocks) });
      // The spec's blocks are spread over spreadSeconds at least, so that the run samples the machine's slow variation.
      if (block < Math.min(blocks, last ?? blocks)) await pause(started + (spreadSeconds * 1000 * (block - first + 1)) / blocks - Date.now(), ctx.signal);
    }
    // A window short of the run's last block leaves its cells to the next boot.
    if (last !== undefined && last < blocks) return;
    for (const cell of measuring) {
      if (cell.status !== "pending") continue;
      cell.trials = block - 1;
      ctx.settle(cell, "done");
    }
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
    const overheads = measuring.flatMap((c) => c.timerOverheadCycles ?? []);
    ctx.facts.timerOverheadCycles = overheads.length > 0 ? median(overheads) : null;
  }
}

/**
 * One block: a driver batch of one line per (cell, trial), in the block's
 * order; each unit recorded as it ends. Returns why it stopped early when
 * the user asked it to; throws when the host failed.
 */
async function measureBlock(
  host: Host,
  block: number,
  units: { cell: CellRecord; position: number }[],
  ctx: MeasureContext<MicroSettings, CellRecord> & { scratchDir: string; orderSeed: number },
): Promise<string | null> {
  const byId = new Map(units.map((u) => [unitId(u.cell, block), u]));
  const stream = new DriverStream((outcome: DriverCellOutcome) => {
    const unit = byId.get(outcome.id);
    if (!unit) return;
    const { cell, position } = unit;
    const rounds = outcome.rounds.map((r) => ({ ...r, trial: block }));
    const wrong = outcome.status === "done" ? wrongRounds({ ...cell, trials: 1 }, rounds) : null;
    if (outcome.status !== "done" || wrong) return ctx.settle(cell, wrong ? "failed" : outcome.status, `trial ${block}: ${wrong ?? outcome.reason}`);
    appendRawRows(ctx.runDir, rounds.map((r) => ({ host: host.name, call: cell.call, fd: cell.fd, tracer: cell.tracer, placement: cell.placement, ...r })));
    const noise = outcome.noise.get(1) ?? {};
    const observed = outcome.observed.get(1) ?? {};
    const trial: TrialRow = {
      host: host.name, call: cell.call, fd: cell.fd, tracer: cell.tracer, placement: cell.placement, trial: block, block, position, order_seed: ctx.orderSeed,
      pad_bytes: count(noise.pad_bytes), timer_overhead_cycles: outcome.timerOverheadCycles[0] ?? null, tracer_stops: outcome.tracerStops[0] ?? null,
      bench_cpu: count(noise.bench_cpu), bench_switches: count(noise.bench_switches), bench_migrations: count(noise.bench_migrations), bench_rq_ns: count(noise.bench_rq_ns),
      tracer_cpu: count(noise.tracer_cpu), tracer_switches: count(noise.tracer_switches), tracer_migrations: count(noise.tracer_migrations), tracer_rq_ns: count(noise.tracer_rq_ns),
      steal_ticks: count(noise.steal_ticks), boot_id: noise.boot_id ?? "",
      observed_seen: count(observed.seen), observed_lost: count(observed.lost), consumer_cpu_s: count(observed.consumer_cpu_s),
    };
    appendTrialRow(ctx.runDir, trial);
    cell.timerOverheadCycles = [...(cell.timerOverheadCycles ?? []), ...outcome.timerOverheadCycles];
    if (outcome.tracerStops.length > 0) cell.tracerStops = [...(cell.tracerStops ?? []), ...outcome.tracerStops];
    if (outcome.timer) ctx.facts.timer = outcome.timer;
    ctx.save();
  });

  ctx.log("driver")(`tt-driver: block ${block}, ${units.length} trials, scratch ${ctx.scratchDir}, ${ctx.settings.timeoutSeconds}s limit per trial\n`);
  const { rounds, warmup } = ctx.settings;
  const batch = units.map(({ cell }) => [unitId(cell, block), cell.call, cell.fd, cell.tracer, cell.placement, 1, rounds, warmup, padBytes(ctx.orderSeed, host.name, cell.id, block)].join(" ")).join("\n");
  const end = await host.runBatch(`${batch}\n`, {
    scratchDir: ctx.scratchDir,
    timeoutSeconds: ctx.settings.timeoutSeconds,
    onLine: (line) => stream.line(line),
    onLog: ctx.log("driver"),
    signal: ctx.signal,
  });
  if (!end.failure) return null;
  const during = stream.unfinished();
  const where = during.length ? ` during ${during.join(", ")}` : "";
  ctx.log("driver")(`\n${end.failure}${where}\n`);
  if (!ctx.signal?.aborted) throw new Error(end.failure);
  return `${end.failure}${where}`;
}
