import type { Fleet } from "../hosts/fleet.ts";
import type { Host } from "../hosts/host.ts";
import type { CellOutcome } from "../model/cell.ts";
import { measureHost } from "./measureHost.ts";
import { measureMachine, type MachineRunContext } from "./measureMachine.ts";

/**
 * Measure every host at once, each host's cells one after another. The
 * personalities of a dual-boot machine are one machine: they take turns.
 * Resolves with one message per host or machine that failed; every
 * connection is closed at the end.
 */
export async function measureAllHosts(hosts: Host[], cells: CellOutcome[], fleet: Fleet, ctx: MachineRunContext): Promise<string[]> {
  const units = new Map<string, () => Promise<void>>();
  for (const host of hosts) {
    const machine = fleet.machineOf(host.name);
    if (!machine) {
      units.set(host.name, () => measureHost(host, cells.filter((c) => c.host === host.name), ctx));
    } else if (!units.has(machine.name)) {
      const onMachine = cells.filter((c) => machine.personalities.some((p) => p.host === c.host));
      units.set(machine.name, () => measureMachine(machine, onMachine, ctx));
    }
  }
  const errors: string[] = [];
  try {
    await Promise.all([...units].map(([name, measure]) => measure().catch((err: Error) => errors.push(`${name}: ${err.message}`))));
  } finally {
    await fleet.close();
  }
  return errors;
}
