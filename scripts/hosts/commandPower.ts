import { execa } from "execa";
import type { PowerConfig } from "./inventory.ts";
import type { PowerRecord } from "../model/machineRecord.ts";
import type { PowerContext, PowerController } from "./powerController.ts";

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
