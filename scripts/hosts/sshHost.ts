import { readdirSync } from "node:fs";
import { basename } from "node:path";
import { execa } from "execa";
import { type HostFacts } from "../model/hostFacts.ts";
import { BOOT_STATE_SCRIPT, parseBootState, type BootState } from "./bootState.ts";
import { parseFacts } from "./facts.ts";
import { BuildError, type BatchEnd, type BatchOptions, type Host, type NativeRun } from "./host.ts";
import type { SshTarget } from "./inventory.ts";
import { NATIVE_DIR } from "../model/paths.ts";
import { remoteCommand } from "./shellQuote.ts";
import { SshConnection } from "./sshConnection.ts";
import { SSH_FAILED, SshError, sshComplaint } from "./sshError.ts";
import { streamLines } from "./streamLines.ts";

const BUILD_TIMEOUT_MS = 10 * 60_000;
const FACTS_TIMEOUT_MS = 2 * 60_000;
const PROBE_TIMEOUT_MS = 30_000;

/** native/ without its build output, as a tar stream; ustar so that any tar reads it. */
async function nativeTarball(): Promise<Uint8Array> {
  const sources = readdirSync(NATIVE_DIR).filter((f) => f !== "build");
  const r = await execa("tar", ["--format=ustar", "-cf", "-", ...sources], { cwd: NATIVE_DIR, encoding: "buffer" });
  return r.stdout;
}

/** What a probe found: what the host booted, or why it did not answer. */
export type Probe = ({ up: true } & BootState) | { up: false; reason: string };

/**
 * A lab machine reached over SSH: native/ is shipped there as a tar stream,
 * built with the host's own make and cc, and driven by one ssh command per
 * batch, whose stdout is the driver's CSV stream.
 */
export class SshHost implements Host {
  readonly name: string;
  private readonly connection: SshConnection;
  private readonly nativeDir: string;
  private readonly buildDir: string;

  constructor(readonly target: SshTarget) {
    this.name = target.name;
    this.connection = new SshConnection(target);
    this.nativeDir = `${target.workdir}/native`;
    this.buildDir = `${this.nativeDir}/build`;
  }

  private unreachable(stderr: string): SshError {
    return new SshError(this.name, this.connection.destination, stderr);
  }

  async build(): Promise<string> {
    // A fresh copy every time: stale objects from another version of the sources cannot survive.
    const d = this.nativeDir;
    const r = await this.connection.run(remoteCommand(["rm", "-rf", d], ["mkdir", "-p", d], ["cd", d], ["tar", "-xf", "-"], ["make"]), {
      input: await nativeTarball(),
      timeoutMs: BUILD_TIMEOUT_MS,
    });
    if (r.exitCode === SSH_FAILED) throw this.unreachable(r.stderr);
    if (r.exitCode !== 0) {
      const why = r.timedOut ? `no end after ${BUILD_TIMEOUT_MS / 60_000} minutes` : `the remote build in ${d} exited with status ${r.exitCode}`;
      throw new BuildError(this.name, why, r.all ?? "");
    }
    return r.all ?? "";
  }

  async facts(): Promise<HostFacts> {
    const r = await this.connection.run(remoteCommand(["sh", `${this.nativeDir}/facts.sh`, this.buildDir]), { timeoutMs: FACTS_TIMEOUT_MS });
    if (r.exitCode === SSH_FAILED || r.timedOut) throw this.unreachable(r.timedOut ? "no answer in time" : r.stderr);
    return parseFacts(this.name, r.stdout);
  }

  async runBatch(batch: string, o: BatchOptions): Promise<BatchEnd> {
    const scratch = `${this.target.workdir}/${basename(o.scratchDir)}`;
    const driver = this.connection.run(
      remoteCommand([`${this.buildDir}/tt-driver`, "-b", this.buildDir, "-d", scratch, "-T", String(o.timeoutSeconds)]),
      { input: batch, signal: o.signal },
    );
    const lines = streamLines(driver.stdout!, o.onLine);
    let lastWords = "";
    driver.stderr!.on("data", (chunk: Buffer) => {
      o.onLog(chunk.toString());
      lastWords = (lastWords + chunk.toString()).slice(-4000);
    });
    const r = await driver;
    await lines;
    await this.connection.run(remoteCommand(["rm", "-rf", scratch]), { timeoutMs: PROBE_TIMEOUT_MS });
    const failure =
      r.exitCode === 0
        ? null
        : r.isCanceled
          ? "stopped on request"
          : r.exitCode === SSH_FAILED
            ? `the connection to ${this.name} failed: ${sshComplaint(lastWords)}`
            : `the driver ended with ${r.signal ?? `status ${r.exitCode}`}`;
    return { exitCode: r.exitCode, signal: r.signal, failure };
  }

  async runNative(program: string, args: string[], o: { timeoutSeconds: number }): Promise<NativeRun> {
    const r = await this.connection.run(remoteCommand([`${this.buildDir}/${program}`, ...args]), { timeoutMs: o.timeoutSeconds * 1000 });
    const failure =
      r.exitCode === SSH_FAILED ? `the connection to ${this.name} failed: ${sshComplaint(r.stderr)}` : r.timedOut ? `no end on ${this.name} in ${o.timeoutSeconds} s` : null;
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, failure };
  }

  async makeScratch(runId: string): Promise<string> {
    const dir = `${this.target.workdir}/${runId}-scratch`;
    const r = await this.connection.run(remoteCommand(["mkdir", "-p", dir]), { timeoutMs: PROBE_TIMEOUT_MS });
    if (r.exitCode === SSH_FAILED || r.timedOut) throw this.unreachable(r.timedOut ? "no answer in time" : r.stderr);
    if (r.exitCode !== 0) throw new Error(`cannot create ${dir} on ${this.name}: ${r.stderr.trim()}`);
    return dir;
  }

  async removeScratch(dir: string): Promise<void> {
    await this.connection.run(remoteCommand(["rm", "-rf", dir]), { timeoutMs: PROBE_TIMEOUT_MS });
  }

  /** What answers at this host's address now, over a connection of its own (the shared one may be gone). */
  async probe(): Promise<Probe> {
    const r = await this.connection.run(remoteCommand(["sh", "-c", BOOT_STATE_SCRIPT]), { fresh: true, timeoutMs: PROBE_TIMEOUT_MS });
    if (r.exitCode === 0) return { up: true, ...parseBootState(r.stdout) };
    return { up: false, reason: r.timedOut ? "no answer in time" : sshComplaint(r.stderr) };
  }

  /**
   * Run a dual-boot machine's boot command, which reboots the host: the
   * connection dropping under it (ssh's status 255) is what success looks like.
   */
  async boot(command: string): Promise<string | null> {
    const r = await this.connection.run(remoteCommand(["sh", "-c", command]), { timeoutMs: PROBE_TIMEOUT_MS * 4 });
    await this.connection.close();
    if (r.exitCode === 0 || r.exitCode === SSH_FAILED) return null;
    return `the boot command on ${this.name} ${r.timedOut ? "did not end" : `exited with status ${r.exitCode}`}: ${(r.all ?? "").trim() || "no output"}`;
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
