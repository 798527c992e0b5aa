import { CommandPower } from "./commandPower.ts";
import type { PowerConfig } from "./inventory.ts";
import type { PowerContext, PowerController } from "./powerController.ts";
import { QemuPower } from "./qemuPower.ts";

/** The controller an inventory's power: names. */
export function powerController(config: PowerConfig, ctx: PowerContext): PowerController {
  return config.kind === "qemu" ? new QemuPower(config, ctx) : new CommandPower(config, ctx);
}
