import { InputError } from "../inputError.ts";
import type { Host } from "./host.ts";
import { LocalHost } from "./localHost.ts";

/** The hosts a run uses: --on if given, else the spec's list; every name must be known. */
export function resolveHosts(specHosts: string[], on: string[] | undefined, where: string): Host[] {
  const known = new Map<string, () => Host>([["local", () => new LocalHost()]]);
  const names = on && on.length > 0 ? on : specHosts;
  return [...new Set(names)].map((name) => {
    const make = known.get(name);
    if (!make) throw new InputError(`${where}: unknown host "${name}" (known: ${[...known.keys()].join(", ")})`);
    return make();
  });
}
