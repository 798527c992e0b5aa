import { setTimeout as sleep } from "node:timers/promises";
import type { MachineRecord, RebootMode, SwitchRecord } from "../model/machineRecord.ts";
import type { Progress } from "../model/progress.ts";
import { bootMismatch, describeBoot, type BootState } from "./bootState.ts";
import type { Machine } from "./fleet.ts";
import type { PowerController } from "./powerController.ts";
import { shellQuote } from "./shellQuote.ts";
import { isPermanentSshFailure } from "./sshError.ts";
import type { Probe } from "./sshHost.ts";

export type Personality = Machine["personalities"][number];

const PROBE_INTERVAL_MS = 2000;
const CONSOLE_LINES = 6;

/** The personality asked for did not come up; what was measured elsewhere stands. */
export class BootFailed extends Error {}

/** The machine cannot be used any more: its QEMU ended, it refuses us, or nothing it runs can be found. */
export class MachineLost extends Error {}

export interface SessionContext {
  progress: Progress;
  signal?: AbortSignal;
  record: MachineRecord;
  save(): void;
}

/** A boot command with {entry} replaced by the next personality's boot entry, quoted for sh. */
function bootCommand(from: Personality, to: Personality): string {
  return from.boot!.replaceAll("{entry}", shellQuote(to.entry ?? ""));
}

/** Personalities reached over the same ssh target are one probe: the personalities of one VM share its forwarded port. */
function targetKey(p: Personality): string {
  const t = p.sshHost.target;
  return JSON.stringify([t.ssh, t.port, t.identity, t.sshConfig, t.acceptNewHostKey]);
}

/**
 * One machine with personalities, as a run drives it: powered on (or found
 * running), rebooted from one personality into the next by the boot command
 * of the one that is up, power-cycled when a boot does not come back, and
 * every boot proven by the machine itself: a new boot id (the personalities
 * of one VM share a forwarded port, so an answer there proves nothing), and
 * the OS, kernel release and command-line words its personality requires.
 * Every switch is recorded in the manifest.
 */
export class MachineSession {
  private current: Personality | null = null;
  /** What the current personality was proven by. */
  private state: BootState | null = null;
  private bootId = "";
  /** Boots this run started (powered on, rebooted, power-cycled) and those something was measured in. */
  private readonly startedByRun = new Set<string>();
  private readonly measuredIn = new Set<string>();
  private failure = "";

  constructor(
    private readonly m: Machine,
    private readonly power: PowerController | null,
    private readonly ctx: SessionContext,
  ) {}

  /** The personality that is up and proven, if any. */
  get up(): Personality | null {
    return this.current;
  }

  private say(text: string): void {
    this.ctx.progress(`[${this.m.name}] ${text}`);
  }

  private seconds(since: number): number {
    return Math.round((Date.now() - since) / 1000);
  }

  private note(s: SwitchRecord): void {
    this.ctx.record.switches.push(s);
    this.ctx.save();
  }

  /** Power the machine on, or find the personality that runs; throws MachineLost when there is none to measure on. */
  async start(): Promise<Personality> {
    if (this.power) {
      this.say(`powering on: ${this.power.description}`);
      const started = Date.now();
      try {
        await this.power.on();
      } catch (err) {
        throw new MachineLost(`powering on failed: ${(err as Error).message}`);
      }
      if ((await this.arrive("power-on", started)) === "no answer") {
        this.say(`nothing answered within ${this.m.bootTimeoutSeconds} s of power-on: power-cycling`);
        await this.powerCycle();
      }
      if (!this.current) throw new MachineLost(this.failure);
      return this.current;
    }
    const found = await this.findRunning();
    if (!found) throw new MachineLost(`none of its personalities is up (${this.failure})`);
    return found;
  }

  /**
   * Make `p` the personality that is up: reboot into it unless it is up
   * already (and, per-personality, in a boot this run started that nothing
   * was measured in yet). A boot that does not come back within
   * bootTimeoutSeconds is power-cycled and tried once more. Throws BootFailed
   * (p is not up; the machine may be) or MachineLost.
   */
  async bring(p: Personality, mode: RebootMode): Promise<void> {
    if (!this.current) await this.recover();
    if (this.current === p && (mode === "as-needed" || this.fresh)) return;
    if (mode === "as-needed" && (await this.alreadyUp(p))) return;
    const first = await this.reboot(this.current!, p);
    if (first === "up") return;
    if (first !== "no answer" || !this.power) throw new BootFailed(this.failure);
    const timedOut = this.failure;
    this.say(`${p.name} did not come back within ${this.m.bootTimeoutSeconds} s: power-cycling, then trying once more`);
    await this.powerCycle();
    if (this.current === p) return; // the boot asked for was still pending, or is the one that starts
    if (!this.current) throw new BootFailed(`${timedOut}; after a power cycle: ${this.failure}`);
    const second = await this.reboot(this.current, p);
    if (second === "up") return;
    throw new BootFailed(second === "no answer" ? `${this.failure}, a second time after a power cycle` : this.failure);
  }

  /** Whether the running boot was started by this run and nothing was measured in it yet. */
  get fresh(): boolean {
    return this.startedByRun.has(this.bootId) && !this.measuredIn.has(this.bootId);
  }

  /**
   * Something was measured in the running boot (per-personality, the next
   * personality needs a boot of its own). Ask the machine which boot it is in
   * now: the cells were measured in the boot that was proven only if it is
   * the same. Returns why not, or null.
   */
  async measured(p: Personality): Promise<string | null> {
    this.measuredIn.add(this.bootId);
    const probe = await p.sshHost.probe();
    const s = this.state!;
    this.ctx.record.personalities[p.name] = {
      host: p.host, bootId: s.bootId, os: s.os, kernel: s.release, cmdline: s.cmdline, vulnerabilities: s.vulnerabilities, bootIdAfter: probe.up ? probe.bootId : "",
    };
    this.ctx.save();
    if (probe.up && probe.bootId === this.bootId) return null;
    this.current = null;
    return `${p.host} ${probe.up ? `answers in another boot (${probe.bootId}) than the one it was proven in (${this.bootId})` : `no longer answers: ${probe.reason}`} after its cells were measured`;
  }

  /**
   * After a boot went wrong: find which personality is up now, without
   * touching the machine. Null when none is (the machine is down, or runs
   * something none of its personalities describes).
   */
  async findRunning(): Promise<Personality | null> {
    const started = Date.now();
    const probes = await this.probe(this.m.personalities);
    const found = this.m.personalities.find((p) => { const s = probes.get(p)!; return s.up && bootMismatch(p, s) === null; });
    this.failure = this.m.personalities
      .map((p) => { const s = probes.get(p)!; return `${p.host}: ${s.up ? (bootMismatch(p, s) ?? "up") : s.reason}`; })
      .join("; ");
    if (!found) return null;
    this.arrived(found, probes.get(found) as BootState, { at: new Date(started).toISOString(), how: "found running", wanted: null, seconds: this.seconds(started) });
    return found;
  }

  /**
   * Whether `p` is up in the running boot already: its host answers in this
   * very boot (same boot id) and the boot is what `p` requires. Two
   * personalities that ask the same of a boot share it unless the spec wants
   * a boot per personality.
   */
  private async alreadyUp(p: Personality): Promise<boolean> {
    const started = Date.now();
    const probe = await p.sshHost.probe();
    if (!probe.up || !probe.bootId || probe.bootId !== this.bootId || bootMismatch(p, probe) !== null) return false;
    this.arrived(p, probe, { at: new Date(started).toISOString(), how: "found running", wanted: p.name, seconds: this.seconds(started) });
    return true;
  }

  /** Find what runs; if nothing of ours does, power-cycle. Throws MachineLost when neither gives a personality. */
  private async recover(): Promise<void> {
    if (await this.findRunning()) return;
    if (this.power) {
      this.say(`none of its personalities answers (${this.failure}): power-cycling`);
      await this.powerCycle();
      if (this.current) return;
    }
    throw new MachineLost(`none of its personalities is up (${this.failure})`);
  }

  private async powerCycle(): Promise<void> {
    const started = Date.now();
    this.current = null;
    try {
      await this.power!.cycle();
    } catch (err) {
      throw new MachineLost(`power-cycling failed: ${(err as Error).message}`);
    }
    await this.arrive("power-cycle", started);
  }

  /** Wait for whichever personality a power-on or power cycle brings up; sets `current` when one does. */
  private async arrive(how: "power-on" | "power-cycle", started: number): Promise<"up" | "wrong" | "no answer"> {
    const at = new Date(started).toISOString();
    const answers = await this.awaitBoot(this.m.personalities, started, "the machine to come up");
    if (!answers) {
      this.failure = `nothing answered within ${this.m.bootTimeoutSeconds} s of the ${how}: ${this.failure}${this.console()}`;
      this.note({ at, how, wanted: null, cameUp: null, outcome: "no answer", seconds: this.seconds(started), reason: this.failure });
      return "no answer";
    }
    const found = this.m.personalities.find((p) => answers.has(p) && bootMismatch(p, answers.get(p)!) === null);
    const state = found ? answers.get(found)! : [...answers.values()][0];
    this.bootId = state.bootId;
    this.startedByRun.add(state.bootId);
    if (found) {
      this.arrived(found, state, { at, how, wanted: null, seconds: this.seconds(started) });
      return "up";
    }
    this.failure = `after the ${how} it runs ${describeBoot(state)} (command line "${state.cmdline}"), which is none of its personalities`;
    this.note({ at, how, wanted: null, cameUp: null, outcome: "wrong", seconds: this.seconds(started), ...this.bootFields(state), reason: this.failure });
    return "wrong";
  }

  /** Run `from`'s boot command to boot `to`, and see what comes up. */
  private async reboot(from: Personality, to: Personality): Promise<"up" | "wrong" | "no answer" | "refused"> {
    if (from.boot === null) {
      this.failure = `${from.name} has no boot command to boot ${to.name} with`;
      return "refused";
    }
    const command = bootCommand(from, to);
    const started = Date.now();
    const base = { at: new Date(started).toISOString(), how: "reboot" as const, wanted: to.name, from: from.name, command };
    this.say(`booting ${to.name} (${to.host}): running the boot command of ${from.name} on ${from.host}`);
    const refused = await from.sshHost.boot(command);
    if (refused) {
      this.failure = refused;
      this.note({ ...base, cameUp: null, outcome: "refused", seconds: this.seconds(started), reason: refused });
      return "refused";
    }
    this.current = null;
    const answers = await this.awaitBoot([to], started, `${to.name} (${to.host}) to come up`);
    if (!answers) {
      this.failure = `${to.host} did not answer within ${this.m.bootTimeoutSeconds} s of the boot command of ${from.name}: ${this.failure}${this.console()}`;
      this.note({ ...base, cameUp: null, outcome: "no answer", seconds: this.seconds(started), reason: this.failure });
      return "no answer";
    }
    const state = answers.get(to)!;
    this.bootId = state.bootId;
    this.startedByRun.add(state.bootId);
    const wrong = bootMismatch(to, state);
    if (wrong) {
      this.failure = `after the boot command of ${from.name}, ${to.host} ${wrong}`;
      this.note({ ...base, cameUp: null, outcome: "wrong", seconds: this.seconds(started), ...this.bootFields(state), reason: this.failure });
      return "wrong";
    }
    this.arrived(to, state, base);
    return "up";
  }

  private bootFields(s: BootState) {
    return { bootId: s.bootId, os: s.os, kernel: s.release, cmdline: s.cmdline };
  }

  /** `p` is proven up in boot `s`: it becomes the current personality, and the manifest says so. */
  private arrived(p: Personality, s: BootState, base: Omit<SwitchRecord, "cameUp" | "outcome" | "seconds"> & { seconds?: number }): void {
    this.current = p;
    this.state = s;
    this.bootId = s.bootId;
    const seconds = base.seconds ?? this.seconds(Date.parse(base.at));
    this.note({ ...base, cameUp: p.name, outcome: "up", seconds, ...this.bootFields(s) });
    this.say(`${p.name} is up (${s.os}) after ${seconds} s of ${this.m.bootTimeoutSeconds} s: kernel ${s.release}${s.bootId ? `, boot id ${s.bootId}` : ""}`);
  }

  /** The console's last lines, for a message about a machine that went quiet. */
  private console(): string {
    const tail = this.power?.consoleTail(CONSOLE_LINES);
    return tail ? `; its console's last lines: ${tail}` : "";
  }

  /** Probe each distinct ssh target once; every personality gets its target's answer. */
  private async probe(candidates: Personality[]): Promise<Map<Personality, Probe>> {
    const byTarget = new Map<string, Promise<Probe>>();
    for (const p of candidates) if (!byTarget.has(targetKey(p))) byTarget.set(targetKey(p), p.sshHost.probe());
    const answers = new Map<Personality, Probe>();
    for (const p of candidates) answers.set(p, await byTarget.get(targetKey(p))!);
    return answers;
  }

  /**
   * Wait until a candidate answers in a boot other than the one before (a
   * new boot id; where the OS tells none, after it was seen down), at most
   * bootTimeoutSeconds from `started`. Returns the candidates that answered
   * so, or null when none did in time (this.failure says what was seen).
   */
  private async awaitBoot(candidates: Personality[], started: number, what: string): Promise<Map<Personality, BootState> | null> {
    const previous = this.bootId;
    let sawDown = false;
    for (;;) {
      const ended = this.power?.ended();
      if (ended) throw new MachineLost(ended);
      const probes = await this.probe(candidates);
      const answers = new Map<Personality, BootState>();
      for (const [p, probe] of probes) {
        if (!probe.up) {
          if (isPermanentSshFailure(probe.reason)) throw new MachineLost(`${p.host} came up but refuses us: ${probe.reason}`);
          sawDown = true;
          this.failure = probe.reason;
        } else if (probe.bootId ? probe.bootId !== previous : sawDown) {
          answers.set(p, probe);
        } else {
          this.failure = `${p.host} still answers in the boot before (${probe.bootId || "no boot id"})`;
        }
      }
      if (answers.size > 0) return answers;
      const elapsed = this.seconds(started);
      if (elapsed >= this.m.bootTimeoutSeconds) return null;
      this.say(`waiting for ${what} (${elapsed} s of ${this.m.bootTimeoutSeconds} s): ${this.failure}`);
      await sleep(PROBE_INTERVAL_MS, undefined, { signal: this.ctx.signal });
    }
  }
}
