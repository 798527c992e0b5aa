import { release } from "node:os";
import type { Command } from "commander";
import { Fleet } from "../hosts/fleet.ts";
import { loadInventory } from "../hosts/inventory.ts";
import { resolveHosts } from "../hosts/resolveHosts.ts";
import { planCells } from "../plan/cells.ts";
import { whyTracerUnavailable } from "../plan/servable.ts";
import { loadSpec } from "../spec/loadSpec.ts";
import { hostList } from "./options.ts";

export function addPlanCommand(program: Command): void {
  program
    .command("plan")
    .description("list the cells a spec would measure, without measuring")
    .argument("<spec>", "experiment spec (YAML)")
    .option("--hosts <file>", "host inventory (YAML) naming lab hosts and dual-boot machines")
    .option("--on <hosts>", "comma-separated hosts instead of the spec's", hostList)
    .action((specPath: string, o: { on?: string[]; hosts?: string }) => {
      const spec = loadSpec(specPath);
      const fleet = new Fleet(o.hosts ? loadInventory(o.hosts) : undefined);
      const hosts = resolveHosts(spec.value.hosts, o.on, o.on?.length ? "--on" : `${specPath}: hosts`, fleet);
      const cells = planCells(spec.value, hosts.map((h) => h.name));
      // Without connecting, only the local host and a dual-boot machine's personalities (by their OS) are known.
      const os = process.platform === "linux" ? "Linux" : process.platform === "openbsd" ? "OpenBSD" : process.platform;
      const local = { os, osRelease: "", kernel: release() };
      const known = (host: string) => {
        const declared = fleet.declaredOs(host);
        return host === "local" ? local : declared ? { os: declared, osRelease: "", kernel: "" } : null;
      };
      for (const c of cells) {
        const facts = known(c.host);
        const why = facts ? whyTracerUnavailable(c.tracer, facts) : null;
        console.log(`${c.id}\t${c.trials} trials × ${c.rounds} rounds${why ? `\tskipped: ${why}` : ""}`);
      }
      console.log(`${cells.length} cells on ${hosts.length} host(s)`);
    });
}
