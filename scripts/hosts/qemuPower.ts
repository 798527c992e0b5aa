import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import type { PowerConfig } from "./inventory.ts";
import type { PowerRecord } from "../model/machineRecord.ts";
import type { PowerContext, PowerController } from "./powerController.ts";
import { needTool } from "./tools.ts";

type QemuConfig = Extract<PowerConfig, { kind: "qemu" }>;

const QEMU = "qemu-system-x86_64";
// The machine is shared: an emulated guest yields the CPU to anything more urgent.
const NICENESS = "10";
// How long QEMU has to show it started (it exits at once when, say, the forwarded port is taken).
const START_GRACE_MS = 1500;

/** Whether a process exists, and its command line (NUL-separated arguments) if it does. */
function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return null;
  }
}

/** Send a signal to a process that may be gone already. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
}

async function gone(pid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited <= ms; waited += 100) {
    if (commandLine(pid) === null) return true;
    await sleep(100);
  }
  return false;
}

function readNumber(path: string): number | null {
  const n = existsSync(path) ? Number.parseInt(readFileSync(path, "utf8"), 10) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** A process as "pid start-time": the start time (since boot, in clock ticks) tells it from a later one with its PID. */
function processIdentity(pid: number): string | null {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[19]}`;
  } catch {
    return null;
  }
}

/** The console's last non-empty lines, without terminal escapes: what the guest said before it went quiet. */
function lastLines(text: string, count: number): string[] {
  const clean = text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|[\x00-\x08\x0b-\x1f\x7f]/g, "");
  return clean.split("\n").map((l) => l.trim()).filter(Boolean).slice(-count);
}

/**
 * A virtual machine run by QEMU from a disk image: powering on starts a QEMU
 * process (under nice), power-cycling kills it and starts another on the same
 * disk, powering off ends it. The image is never written: the machine's disk
 * is a copy-on-write overlay made at power-on and kept across power cycles,
 * as a real disk would be, and removed at power-off. Its serial console goes
 * to logs/<machine>-serial.log, QEMU's own output to logs/<machine>-qemu.log,
 * its PID to logs/<machine>-qemu.pid.
 *
 * A QEMU that outlives its tracetax (killed with SIGKILL) is found at the next
 * power-on by the pidfile in the machine's state directory beside the image,
 * and ended; a machine whose tracetax still runs is not touched.
 */
export class QemuPower implements PowerController {
  readonly description: string;
  private child: ChildProcess | null = null;
  private endReason: string | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly pids: number[] = [];
  private version = "not started";
  private readonly stateDir: string;
  private readonly killOnExit = () => {
    if (this.child?.pid) signal(this.child.pid, "SIGKILL");
  };

  constructor(
    private readonly config: QemuConfig,
    private readonly ctx: PowerContext,
  ) {
    this.description = `QEMU (${config.accelerator}, ${config.cpus} vCPUs, ${config.memoryMiB} MiB, ${config.image})`;
    this.stateDir = `${config.image}.${ctx.machine}.state`;
  }

  private get paths() {
    return {
      overlay: join(this.stateDir, "disk.qcow2"),
      pidfile: join(this.stateDir, "qemu.pid"),
      owner: join(this.stateDir, "owner"),
      serial: join(this.ctx.logsDir, `${this.ctx.machine}-serial.log`),
      qemuLog: join(this.ctx.logsDir, `${this.ctx.machine}-qemu.log`),
      runPid: join(this.ctx.logsDir, `${this.ctx.machine}-qemu.pid`),
    };
  }

  record(): PowerRecord {
    const { accelerator, cpus, memoryMiB, image } = this.config;
    return { controller: "qemu", accelerator, cpus, memoryMiB, image, qemu: this.version, pids: [...this.pids] };
  }

  async on(): Promise<void> {
    needTool(QEMU, "qemu-system-x86");
    needTool("qemu-img", "qemu-utils");
    this.version = qemuVersion();
    if (!existsSync(this.config.image)) throw new Error(`the disk image ${this.config.image} does not exist (tracetax lab build makes one)`);
    mkdirSync(this.stateDir, { recursive: true });
    await this.endLeftover();
    writeFileSync(this.paths.owner, `${processIdentity(process.pid)}\n`);
    // A fresh disk every power-on: each run starts from the image as built.
    rmSync(this.paths.overlay, { force: true });
    const r = await execa("qemu-img", ["create", "-q", "-f", "qcow2", "-F", "raw", "-b", this.config.image, this.paths.overlay], { reject: false, all: true });
    if (r.exitCode !== 0) throw new Error(`qemu-img could not make ${this.paths.overlay}: ${(r.all ?? "").trim()}`);
    process.on("exit", this.killOnExit);
    await this.start();
  }

  /** End a QEMU that an earlier tracetax left running on this machine; refuse a machine another tracetax is using. */
  private async endLeftover(): Promise<void> {
    const owner = existsSync(this.paths.owner) ? readFileSync(this.paths.owner, "utf8").trim() : "";
    const ownerPid = Number.parseInt(owner, 10);
    if (owner && ownerPid !== process.pid && processIdentity(ownerPid) === owner) {
      throw new Error(`${this.ctx.machine} is in use by another tracetax (pid ${ownerPid}); see ${this.paths.owner}`);
    }
    const pid = readNumber(this.paths.pidfile);
    // Only a QEMU of this machine: its command line names this machine's overlay.
    if (pid === null || !commandLine(pid)?.includes(this.paths.overlay)) return;
    this.ctx.log(`ending QEMU pid ${pid}, left running by an earlier run (${this.paths.pidfile})\n`);
    signal(pid, "SIGKILL");
    if (!(await gone(pid, 10_000))) throw new Error(`QEMU pid ${pid}, left running by an earlier run, did not end when killed`);
  }

  private arguments(): string[] {
    const { accelerator, cpus, memoryMiB, forward } = this.config;
    const p = this.paths;
    // An emulated CPU with every feature TCG has; a KVM guest sees the host's.
    const cpu = accelerator === "tcg" ? ["-accel", "tcg,thread=multi", "-cpu", "max"] : ["-accel", "kvm", "-cpu", "host"];
    return [
      "-name", `tracetax-${this.ctx.machine}`,
      ...cpu,
      "-smp", String(cpus),
      "-m", String(memoryMiB),
      "-nodefaults", "-no-user-config", "-display", "none",
      "-drive", `file=${p.overlay},format=qcow2,if=virtio`,
      // User-mode networking, isolated from every network; only the guest's sshd is reachable, at a loopback port.
      "-netdev", `user,id=net0,restrict=on,hostfwd=tcp:${forward.address}:${forward.port}-:22`,
      "-device", "virtio-net-pci,netdev=net0",
      "-chardev", `file,id=console,path=${p.serial},append=on`,
      "-serial", "chardev:console",
      "-pidfile", p.pidfile,
    ];
  }

  private async start(): Promise<void> {
    const p = this.paths;
    const out = openSync(p.qemuLog, "a");
    // Its own process group: a Ctrl-C meant for tracetax reaches QEMU only through tracetax, which powers it off.
    const child = spawn("nice", ["-n", NICENESS, QEMU, ...this.arguments()], { detached: true, stdio: ["ignore", out, out] });
    closeSync(out);
    child.unref();
    this.child = child;
    this.endReason = null;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, sig) => {
        if (this.child === child) {
          const said = lastLines(readFileSync(p.qemuLog, "utf8"), 2).join(" ");
          this.endReason = `QEMU (pid ${child.pid}) ended while in use: ${sig ? `killed by ${sig}` : `exit status ${code}`}${said ? ` (${said})` : ""}`;
          this.child = null;
        }
        resolve();
      });
      child.once("error", (err) => {
        this.endReason = `QEMU could not be started: ${err.message}`;
        resolve();
      });
    });
    await Promise.race([this.exited, sleep(START_GRACE_MS)]);
    if (this.endReason) throw new Error(this.endReason);
    this.pids.push(child.pid!);
    writeFileSync(p.runPid, `${child.pid}\n`);
    this.ctx.log(`started QEMU pid ${child.pid}: ${QEMU} ${this.arguments().join(" ")}\n`);
  }

  /** End the running QEMU on purpose (its end is then no failure): SIGTERM first when asked, then SIGKILL. */
  private async stop(gently: boolean): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.child = null;
    child.ref(); // its exit is what we wait for: it must keep this process alive until then
    if (gently) {
      signal(child.pid, "SIGTERM");
      const ended = await Promise.race([this.exited.then(() => true), sleep(10_000).then(() => false)]);
      if (ended) return;
    }
    signal(child.pid, "SIGKILL");
    await this.exited;
  }

  async cycle(): Promise<void> {
    this.ctx.log(`power cycle: killing QEMU pid ${this.child?.pid}\n`);
    await this.stop(false);
    await this.start();
  }

  async off(): Promise<void> {
    await this.stop(true);
    process.off("exit", this.killOnExit);
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  ended(): string | null {
    return this.endReason;
  }

  async endedWithin(ms: number): Promise<string | null> {
    await Promise.race([this.exited, sleep(ms)]);
    return this.endReason;
  }

  consoleTail(count: number): string | null {
    const { serial } = this.paths;
    return existsSync(serial) ? lastLines(readFileSync(serial, "utf8"), count).join(" | ") : null;
  }
}

/** The version QEMU reports, for the manifest ("QEMU emulator version 7.2.19 (…)"). */
function qemuVersion(): string {
  const r = spawnSync(QEMU, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.split("\n")[0].trim() : "unknown";
}
