import { type HostFacts } from "../model/hostFacts.ts";
import type { Host } from "./host.ts";
import { SshError } from "./sshError.ts";

export interface HostCheck {
  host: string;
  reachable: boolean;
  /** Why the host cannot measure: ssh's or the compiler's words; null when it can. */
  problem: string | null;
  facts: HostFacts | null;
}

/** Reach a host the way a run does: ship and build native/ there, then gather its facts. */
export async function checkHost(host: Host): Promise<HostCheck> {
  try {
    await host.build();
    // What an observer killed mid-run left changed on the machine (audit rules, tracefs instances, cgroups) is put back first.
    await host.runNative("tt-restore", [], { timeoutSeconds: 60 });
    return { host: host.name, reachable: true, problem: null, facts: await host.facts() };
  } catch (err) {
    return { host: host.name, reachable: !(err instanceof SshError), problem: (err as Error).message, facts: null };
  }
}
