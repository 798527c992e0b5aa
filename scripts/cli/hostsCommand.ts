import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { checkHost, type HostCheck } from "../hosts/checkHost.ts";
import { Fleet } from "../hosts/fleet.ts";
import type { Host } from "../hosts/host.ts";
import { loadInventory } from "../hosts/inventory.ts";
import { resolveHosts } from "../hosts/resolveHosts.ts";
import { whyTracerUnavailable } from "../plan/servable.ts";
import { type HostFacts } from "../model/hostFacts.ts";
import { probeMechanisms } from "../run/probeMechanisms.ts";
import { globalState, MECHANISM_NAMES } from "../model/vocabulary.ts";
import { hostList } from "./options.ts";

/** Each tracer with "yes" or "no (why)": what the OS lacks, else what the host's kernel refused when probed. */
async function tracerVerdicts(host: Host, facts: HostFacts): Promise<string[]> {
  const unavailable = new Map(MECHANISM_NAMES.map((t) => [t, whyTracerUnavailable(t, facts)]));
  // Probing audit would enable it, which slows the host until reboot: a run probes it just before its cells.
  for (const t of MECHANISM_NAMES) if (!unavailable.get(t) && globalState(t) === "boot") unavailable.set(t, "not probed here: enabling it slows every later process until reboot; a run probes it before its cells");
  const scratchDir = join(tmpdir(), `tracetax-check-${randomBytes(3).toString("hex")}-${host.name}`);
  try {
    const refused = await probeMechanisms(host, MECHANISM_NAMES.filter((t) => !unavailable.get(t)), {
      scratchDir,
      timeoutSeconds: 30,
      onLog: () => {},
    });
    return MECHANISM_NAMES.map((t) => {
      const why = unavailable.get(t) ?? refused.get(t);
      return `${t}: ${why ? `no (${why})` : "yes"}`;
    });
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** The lines that describe one host, and whether it counts as usable. */
async function describe(host: Host, c: HostCheck, fleet: Fleet, all: HostCheck[]): Promise<{ lines: string[]; ok: boolean }> {
  const lines = [c.host];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(11)} ${text}`);
  if (!c.reachable) {
    // A dual-boot machine runs one personality at a time: the other one being down is expected.
    const machine = fleet.machineOf(c.host);
    const up = machine?.personalities.find((p) => p.host !== c.host && all.some((o) => o.host === p.host && o.reachable));
    row("reachable", `no: ${c.problem}`);
    if (machine && up) row("machine", `${machine.name} runs its ${up.name} personality (${up.host}) now; boot it to check this one`);
    else if (machine?.power) row("machine", `${machine.name} is off or booting: tracetax run powers it on (${machine.power.kind}), hosts check does not`);
    return { lines, ok: Boolean(machine && (up || machine.power)) };
  }
  row("reachable", "yes");
  if (!c.facts) {
    row("build", `failed: ${c.problem}`);
    return { lines, ok: false };
  }
  const f = c.facts;
  row("os", `${f.os}: ${f.osRelease}, kernel ${f.kernel}`);
  row("compiler", f.compiler);
  row("build", "ok");
  row("hardware", f.fingerprint ?? "unknown");
  if (f.ptraceAttach) row("ptrace", `attach ${f.ptraceAttach.allowed ? "allowed" : "refused"}: ${f.ptraceAttach.why}`);
  (await tracerVerdicts(host, f)).forEach((verdict, i) => row(i === 0 ? "mechanisms" : "", verdict));
  return { lines, ok: true };
}

export function addHostsCommand(program: Command): void {
  program
    .command("hosts")
    .description("lab hosts")
    .command("check")
    .description("reach each host, build native/ there, and say which mechanisms it can serve and why not")
    .option("--hosts <file>", "host inventory (YAML)")
    .option("--on <hosts>", "comma-separated hosts instead of all", hostList)
    .action(async (o: { hosts?: string; on?: string[] }) => {
      const fleet = new Fleet(o.hosts ? loadInventory(o.hosts) : undefined);
      const hosts = resolveHosts(fleet.names(), o.on, "--on", fleet);
      try {
        const checks = await Promise.all(hosts.map(checkHost));
        const described = await Promise.all(hosts.map((h, i) => describe(h, checks[i], fleet, checks)));
        for (const d of described) console.log(d.lines.join("\n"));
        if (!described.every((d) => d.ok)) process.exitCode = 1;
      } finally {
        await fleet.close();
      }
    });
}
