import type { Host } from "./host.ts";
import type { Inventory, MachineConfig, Personality } from "./inventory.ts";
import { LocalHost } from "./localHost.ts";
import { SshHost } from "./sshHost.ts";

/** A dual-boot machine with the host object of each of its personalities. */
export interface Machine extends Omit<MachineConfig, "personalities"> {
  personalities: (Personality & { sshHost: SshHost })[];
}

/**
 * The hosts a run may use: "local" plus those an inventory names. Each is
 * made once, so all of a run's commands to one host share its connection;
 * close() ends every connection that was opened.
 */
export class Fleet {
  private readonly made = new Map<string, Host>();

  /** `given`: hosts made elsewhere, known by their names (the tests' fake hosts). */
  constructor(
    private readonly inventory?: Inventory,
    given: Host[] = [],
  ) {
    for (const host of given) this.made.set(host.name, host);
  }

  /** Every name --on accepts: hosts, then dual-boot machines (each stands for its personalities). */
  names(): string[] {
    return [...new Set(["local", ...this.made.keys(), ...(this.inventory?.hosts.keys() ?? []), ...(this.inventory?.machines.keys() ?? [])])];
  }

  /** The host names a name stands for, or null when it is unknown. */
  expand(name: string): string[] | null {
    if (name === "local" || this.made.has(name) || this.inventory?.hosts.has(name)) return [name];
    const machine = this.inventory?.machines.get(name);
    return machine ? machine.personalities.map((p) => p.host) : null;
  }

  host(name: string): Host {
    let host = this.made.get(name);
    if (!host) {
      const target = this.inventory?.hosts.get(name);
      if (name !== "local" && !target) throw new Error(`no host "${name}" in the inventory`);
      host = target ? new SshHost(target) : new LocalHost();
      this.made.set(name, host);
    }
    return host;
  }

  /** The dual-boot machine a host is a personality of, if any. */
  machineOf(hostName: string): Machine | null {
    for (const m of this.inventory?.machines.values() ?? []) {
      if (m.personalities.some((p) => p.host === hostName)) {
        return { ...m, personalities: m.personalities.map((p) => ({ ...p, sshHost: this.host(p.host) as SshHost })) };
      }
    }
    return null;
  }

  /** What the inventory says a host runs, where it says so (a machine's personality). */
  declaredOs(hostName: string): string | null {
    return this.machineOf(hostName)?.personalities.find((p) => p.host === hostName)?.os ?? null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.made.values()].map((h) => (h instanceof SshHost ? h.close() : undefined)));
  }
}
