import { release } from "node:os";
import type { Command } from "commander";
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
    .option("--on <hosts>", "comma-separated hosts instead of the spec's", hostList)
    .action((specPath: string, o: { on?: string[] }) => {
      const spec = loadSpec(specPath);
      const hosts = resolveHosts(spec.value.hosts, o.on, o.on?.length ? "--on" : `${specPath}: hosts`);
      const cells = planCells(spec.value, hosts.map((h) => h.name));
      // Only the local host can be asked what it serves without connecting to it.
      const os = process.platform === "linux" ? "Linux" : process.platform === "openbsd" ? "OpenBSD" : process.platform;
      const local = { os, osRelease: "", kernel: release() };
      for (const c of cells) {
        const why = c.host === "local" ? whyTracerUnavailable(c.tracer, local) : null;
        console.log(`${c.id}\t${c.trials} trials × ${c.rounds} rounds${why ? `\tskipped: ${why}` : ""}`);
      }
      console.log(`${cells.length} cells on ${hosts.length} host(s)`);
    });
}
