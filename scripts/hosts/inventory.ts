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

const personalitySchema = z.strictObject({
  host: z.string({ error: (iss) => `expected a host name, got ${shown(iss.input)}` }),
  os: matching("OS name", OS_NAME, 'expected what `uname -s` prints there, e.g. "Linux" or "OpenBSD"'),
  boot: z
    .string({ error: (iss) => `expected the shell command that boots the other personality, got ${shown(iss.input)}` })
    .regex(/^[^\n\r]+$/, { error: "expected the boot command on one line" }),
});

const machineSchema = z.strictObject({
  personalities: z.record(z.string(), personalitySchema, { error: (iss) => `expected two named personalities, got ${shown(iss.input)}` }),
  switchBack: z.boolean({ error: (iss) => `expected true or false, got ${shown(iss.input)}` }).default(false),
  bootTimeoutSeconds: z
    .number({ error: (iss) => `expected an integer >= 10, got ${shown(iss.input)}` })
    .int({ error: (iss) => `expected an integer >= 10, got ${shown(iss.input)}` })
    .min(10, { error: (iss) => `expected an integer >= 10, got ${shown(iss.input)}` })
    .default(600),
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
      const names = Object.keys(m.personalities);
      if (names.length !== 2) problem(["machines", machine, "personalities"], `expected two personalities, got ${names.length}`);
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
    }
  });

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
  boot: string;
}

export interface MachineConfig {
  name: string;
  personalities: Personality[];
  switchBack: boolean;
  bootTimeoutSeconds: number;
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
      Object.entries(value.machines).map(([name, m]) => [
        name,
        {
          name,
          switchBack: m.switchBack,
          bootTimeoutSeconds: m.bootTimeoutSeconds,
          personalities: Object.entries(m.personalities).map(([p, v]) => ({ name: p, ...v })),
        },
      ]),
    ),
  };
}
