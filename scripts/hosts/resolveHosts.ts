import { InputError } from "../inputError.ts";
import { Fleet } from "./fleet.ts";
import type { Host } from "./host.ts";

/**
 * The hosts a run uses: --on if given, else the spec's list; every name must
 * be known ("local" or in the inventory). A dual-boot machine's name stands
 * for all its personalities.
 */
export function resolveHosts(specHosts: string[], on: string[] | undefined, where: string, fleet = new Fleet()): Host[] {
  const names = on && on.length > 0 ? on : specHosts;
  const hostNames = names.flatMap((name) => {
    const expanded = fleet.expand(name);
    if (!expanded) throw new InputError(`${where}: unknown host "${name}" (known: ${fleet.names().join(", ")})`);
    return expanded;
  });
  return [...new Set(hostNames)].map((name) => fleet.host(name));
}
