import type { PowerRecord } from "../model/machineRecord.ts";

/**
 * A machine's power switch, the part IPMI plays in a lab (implemented by
 * commandPower.ts and qemuPower.ts): tracetax turns a
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
