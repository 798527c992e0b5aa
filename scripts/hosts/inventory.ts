import { homedir } from "node:os";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { loadYaml } from "../spec/load.ts";
import { HOST_NAME } from "../spec/schema.ts";

// The host inventory (--hosts FILE), validated like a spec. Every value that
// ends up on a command line is checked here for shell metacharacters, so a
// typo fails with file:line:col instead of reaching a shell.

const shown = (input: unknown) => (input === undefined ? "nothing" : JSON.stringify(input));

/** [user@]host as ssh takes it, or a Host alias of an ssh_config file; never an option ("-..."). */
const SSH_DESTINATION = /^[A-Za-z0-9_][A-Za-z0-9_.@%+:[\]-]*$/;
/** A path on the remote host: absolute, so it means the same whatever the login directory. */
const REMOTE_PATH = /^\/[A-Za-z0-9_.+/-]*$/;
/** A path on this machine: relative to the inventory file, or starting with ~/ for the home directory. */
const LOCAL_PATH = /^(~\/)?[A-Za-z0-9_.+/][A-Za-z0-9_.+/-]*$/;
const OS_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

function matching(what: string, pattern: RegExp, rule: string) {
  return z
    .string({ error: (iss) => `expected ${what} (text), got ${shown(iss.input)}` })
    .regex(pattern, { error: (iss) => `invalid ${what} ${shown(iss.input)}: ${rule}` });
}

const hostSchema = z.strictObject({
  ssh: matching("ssh destination", SSH_DESTINATION, "expected [user@]host without spaces or shell metacharacters"),
  port: z
    .number({ error: (iss) => `expected a port number, got ${shown(iss.input)}` })
    .int({ error: (iss) => `expected a port number, got ${shown(iss.input)}` })
    .min(1, { error: (iss) => `expected a port number 1-65535, got ${shown(iss.input)}` })
    .max(65535, { error: (iss) => `expected a port number 1-65535, got ${shown(iss.input)}` })
    .optional(),
  workdir: matching("remote path", REMOTE_PATH, "expected an absolute path of letters, digits and . _ + - /").default("/tmp/tracetax"),
  identity: matching("key file path", LOCAL_PATH, "expected a path of letters, digits and . _ + - / (~/ allowed)").optional(),
  sshConfig: matching("ssh_config path", LOCAL_PATH, "expected a path of letters, digits and . _ + - / (~/ allowed)").optional(),
  acceptNewHostKey: z.boolean({ error: (iss) => `expected true or false, got ${shown(iss.input)}` }).default(false),
});

/** A boot entry's name (a GRUB menu entry id, say): it is substituted for {entry} in a boot command. */
const ENTRY_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
/** A kernel release as `uname -r` prints it, with * and ? as wildcards. */
const RELEASE_PATTERN = /^[A-Za-z0-9._+*?-]+$/;
/** One word of a kernel command line: no spaces, quotes or shell metacharacters. */
const CMDLINE_WORD = /^[A-Za-z0-9_.,:/=+-]+$/;
const oneLine = (what: string) =>
  z.string({ error: (iss) => `expected ${what}, got ${shown(iss.input)}` }).regex(/^[^\n\r]+$/, { error: `expected ${what} on one line` });
const cmdlineWords = z
  .array(matching("kernel command-line word", CMDLINE_WORD, "expected one word without spaces, quotes or shell metacharacters"), {
    error: (iss) => `expected a list of kernel command-line words, got ${shown(iss.input)}`,
  })
  .default([]);

const personalitySchema = z.strictObject({
  host: z.string({ error: (iss) => `expected a host name, got ${shown(iss.input)}` }),
  os: matching("OS name", OS_NAME, 'expected what `uname -s` prints there, e.g. "Linux" or "OpenBSD"'),
  boot: oneLine("the shell command, run on this personality, that boots the next one").optional(),
  entry: matching("boot entry", ENTRY_NAME, "expected letters, digits and . _ + -").optional(),
  kernel: matching("kernel release pattern", RELEASE_PATTERN, 'expected a release as `uname -r` prints it, * and ? as wildcards, e.g. "6.1.*"').optional(),
  cmdline: cmdlineWords,
  cmdlineAbsent: cmdlineWords,
});

const positive = (what: string, min: number, max: number) =>
  z
    .number({ error: (iss) => `expected ${what} ${min}-${max}, got ${shown(iss.input)}` })
    .int({ error: (iss) => `expected ${what} ${min}-${max}, got ${shown(iss.input)}` })
    .min(min, { error: (iss) => `expected ${what} ${min}-${max}, got ${shown(iss.input)}` })
    .max(max, { error: (iss) => `expected ${what} ${min}-${max}, got ${shown(iss.input)}` });

/** A virtual machine that tracetax runs itself, with QEMU, from a disk image (tracetax lab build makes one). */
const qemuSchema = z.strictObject({
  image: matching("disk image path", LOCAL_PATH, "expected a path of letters, digits and . _ + - / (~/ allowed)"),
  accelerator: z.enum(["tcg", "kvm"], { error: (iss) => `unknown accelerator ${shown(iss.input)} (known: tcg, kvm)` }).default("tcg"),
  cpus: positive("a number of virtual CPUs", 1, 64).default(2),
  memoryMiB: positive("memory in MiB", 256, 1048576).default(2048),
});

/** A physical machine's power switch (ipmitool, a PDU's CLI): commands run on this machine by sh -c. */
const commandSchema = z.strictObject({
  on: oneLine("the command that powers the machine on"),
  cycle: oneLine("the command that power-cycles the machine"),
  off: oneLine("the command that powers the machine off").optional(),
});

const powerSchema = z
  .strictObject({ qemu: qemuSchema.optional(), command: commandSchema.optional() }, { error: (iss) => `expected qemu: or command:, got ${shown(iss.input)}` })
  .refine((p) => (p.qemu === undefined) !== (p.command === undefined), { error: "expected exactly one of qemu: and command:" });

const machineSchema = z.strictObject({
  personalities: z.record(z.string(), personalitySchema, { error: (iss) => `expected named personalities, got ${shown(iss.input)}` }),
  switchBack: z.boolean({ error: (iss) => `expected true or false, got ${shown(iss.input)}` }).default(false),
  bootTimeoutSeconds: z
    .number({ error: (iss) => `expected an integer >= 10, got ${shown(iss.input)}` })
    .int({ error: (iss) => `expected an integer >= 10, got ${shown(iss.input)}` })
    .min(10, { error: (iss) => `expected an integer >= 10, got ${shown(iss.input)}` })
    .default(600),
  power: powerSchema.optional(),
});

const inventorySchema = z
  .strictObject({
    hosts: z.record(z.string(), hostSchema, { error: (iss) => `expected hosts by name, got ${shown(iss.input)}` }).default({}),
    machines: z.record(z.string(), machineSchema, { error: (iss) => `expected machines by name, got ${shown(iss.input)}` }).default({}),
  })
  .superRefine((inv, ctx) => {
    const problem = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const badName = (name: string) => !HOST_NAME.test(name) || name === "local";
    const nameRule = (name: string) =>
      name === "local" ? `"local" is built in` : "expected letters, digits, '.', '_' and '-', starting with a letter or digit";
    for (const name of Object.keys(inv.hosts)) {
      if (badName(name)) problem(["hosts", name], `invalid host name ${shown(name)}: ${nameRule(name)}`);
    }
    const owner = new Map<string, string>();
    for (const [machine, m] of Object.entries(inv.machines)) {
      if (badName(machine)) problem(["machines", machine], `invalid machine name ${shown(machine)}: ${nameRule(machine)}`);
      if (machine in inv.hosts) problem(["machines", machine], `machine ${shown(machine)} has the name of a host`);
      for (const [name, p] of Object.entries(m.personalities)) {
        const at = ["machines", machine, "personalities", name, "host"];
        if (!HOST_NAME.test(name)) problem(["machines", machine, "personalities", name], `invalid personality name ${shown(name)}`);
        if (!(p.host in inv.hosts)) {
          problem(at, `unknown host ${shown(p.host)} (hosts: ${Object.keys(inv.hosts).join(", ") || "none"})`);
        } else if (owner.has(p.host)) {
          problem(at, `host ${shown(p.host)} is already a personality of ${owner.get(p.host)}`);
        }
        owner.set(p.host, `${machine}.${name}`);
      }
      checkBoots(m, (path, message) => problem(["machines", machine, ...path], message));
      if (m.power?.qemu) checkForwarded(m, inv.hosts, (path, message) => problem(["machines", machine, ...path], message));
    }
  });

type Problem = (path: PropertyKey[], message: string) => void;

/**
 * How a machine gets from one personality to another: with two, a boot
 * command may simply boot "the other"; with more, each must say which one,
 * with {entry} where the next personality's boot entry goes.
 */
function checkBoots(m: z.output<typeof machineSchema>, problem: Problem): void {
  const named = Object.entries(m.personalities);
  if (named.length === 0) problem(["personalities"], "expected at least one personality");
  const anyEntry = named.some(([, p]) => p.boot?.includes("{entry}"));
  for (const [name, p] of named) {
    if (named.length > 1 && p.boot === undefined) problem(["personalities", name, "boot"], "expected the shell command that boots the next personality");
    if (named.length > 2 && p.boot !== undefined && !p.boot.includes("{entry}")) {
      problem(["personalities", name, "boot"], `with ${named.length} personalities the boot command must say which one to boot: put {entry} where the next one's boot entry goes`);
    }
    if ((anyEntry || named.length > 2) && p.entry === undefined) problem(["personalities", name, "entry"], "expected the boot entry that {entry} stands for when this personality is booted");
  }
}

/** A loopback address, where QEMU's user-mode network may forward a port. */
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[?::1\]?)$/;

/** QEMU forwards one loopback port to the guest's sshd: every personality must be reached there. */
function checkForwarded(m: z.output<typeof machineSchema>, hosts: Record<string, z.output<typeof hostSchema>>, problem: Problem): void {
  const seen = new Set<string>();
  for (const [name, p] of Object.entries(m.personalities)) {
    const h = hosts[p.host];
    if (!h) continue;
    const address = h.ssh.slice(h.ssh.lastIndexOf("@") + 1);
    if (!LOOPBACK.test(address)) problem(["personalities", name, "host"], `host ${shown(p.host)} is reached at ${shown(h.ssh)}: a qemu machine is reached at a loopback address, e.g. root@127.0.0.1`);
    else if (h.port === undefined) problem(["personalities", name, "host"], `host ${shown(p.host)} names no port: QEMU forwards that port to the guest's sshd`);
    else seen.add(`${address} port ${h.port}`);
  }
  if (seen.size > 1) problem(["power", "qemu"], `the personalities of one VM are reached at one address and port, got ${[...seen].join(", ")}`);
}

export interface SshTarget {
  name: string;
  ssh: string;
  port?: number;
  workdir: string;
  identity?: string; // absolute
  sshConfig?: string; // absolute; replaces ~/.ssh/config and /etc/ssh/ssh_config (ssh -F)
  acceptNewHostKey: boolean;
}

export interface Personality {
  name: string;
  host: string;
  os: string;
  /** Run on this personality by sh -c to boot the next one; {entry} stands for the next one's entry. Null on a one-personality machine. */
  boot: string | null;
  entry: string | null;
  /** What proves this personality booted: a kernel release pattern (uname -r), words /proc/cmdline must and must not hold. */
  kernel: string | null;
  cmdline: string[];
  cmdlineAbsent: string[];
}

export type PowerConfig =
  | {
      kind: "qemu";
      image: string; // absolute
      accelerator: "tcg" | "kvm";
      cpus: number;
      memoryMiB: number;
      /** The loopback address and port forwarded to the guest's sshd: the one every personality is reached at. */
      forward: { address: string; port: number };
    }
  | { kind: "command"; on: string; cycle: string; off: string | null };

export interface MachineConfig {
  name: string;
  personalities: Personality[];
  switchBack: boolean;
  bootTimeoutSeconds: number;
  power: PowerConfig | null;
}

export interface Inventory {
  path: string;
  hosts: Map<string, SshTarget>;
  machines: Map<string, MachineConfig>;
}

/** Read and check a host inventory; throws InputError naming file, line, column and field. */
export function loadInventory(path: string): Inventory {
  const { value } = loadYaml(path, inventorySchema);
  const local = (p: string | undefined) =>
    p === undefined ? undefined : p.startsWith("~/") ? resolve(homedir(), p.slice(2)) : resolve(dirname(path), p);
  return {
    path,
    hosts: new Map(
      Object.entries(value.hosts).map(([name, h]) => [
        name,
        { name, ...h, identity: local(h.identity), sshConfig: local(h.sshConfig) },
      ]),
    ),
    machines: new Map(
      Object.entries(value.machines).map(([name, m]) => {
        const personalities = Object.entries(m.personalities).map(([p, v]) => ({
          name: p,
          ...v,
          boot: v.boot ?? null,
          entry: v.entry ?? null,
          kernel: v.kernel ?? null,
        }));
        return [name, { name, switchBack: m.switchBack, bootTimeoutSeconds: m.bootTimeoutSeconds, personalities, power: powerConfig(m.power, value.hosts[personalities[0].host], local) }];
      }),
    ),
  };
}

function powerConfig(
  power: z.output<typeof powerSchema> | undefined,
  reachedAt: z.output<typeof hostSchema>,
  local: (p: string) => string | undefined,
): PowerConfig | null {
  if (power?.command) return { kind: "command", on: power.command.on, cycle: power.command.cycle, off: power.command.off ?? null };
  if (!power?.qemu) return null;
  const address = reachedAt.ssh.slice(reachedAt.ssh.lastIndexOf("@") + 1).replace(/^\[|\]$/g, "");
  return {
    kind: "qemu",
    ...power.qemu,
    image: local(power.qemu.image)!,
    forward: { address: address === "localhost" ? "127.0.0.1" : address, port: reachedAt.port! },
  };
}
