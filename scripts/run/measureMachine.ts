import { setTimeout as sleep } from "node:timers/promises";
import type { Machine } from "../hosts/fleet.ts";
import { isPermanentSshFailure } from "../hosts/sshError.ts";
import type { CellOutcome } from "../model/cell.ts";
import { type HostFacts } from "../model/hostFacts.ts";
import { measureHost, type HostRunContext } from "./measureHost.ts";

type Personality = Machine["personalities"][number];

const PROBE_INTERVAL_MS = 2000;

/** The machine is not what the inventory says: measuring on would mislabel results. */
class WrongMachine extends Error {}

/** Which personality is up now: the one whose host answers and runs the OS it should. */
async function runningPersonality(m: Machine): Promise<Personality> {
  const probes = await Promise.all(m.personalities.map((p) => p.sshHost.probe()));
  const up = m.personalities.find((p, i) => {
    const probe = probes[i];
    return probe.up && probe.os === p.os;
  });
  if (up) return up;
  const seen = m.personalities.map((p, i) => {
    const probe = probes[i];
    return `${p.host}: ${probe.up ? `runs ${probe.os}, expected ${p.os}` : probe.reason}`;
  });
  throw new Error(`none of its personalities is up (${seen.join("; ")})`);
}

/**
 * Run the current personality's boot command, see its OS go down (it may
 * answer for a moment while shutting down), then wait for the next one to
 * answer, all within bootTimeoutSeconds, and check that it runs the OS it
 * should.
 */
async function switchTo(m: Machine, from: Personality, to: Personality, ctx: HostRunContext): Promise<void> {
  ctx.progress(`[${m.name}] booting ${to.name} (${to.host}): running the boot command of ${from.name} on ${from.host}`);
  const refused = await from.sshHost.boot(from.boot);
  if (refused) throw new Error(refused);
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s of ${m.bootTimeoutSeconds} s`;
  const timedOut = () => Date.now() - started > m.bootTimeoutSeconds * 1000;
  const pause = () => sleep(PROBE_INTERVAL_MS, undefined, { signal: ctx.signal });

  for (let probe = await from.sshHost.probe(); probe.up && probe.os === from.os; probe = await from.sshHost.probe()) {
    if (timedOut()) throw new Error(`${from.host} still runs ${from.os} ${m.bootTimeoutSeconds} s after its boot command: the machine did not reboot`);
    ctx.progress(`[${m.name}] waiting for ${from.name} to go down (${elapsed()})`);
    await pause();
  }
  for (;;) {
    const probe = await to.sshHost.probe();
    if (probe.up && probe.os !== to.os) {
      throw new WrongMachine(`after the boot command of ${from.name}, ${to.host} runs ${probe.os}, not ${to.os}; stopped measuring this machine`);
    }
    if (probe.up) break;
    if (isPermanentSshFailure(probe.reason)) throw new Error(`${to.host} came up but refuses us: ${probe.reason}`);
    if (timedOut()) throw new Error(`${to.host} did not answer within ${m.bootTimeoutSeconds} s of the boot command: ${probe.reason}`);
    ctx.progress(`[${m.name}] waiting for ${to.name} (${to.host}) to come up (${elapsed()}): ${probe.reason}`);
    await pause();
  }
  ctx.progress(`[${m.name}] ${to.name} is up (${to.os}) after ${elapsed()}`);
}

/**
 * Measure a dual-boot machine: first the cells of the personality that is up,
 * then boot the other one and measure its cells, on the same hardware (its
 * fingerprint must match); boot back at the end if the inventory asks to. A
 * machine that comes up as something else is left alone: what was measured
 * is kept, the rest fails with the reason.
 */
export async function measureMachine(m: Machine, cells: CellOutcome[], ctx: HostRunContext): Promise<void> {
  const cellsOf = (p: Personality) => cells.filter((c) => c.host === p.host);
  const failPending = (ps: Personality[], reason: string) => {
    for (const c of ctx.manifest.cells) {
      if (c.status === "pending" && ps.some((p) => p.host === c.host)) Object.assign(c, { status: "failed", reason });
    }
    ctx.save();
  };
  const wanted = m.personalities.filter((p) => cellsOf(p).length > 0);
  let current: Personality;
  try {
    current = await runningPersonality(m);
  } catch (err) {
    failPending(wanted, `${m.name}: ${(err as Error).message}`);
    throw err;
  }
  const first = current;
  const order = [...wanted].sort((a, b) => Number(b === first) - Number(a === first));
  let reference: HostFacts | undefined; // the first facts gathered on this machine
  const checkFacts = (facts: HostFacts) => {
    if (!reference) reference = facts;
    else if (facts.fingerprint !== reference.fingerprint) {
      throw new WrongMachine(
        `${facts.name} shows the hardware "${facts.fingerprint}", ${reference.name} showed "${reference.fingerprint}": not the same machine; stopped measuring this machine`,
      );
    }
  };
  const errors: string[] = [];
  for (const [i, p] of order.entries()) {
    if (ctx.signal?.aborted) break;
    try {
      if (p !== current) {
        await switchTo(m, current, p, ctx);
        current = p;
      }
      await measureHost(p.sshHost, cellsOf(p), { ...ctx, checkFacts });
    } catch (err) {
      if (ctx.signal?.aborted) break; // stopped on request: cells not reached stay pending
      errors.push((err as Error).message);
      if (err instanceof WrongMachine || p !== current) {
        failPending(order.slice(i), `${m.name}: ${(err as Error).message}`);
        throw new Error(errors.join("; "));
      }
    }
  }
  if (m.switchBack && current !== first && !ctx.signal?.aborted) {
    await switchTo(m, current, first, ctx).catch((err: Error) => errors.push(`switching back to ${first.name}: ${err.message}`));
  }
  if (errors.length > 0) throw new Error(errors.join("; "));
}
