import { BuildError, type Host } from "../hosts/host.ts";
import type { CellOutcome, CellStatus } from "../model/cell.ts";
import type { HostFacts } from "../model/hostFacts.ts";
import type { RunManifest } from "../model/manifest.ts";
import { appendLog } from "../results/runDir.ts";
import type { BlockWindow, MeasuringKind } from "./measuringKind.ts";
import type { Progress } from "../model/progress.ts";

/** What the runner gives each host's measurement, whatever the kind. */
export interface HostRunContext {
  kind: MeasuringKind;
  runDir: string;
  manifest: RunManifest;
  save: () => void; // writes the manifest atomically
  progress: Progress;
  signal?: AbortSignal;
  /** Throws to refuse a host whose facts show it is not the machine expected (a dual-boot machine's check). */
  checkFacts?: (facts: HostFacts) => void;
  /** The blocks this boot measures (reboot: between-blocks); absent, all of them. */
  window?: BlockWindow;
}

/**
 * Build native/ on the host, gather its facts, skip the cells its OS cannot
 * serve, and let the kind measure the rest; the manifest records each cell
 * as it ends. A host that cannot be built or reached fails its cells with
 * the reason, said once; a host that fails mid-way fails the cells it had
 * not measured, unless the user asked to stop (they then stay pending).
 */
export async function measureHost(host: Host, cells: CellOutcome[], ctx: HostRunContext): Promise<void> {
  const settle = (cell: CellOutcome, status: CellStatus, reason?: string) => {
    cell.status = status;
    if (reason !== undefined) cell.reason = reason;
    ctx.save();
    ctx.progress({ kind: "cell-ended", host: host.name, cell: cell.id, status, reason });
  };
  const log = (name: string) => (text: string) => appendLog(ctx.runDir, `${host.name}-${name}.log`, text);
  const failPending = (reason: string) => {
    for (const cell of cells) if (cell.status === "pending") Object.assign(cell, { status: "failed", reason });
    ctx.save();
  };
  ctx.progress({ kind: "host-started", host: host.name, cells: cells.map((c) => c.id) });

  let facts: HostFacts;
  try {
    log("build")(await host.build());
    facts = await host.facts();
    ctx.manifest.hosts[host.name] = facts;
    ctx.checkFacts?.(facts);
  } catch (err) {
    log("build")(`${err instanceof BuildError ? err.output : ""}\n${(err as Error).message}\n`);
    failPending((err as Error).message.replaceAll("\n", " "));
    throw err;
  }
  ctx.save();
  ctx.progress({ kind: "host-measuring", host: host.name });

  const servable = cells.filter((cell) => {
    const why = ctx.kind.unavailable(cell, facts);
    if (why) settle(cell, "skipped", why);
    return !why;
  });
  try {
    await ctx.kind.measure(host, servable, {
      runDir: ctx.runDir,
      runId: ctx.manifest.runId,
      settings: ctx.manifest.settings,
      facts,
      settle,
      save: ctx.save,
      log,
      signal: ctx.signal,
      progress: ctx.progress,
      window: ctx.window,
      stopped: (why) => {
        ctx.manifest.stoppedBecause = why;
        ctx.save();
      },
    });
  } catch (err) {
    if (!ctx.signal?.aborted) failPending(`not measured: ${(err as Error).message}`);
    throw err;
  } finally {
    ctx.save();
  }
}
