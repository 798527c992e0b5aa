import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { SshTarget } from "./inventory.ts";

// Every connection is checked against known_hosts (never StrictHostKeyChecking=no)
// and never prompts (BatchMode): a run must not hang on a question nobody sees.
const CONNECT_TIMEOUT_SECONDS = 15;
// A connection whose peer went away is given up after 15 s × 4 unanswered keepalives.
const KEEPALIVE = ["-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4"];
// An idle shared connection outlives its last command this long, then closes itself
// (the bound if tracetax dies before closing it).
const CONTROL_PERSIST_SECONDS = 60;

export interface SshRunOptions {
  input?: string | Uint8Array;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** A connection of its own instead of the shared one: for probing a machine that may be rebooting. */
  fresh?: boolean;
}

/**
 * The system OpenSSH client (so ~/.ssh/config, agents and known_hosts apply)
 * with one multiplexed connection per host: ControlMaster=auto starts it with
 * the first command, later ones reuse it; close() ends it.
 */
export class SshConnection {
  private controlDir: string | null = null;

  constructor(readonly target: SshTarget) {}

  /** How messages name this host's ssh destination. */
  get destination(): string {
    return `${this.target.ssh}${this.target.port ? ` port ${this.target.port}` : ""}`;
  }

  private baseArgs(): string[] {
    const t = this.target;
    return [
      ...(t.sshConfig ? ["-F", t.sshConfig] : []),
      ...(t.port ? ["-p", String(t.port)] : []),
      ...(t.identity ? ["-i", t.identity] : []),
      "-o", "BatchMode=yes",
      "-o", `StrictHostKeyChecking=${t.acceptNewHostKey ? "accept-new" : "yes"}`,
    ];
  }

  private controlArgs(fresh: boolean): string[] {
    if (fresh) return ["-o", "ControlMaster=no", "-o", "ControlPath=none"];
    // Sockets live in a directory only we can enter (mkdtemp makes it 0700); %C is a hash of the destination.
    this.controlDir ??= mkdtempSync(join(tmpdir(), "tracetax-ssh-"));
    return ["-o", "ControlMaster=auto", "-o", `ControlPersist=${CONTROL_PERSIST_SECONDS}`, "-o", `ControlPath=${this.controlDir}/%C`];
  }

  /** Start one remote command (already quoted by remoteCommand); stdout, stderr and both interleaved (all) are kept. */
  run(command: string, o: SshRunOptions = {}) {
    const args = [
      ...this.baseArgs(),
      ...this.controlArgs(o.fresh ?? false),
      "-o", `ConnectTimeout=${CONNECT_TIMEOUT_SECONDS}`,
      ...KEEPALIVE,
      "--", this.target.ssh, command,
    ];
    return execa("ssh", args, {
      input: o.input,
      stdin: o.input === undefined ? "ignore" : undefined,
      timeout: o.timeoutMs,
      cancelSignal: o.signal,
      forceKillAfterDelay: 2000,
      reject: false,
      all: true,
    });
  }

  /** End the shared connection (if one was started) and remove its socket directory. */
  async close(): Promise<void> {
    if (this.controlDir === null) return;
    const dir = this.controlDir;
    this.controlDir = null;
    await execa("ssh", [...this.baseArgs(), "-o", `ControlPath=${dir}/%C`, "-O", "exit", "--", this.target.ssh], {
      reject: false,
      timeout: 10_000,
      stdin: "ignore",
    });
    rmSync(dir, { recursive: true, force: true });
  }
}
