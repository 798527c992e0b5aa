
/**
 * When a machine with personalities is rebooted. as-needed: the personality
 * that is up is measured first, each other one after a reboot into it.
 * per-personality (as Krun does before every process execution): every
 * personality is measured in a boot of its own started by this run (a
 * power-on counts; a machine found running is rebooted first).
 * between-blocks: as per-personality, but for every `blocksPerBoot` blocks
 * (trials of every cell; repetitions of a macro run): each window of blocks
 * of each personality gets a boot of its own, so that the variation from
 * boot to boot is sampled and measured beside that from process to process.
 */
export const REBOOT_MODES = ["as-needed", "per-personality", "between-blocks"] as const;
export type RebootMode = (typeof REBOOT_MODES)[number];

/** Two blocks in a boot at least, so that trials within a boot can be told from boots. */
export const DEFAULT_BLOCKS_PER_BOOT = 2;

/** One boot of a machine, as the run saw it: asked for, found, or what came up instead. */
export interface SwitchRecord {
  at: string; // ISO time the switch began
  how: "found running" | "power-on" | "reboot" | "power-cycle";
  /** The personality asked for (null when the run took whatever was up: found running, powered on). */
  wanted: string | null;
  /** The personality the boot proved to be, or null (nothing answered, or what answered is none of them). */
  cameUp: string | null;
  outcome: "up" | "wrong" | "no answer" | "refused";
  /** From the personality whose boot command was run. */
  from?: string;
  command?: string;
  /** From the switch's start to the first answer of the new boot (or to giving up). */
  seconds: number;
  bootId?: string;
  os?: string;
  kernel?: string;
  cmdline?: string;
  reason?: string;
}

/** The boot a personality's cells were measured in. */
export interface PersonalityBoot {
  host: string;
  bootId: string;
  os: string;
  kernel: string;
  cmdline: string;
  /** /sys/devices/system/cpu/vulnerabilities/*, by file name. */
  vulnerabilities: Record<string, string>;
  /** The boot id its host answered with once its cells were measured: the same as bootId, or it rebooted meanwhile ("" if it was down). */
  bootIdAfter: string;
}

/** The blocks one boot of a personality measured (reboot: between-blocks). */
export interface BootWindow {
  personality: string;
  bootId: string;
  first: number;
  last: number;
}

/** manifest.machines[name]: how a machine with personalities was powered, booted and proven. */
export interface MachineRecord {
  reboot: RebootMode;
  /** Under between-blocks, which boot measured which blocks, in the order measured. */
  windows?: BootWindow[];
  power: PowerRecord | null;
  personalities: Record<string, PersonalityBoot>;
  switches: SwitchRecord[];
}

/** What the manifest says about how a machine was powered. */
export type PowerRecord =
  | { controller: "qemu"; accelerator: "tcg" | "kvm"; cpus: number; memoryMiB: number; image: string; qemu: string; pids: number[] }
  | { controller: "command"; on: string; cycle: string; off: string | null };
