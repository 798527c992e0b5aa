import { join } from "node:path";
import { groupBy } from "../../analyze/groupBy.ts";
import type { Host } from "../../hosts/host.ts";
import { macroCellId, type MacroCellRecord } from "../../model/macroCell.ts";
import type { MeasureContext } from "../../run/measuringKind.ts";
import { appendMacroRows, readMacroCsv, runSucceeded, type MacroRow } from "./macroRows.ts";
import { workloadRuns, type MacroSettings, type WorkloadRun } from "./macroPlan.ts";
import { generateInput, interceptionRefusal, lastWords, runServerOnce, timeCommand } from "./runWorkload.ts";

const blank = { requests: null, errors: null, rps: null, p50_us: null, p99_us: null };

/**
 * The given repetitions of one cell on its host, each row handed to onRows
 * as soon as it is known; `input` is the generated tree or file of find and
 * gzip. Returns why runs are missing, if some are; throws when the host
 * cannot be used.
 */
async function measureRuns(
  host: Host,
  cell: MacroCellRecord,
  w: WorkloadRun,
  repetitions: number[],
  o: { input: string; timeoutSeconds: number; log: (text: string) => void; onRows: (rows: MacroRow[]) => void },
): Promise<string | null> {
  const at = { host: cell.host, workload: cell.workload, mechanism: cell.mechanism, calls: cell.calls };
  if (w.type !== "server") {
    const command = w.type === "find" ? ["find", o.input] : ["gzip", "-9", "-c", o.input];
    const { runs, stderr, missing } = await timeCommand(host, cell, repetitions.length, o.timeoutSeconds, command);
    o.log(stderr);
    // tt-macro counts its runs from 1; they stand for the repetitions asked for, in order.
    o.onRows(runs.map((t) => ({ ...at, ...t, run: repetitions[t.run - 1], ...blank, reason: t.exit === "0" ? "" : lastWords(stderr) || `exit ${t.exit}` })));
    return missing;
  }
  for (const run of repetitions) {
    const r = await runServerOnce(host, cell, { mode: w.mode, requests: w.requests, concurrency: w.concurrency, port: w.port, timeoutSeconds: o.timeoutSeconds });
    o.log(r.stderr);
    const load = r.load ?? { requests: null, errors: w.requests, rps: null, p50_us: null, p99_us: null };
    // Requests the server did not count as answered are errors too, whatever the client saw.
    const errors = Math.max(load.errors ?? 0, w.requests - (r.served ?? 0));
    const failed = r.timed.exit !== "0" || errors > 0;
    const reason = failed ? lastWords(r.stderr) || `exit ${r.timed.exit}, ${errors} of ${w.requests} requests unanswered` : "";
    o.onRows([{ ...at, ...r.timed, run, requests: load.requests, errors, rps: load.rps, p50_us: load.p50_us, p99_us: load.p99_us, reason }]);
  }
  return null;
}

/**
 * The macrobenchmark kind's measurement of one host: a scratch directory
 * there, each workload's input made from its seed before its first cell,
 * then each cell in the plan's order, the repetitions it lacks (a resumed
 * cell keeps the runs that succeeded). Each run goes to macro.csv as soon as
 * it is known; given a window, only its repetitions (one boot's share).
 * A mechanism the host refuses is skipped with tt-macro's
 * reason; an input that cannot be made or a run that fails fails its cell,
 * and the rest go on.
 */
export async function measureMacro(host: Host, cells: MacroCellRecord[], ctx: MeasureContext<MacroSettings, MacroCellRecord>): Promise<void> {
  const { repetitions, timeoutSeconds, keepInputs } = ctx.settings;
  const workloads = workloadRuns(ctx.settings.workloads);
  const kept = groupBy(readMacroCsv(ctx.runDir).filter((r) => r.host === host.name), macroCellId);
  const scratch = await host.makeScratch(ctx.runId, join(ctx.runDir, "scratch"));
  const inputs = new Map<string, Promise<string>>();
  const refusals = new Map<string, string | null>();
  const inputOf = (c: MacroCellRecord) => workloads.get(c.workload)!.type;
  const lastUse = new Map(cells.map((c) => [inputOf(c), c])); // an input is removed after its last cell
  const log = ctx.log("macro");
  try {
    for (const cell of cells) {
      if (ctx.signal?.aborted) return ctx.stopped("interrupted (signal)");
      const w = workloads.get(cell.workload)!;
      try {
        const selection = `${cell.mechanism} ${cell.calls}`;
        if (!refusals.has(selection)) refusals.set(selection, await interceptionRefusal(host, cell));
        const refusal = refusals.get(selection);
        if (refusal) {
          ctx.settle(cell, "skipped", refusal);
          continue;
        }
        let input = "";
        if (w.type !== "server") {
          // Made from the seed once per host and workload, before its first measurement.
          if (!inputs.has(w.type)) inputs.set(w.type, generateInput(host, w, `${scratch}/${w.type}`).then(() => `${scratch}/${w.type}`));
          input = await inputs.get(w.type)!;
        }
        const runs = [...(kept.get(cell.id) ?? [])];
        const have = new Set(runs.map((r) => r.run));
        const { first, last } = ctx.window ?? { first: 1, last: repetitions };
        const wanted = Array.from({ length: Math.min(last, repetitions) - first + 1 }, (_, i) => first + i).filter((r) => !have.has(r));
        const missing = await measureRuns(host, cell, w, wanted, {
          input,
          timeoutSeconds,
          log: (text) => text.trim() && log(`## ${cell.id}\n${text.trimEnd()}\n`),
          onRows: (rows) => {
            appendMacroRows(ctx.runDir, rows);
            runs.push(...rows);
          },
        });
        // A window short of the last repetition leaves the cell to the next boot, unless the host failed it.
        if (!missing && last < repetitions) continue;
        const failed = runs.filter((r) => !runSucceeded(r));
        const reasons = [missing, failed.length > 0 ? `${failed.length} of ${runs.length} runs failed: ${failed[0].reason}` : null].filter(Boolean);
        ctx.settle(cell, missing || failed.length === runs.length ? "failed" : "done", reasons.length > 0 ? reasons.join("; ") : undefined);
      } catch (err) {
        ctx.settle(cell, "failed", (err as Error).message);
      }
      if (lastUse.get(inputOf(cell)) === cell && inputs.has(inputOf(cell)) && !keepInputs) {
        await host.removeScratch(`${scratch}/${inputOf(cell)}`).catch((err: Error) => log(`cannot remove the ${inputOf(cell)} input: ${err.message}\n`));
      }
    }
  } finally {
    if (!keepInputs) await host.removeScratch(scratch);
  }
}
