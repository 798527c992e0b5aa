import { execa } from "execa";
import { QemuPower } from "../lab/qemu.ts";
import type { PowerConfig } from "./inventory.ts";

/** What the manifest says about how a machine was powered. */
export type PowerRecord =
  | { controller: "qemu"; accelerator: "tcg" | "kvm"; cpus: number; memoryMiB: number; image: string; qemu: string; pids: number[] }
  | { controller: "command"; on: string; cycle: string; off: string | null };

/**
 * A machine's power switch, the part IPMI plays in a lab: tracetax turns a
 * machine on before measuring it, power-cycles one that does not come back
 * from a reboot, and turns it off at the end.
 */
export interface PowerController {
  /** "qemu (tcg, 2 vCPUs, 2048 MiB)": for progress lines. */
  readonly description: string;
  record(): PowerRecord;
  on(): Promise<void>;
  cycle(): Promise<void>;
  off(): Promise<void>;
  /** Why the machine stopped without being told to (its QEMU process ended), or null. */
  ended(): string | null;
  /** The same, waiting up to `ms` for it: a connection lost at that moment is most likely the machine going. */
  endedWithin(ms: number): Promise<string | null>;
  /** The last lines the machine wrote on its serial console, where the controller keeps them. */
  consoleTail(lines: number): string | null;
}

/** Where a controller keeps what it logs: the run's logs/ directory. */
export interface PowerContext {
  machine: string;
  logsDir: string;
  log: (text: string) => void;
}

/** A physical machine's switch: the inventory's commands, run here by sh -c (ipmitool …, say). */
export class CommandPower implements PowerController {
  readonly description: string;

  constructor(
    private readonly config: Extract<PowerConfig, { kind: "command" }>,
    private readonly ctx: PowerContext,
  ) {
    this.description = "its power commands";
  }

  record(): PowerRecord {
    return { controller: "command", on: this.config.on, cycle: this.config.cycle, off: this.config.off };
  }

  private async run(what: string, command: string): Promise<void> {
    this.ctx.log(`$ ${command}\n`);
    const r = await execa("sh", ["-c", command], { all: true, reject: false, timeout: 120_000, stdin: "ignore" });
    this.ctx.log(r.all ? `${r.all}\n` : "");
    if (r.exitCode !== 0) {
      const status = r.timedOut ? "did not end within 120 s" : `exited with ${r.signal ?? `status ${r.exitCode}`}`;
      throw new Error(`the power ${what} command of ${this.ctx.machine} ${status}: ${(r.all ?? "").trim().split("\n").slice(-2).join(" ") || "no output"}`);
    }
  }

  on = () => this.run("on", this.config.on);
  cycle = () => this.run("cycle", this.config.cycle);
  off = async () => (this.config.off === null ? undefined : this.run("off", this.config.off));
  ended = () => null;
  endedWithin = async () => null;
  consoleTail = () => null;
}

/** The controller an inventory's power: names. */
export function powerController(config: PowerConfig, ctx: PowerContext): PowerController {
  return config.kind === "qemu" ? new QemuPower(config, ctx) : new CommandPower(config, ctx);
}
