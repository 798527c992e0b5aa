import { release } from "node:os";
import type { Command } from "commander";
import { Fleet } from "../hosts/fleet.ts";
import { loadInventory } from "../hosts/inventory.ts";
import { resolveHosts } from "../hosts/resolveHosts.ts";
import { loadSpec } from "../kinds/registry.ts";
import { hostList } from "./options.ts";

export function addPlanCommand(program: Command): void {
  program
    .command("plan")
    .description("list the cells a spec would measure, without measuring")
    .argument("<spec>", "experiment spec (YAML), micro or macro")
    .option("--hosts <file>", "host inventory (YAML) naming lab hosts and dual-boot machines")
    .option("--on <hosts>", "comma-separated hosts instead of the spec's", hostList)
    .action((specPath: string, o: { on?: string[]; hosts?: string }) => {
      const { kind, spec } = loadSpec(specPath);
      for (const w of spec.warnings) console.error(`tracetax: warning: ${w}`);
      const fleet = new Fleet(o.hosts ? loadInventory(o.hosts) : undefined);
      const hosts = resolveHosts(spec.value.hosts, o.on, o.on?.length ? "--on" : `${specPath}: hosts`, fleet);
      const cells = kind.plan(spec.value, kind.settings(spec.value, {}, specPath), hosts.map((h) => h.name));
      // Without connecting, only the local host and a dual-boot machine's personalities (by their OS) are known.
      const os = process.platform === "linux" ? "Linux" : process.platform === "openbsd" ? "OpenBSD" : process.platform;
      const known = (host: string) => {
        const declared = fleet.declaredOs(host);
        return host === "local" ? { os, osRelease: "", kernel: release() } : declared ? { os: declared, osRelease: "", kernel: "" } : null;
      };
      for (const c of cells) {
        const facts = known(c.host);
        const why = facts ? kind.unavailable(c, facts) : null;
        console.log(`${c.id}\t${kind.describe(c)}${why ? `\tskipped: ${why}` : ""}`);
      }
      console.log(`${cells.length} ${kind.name} cells on ${hosts.length} host(s)`);
    });
}
