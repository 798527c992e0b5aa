import type { Machine } from "../hosts/fleet.ts";
import { BootFailed, MachineSession, type Personality } from "../hosts/machineSession.ts";
import { powerController } from "../hosts/power.ts";
import { poweredHost } from "../hosts/poweredHost.ts";
import type { CellOutcome } from "../model/cell.ts";
import { sameHardware } from "../hosts/facts.ts";
import { type HostFacts } from "../model/hostFacts.ts";
import { DEFAULT_BLOCKS_PER_BOOT, type MachineRecord, type RebootMode } from "../model/machineRecord.ts";
import { appendLog, runPaths } from "../results/runDir.ts";
import { measureHost, type HostRunContext } from "./measureHost.ts";
import type { BlockWindow } from "./measuringKind.ts";

/** What measuring a machine needs beyond a host's context: the spec's reboot mode. */
export type MachineRunContext = HostRunContext & { reboot?: RebootMode; blocksPerBoot?: number };

/** One boot's worth of measuring: a personality, and the blocks it measures in that boot (all of them but under between-blocks). */
interface Pass {
  p: Personality;
  window?: BlockWindow;
}

/**
 * The boots a machine's measurement takes, in order. Under between-blocks,
 * every window of blocksPerBoot blocks of every personality, the
 * personalities' order reversed from one window to the next so that none is
 * always measured first after a reboot; otherwise one pass per personality.
 */
function passesOf(order: Personality[], mode: RebootMode, blocks: number, blocksPerBoot: number): Pass[] {
  if (mode !== "between-blocks") return order.map((p) => ({ p }));
  const passes: Pass[] = [];
  for (let first = 1, w = 0; first <= blocks; first += blocksPerBoot, w++) {
    const window = { first, last: Math.min(blocks, first + blocksPerBoot - 1) };
    for (const p of w % 2 === 0 ? order : [...order].reverse()) passes.push({ p, window });
  }
  return passes;
}

/** The machine is not what the inventory says: measuring on would mislabel results. */
class WrongMachine extends Error {}

/** The manifest's record of a machine: a resumed run adds to the one it started. */
function machineRecord(ctx: MachineRunContext, m: Machine, reboot: RebootMode): MachineRecord {
  ctx.manifest.machines ??= {};
  const record = (ctx.manifest.machines[m.name] ??= { reboot, power: null, personalities: {}, switches: [] });
  record.reboot = reboot;
  return record;
}

/**
 * Measure a machine with personalities (a dual-boot machine, a lab VM):
 * power it on if it has a power controller (else find the personality that
 * is up), measure each personality's cells in a boot proven to be that
 * personality's, rebooting between them (see RebootMode; between-blocks, a
 * boot for every window of blocks of every personality), boot back to the
 * first if the inventory asks to, and power it off at the end. A personality
 * that does not come up fails its cells with the reason and the machine goes
 * on with the others while one of its personalities can be found (or powered
 * up); a machine whose QEMU ends, or that shows other hardware, keeps what
 * was measured and fails the rest.
 */
export async function measureMachine(m: Machine, cells: CellOutcome[], ctx: MachineRunContext): Promise<void> {
  const mode = ctx.reboot ?? "as-needed";
  const cellsOf = (p: Personality) => cells.filter((c) => c.host === p.host && c.status === "pending");
  const failPending = (ps: Personality[], reason: string) => {
    for (const c of ctx.manifest.cells) {
      if (c.status === "pending" && ps.some((p) => p.host === c.host)) Object.assign(c, { status: "failed", reason });
    }
    ctx.save();
  };
  const wanted = m.personalities.filter((p) => cellsOf(p).length > 0);
  if (wanted.length === 0) return;
  const record = machineRecord(ctx, m, mode);
  const power = m.power
    ? powerController(m.power, { machine: m.name, logsDir: runPaths(ctx.runDir).logs, log: (text) => appendLog(ctx.runDir, `${m.name}-power.log`, text) })
    : null;
  const session = new MachineSession(m, power, { progress: ctx.progress, signal: ctx.signal, record, save: ctx.save });
  const errors: string[] = [];
  const stop = (ps: Personality[], reason: string): never => {
    failPending(ps, `${m.name}: ${reason}`);
    throw new Error([...errors, reason].join("; "));
  };

  try {
    let first: Personality;
    try {
      first = await session.start();
    } catch (err) {
      if (ctx.signal?.aborted) return;
      return stop(wanted, (err as Error).message);
    } finally {
      record.power = power?.record() ?? null;
    }
    // The personality that is up goes first, unless it must be rebooted into (per-personality, found running): then last.
    // Between blocks, it goes first all the same: the windows' order turns back to it (and every window reboots).
    const firstLast = mode === "per-personality" && !session.fresh;
    const order = [...wanted].sort((a, b) => (firstLast ? Number(a === first) - Number(b === first) : Number(b === first) - Number(a === first)));
    const passes = passesOf(order, mode, ctx.kind.blocks(ctx.manifest.settings), ctx.blocksPerBoot ?? DEFAULT_BLOCKS_PER_BOOT);
    const personalitiesFrom = (i: number) => [...new Set(passes.slice(i).map((x) => x.p))];
    let reference: HostFacts | undefined; // the first facts gathered on this machine
    const checkFacts = (facts: HostFacts) => {
      if (!reference) reference = facts;
      else if (!sameHardware(facts, reference)) {
        throw new WrongMachine(`${facts.name} shows the hardware "${facts.fingerprint}", ${reference.name} showed "${reference.fingerprint}": not the same machine; stopped measuring this machine`);
      }
    };

    for (const [i, { p, window }] of passes.entries()) {
      if (ctx.signal?.aborted) break;
      const pending = cellsOf(p);
      if (pending.length === 0) continue; // its cells failed in an earlier boot, or ended there
      try {
        await session.bring(p, mode);
      } catch (err) {
        if (ctx.signal?.aborted) break;
        const why = (err as Error).message;
        if (!(err instanceof BootFailed)) stop(personalitiesFrom(i), why);
        // Where no power switch can bring it back, carry on only from a personality that is up.
        if (!power && !(await session.findRunning())) stop(personalitiesFrom(i), `${why}; stopped measuring this machine`);
        errors.push(why);
        failPending([p], `${m.name}: ${why}`);
        continue;
      }
      try {
        await measureHost(poweredHost(p.sshHost, power), pending, { ...ctx, checkFacts, window });
      } catch (err) {
        if (ctx.signal?.aborted) break;
        const ended = power?.ended();
        if (ended || err instanceof WrongMachine) stop(personalitiesFrom(i), ended ?? (err as Error).message);
        errors.push((err as Error).message);
      }
      const moved = await session.measured(p);
      if (window) {
        (record.windows ??= []).push({ personality: p.name, bootId: record.personalities[p.name].bootId, ...window });
        ctx.save();
      }
      if (moved && !power?.ended()) errors.push(moved);
    }
    if (m.switchBack && session.up !== first && !ctx.signal?.aborted) {
      await session.bring(first, "as-needed").catch((err: Error) => errors.push(`switching back to ${first.name}: ${err.message}`));
    }
    if (errors.length > 0) throw new Error(errors.join("; "));
  } finally {
    if (power) {
      ctx.progress(`[${m.name}] powering off`);
      await power.off().catch((err: Error) => errors.push(`powering off: ${err.message}`));
      record.power = power.record();
      ctx.save();
    }
  }
}
