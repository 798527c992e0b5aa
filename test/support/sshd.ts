import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { acquireLock } from "./machineLock.ts";
import { requireTool } from "./requireTool.ts";

// Test hosts for the SSH tests: a network namespace per host, joined to the
// root namespace by a veth pair whose two private addresses exist only there,
// and a real sshd listening on the namespace's address. Nothing leaves this
// machine: the only route to a test address is the veth link the test made.

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
}

/** A fresh ed25519 key pair without passphrase; returns the public key line. */
export function makeKey(path: string): string {
  requireTool("ssh-keygen", "apt-get install openssh-client");
  sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "tracetax-test", "-f", path]);
  return readFileSync(`${path}.pub`, "utf8").trim();
}

// Test addresses: a /30 of 10.231.0.0/16 per namespace, as 10.231.X.Y.
const PREFIX = "10.231.";
const SLOTS = 256 * 64;

function slotOf(address: string): number {
  const [x, y] = address.slice(PREFIX.length).split(".").map(Number);
  return x * 64 + Math.floor(y / 4);
}

function addressIn(slot: number, host: 1 | 2): string {
  return `${PREFIX}${Math.floor(slot / 64)}.${(slot % 64) * 4 + host}`;
}

/** A network namespace reachable from the root namespace at `address`, and only there. */
export class TestNamespace {
  private readonly link: string;

  private constructor(
    readonly name: string,
    private readonly slot: number,
  ) {
    this.link = name.replace("-", "");
  }

  get address(): string {
    return addressIn(this.slot, 2);
  }

  /**
   * A new namespace, on a name and a /30 that no namespace on this machine
   * uses, test suites running in parallel (other worktrees') included: they
   * are chosen and taken under a lock those suites share.
   */
  static async create(): Promise<TestNamespace> {
    requireTool("ip", "apt-get install iproute2");
    const lock = await acquireLock("test-addresses", { purpose: "choosing a test namespace's addresses" });
    try {
      const used = new Set((sh("ip", ["-o", "-4", "addr", "show"]).match(/\b10\.231\.\d+\.\d+\b/g) ?? []).map(slotOf));
      const taken = sh("ip", ["netns", "list"]) + sh("ip", ["-o", "link", "show"]); // names of namespaces and links
      let slot: number;
      do slot = randomInt(SLOTS);
      while (used.has(slot));
      let id: string;
      do id = randomBytes(3).toString("hex");
      while (taken.includes(id));
      const ns = new TestNamespace(`tt-${id}`, slot);
      try {
        ns.setUp();
      } catch (err) {
        ns.remove();
        throw err;
      }
      return ns;
    } finally {
      await lock.release();
    }
  }

  private setUp(): void {
    sh("ip", ["netns", "add", this.name]);
    sh("ip", ["link", "add", this.link, "type", "veth", "peer", "name", `${this.link}n`, "netns", this.name]);
    sh("ip", ["addr", "add", `${addressIn(this.slot, 1)}/30`, "dev", this.link]);
    sh("ip", ["link", "set", this.link, "up"]);
    sh("ip", ["-n", this.name, "addr", "add", `${this.address}/30`, "dev", `${this.link}n`]);
    sh("ip", ["-n", this.name, "link", "set", `${this.link}n`, "up"]);
    sh("ip", ["-n", this.name, "link", "set", "lo", "up"]);
  }

  /** Delete the namespace (its end of the link goes with it) and our end of the link. */
  remove(): void {
    for (const args of [["netns", "del", this.name], ["link", "del", this.link]]) {
      try {
        sh("ip", args);
      } catch {
        // already gone
      }
    }
  }
}

/** Every process below pid (children, grandchildren, ...), from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // ended meanwhile
    }
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

/** PIDs of running processes whose command line contains `marker` (e.g. a test's temp dir), optionally of one program only. */
export function processesMentioning(marker: string, program?: string): number[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
    .filter((p) => {
      try {
        const argv = readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0");
        return argv.some((arg) => arg.includes(marker)) && (program === undefined || argv[0] === program);
      } catch {
        return false;
      }
    })
    .map(Number);
}

export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

export interface SshdOptions {
  ns: TestNamespace;
  dir: string; // where its config and log go
  hostKey: string; // private key file
  authorizedKeys: string;
  env?: Record<string, string>; // more variables for its sessions (PATH, say)
}

/** A real sshd in a test namespace: root may log in with a key, nothing else. */
export class TestSshd {
  private constructor(
    private readonly child: ChildProcess,
    readonly log: string,
  ) {}

  static async start(o: SshdOptions): Promise<TestSshd> {
    requireTool("/usr/sbin/sshd", "apt-get install openssh-server");
    mkdirSync("/run/sshd", { recursive: true, mode: 0o755 }); // sshd's privilege separation directory
    const config = join(o.dir, `sshd-${o.ns.name}.conf`);
    const log = join(o.dir, `sshd-${o.ns.name}.log`);
    writeFileSync(
      config,
      [
        `ListenAddress ${o.ns.address}`,
        "Port 22",
        `HostKey ${o.hostKey}`,
        "PidFile none",
        `AuthorizedKeysFile ${o.authorizedKeys}`,
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "UseDNS no",
        "StrictModes no", // the test's files live under /tmp, which is world-writable
        // A clean home for the sessions, like a fresh lab host's: root's own shell start-up files stay out.
        `SetEnv HOME=${o.dir}${Object.entries(o.env ?? {}).map(([k, v]) => ` ${k}=${v}`).join("")}`,
        "LogLevel VERBOSE",
        "",
      ].join("\n"),
    );
    const out = openSync(log, "a");
    // Each sshd stands for one boot of its host: it and its sessions see a boot id of their own (bound over
    // the kernel's in the mount namespace ip netns exec makes), as after a reboot. ip netns exec and sh exec
    // in place: the child's PID is sshd's.
    const bootId = join(o.dir, `boot_id-${o.ns.name}-${randomBytes(4).toString("hex")}`);
    writeFileSync(bootId, `${randomUUID()}\n`);
    const boot = 'mount --bind "$1" /proc/sys/kernel/random/boot_id && exec /usr/sbin/sshd -D -e -f "$2"';
    const child = spawn("ip", ["netns", "exec", o.ns.name, "sh", "-c", boot, "sh", bootId, config], { stdio: ["ignore", out, out] });
    closeSync(out);
    const sshd = new TestSshd(child, log);
    for (let waited = 0; !readFileSync(log, "utf8").includes(`Server listening on ${o.ns.address} port 22`); waited += 50) {
      if (child.exitCode !== null || waited > 10_000) {
        await sshd.stop();
        throw new Error(`sshd in ${o.ns.name} did not start:\n${readFileSync(log, "utf8")}`);
      }
      await sleep(50);
    }
    return sshd;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Kill sshd and its sessions (as a reboot would), by PID, and wait until sshd is gone. */
  async stop(): Promise<void> {
    if (!this.running) return;
    killPids(descendants(this.pid));
    const ended = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGKILL");
    await ended;
  }
}

/** An ssh_config for the tests: our key, our known_hosts, nothing from ~/.ssh. */
export function writeClientConfig(path: string, o: { identity: string; knownHosts: string }): void {
  writeFileSync(
    path,
    [
      "Host *",
      "  User root",
      `  IdentityFile ${o.identity}`,
      "  IdentitiesOnly yes",
      `  UserKnownHostsFile ${o.knownHosts}`,
      "  GlobalKnownHostsFile /dev/null",
      "",
    ].join("\n"),
  );
}
