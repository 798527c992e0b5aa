import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { requireTool } from "./requireTool.ts";

// Locks shared by every test process on this machine, whatever worktree or
// suite it comes from: a fixed directory, not TMPDIR (some tests change it).
const LOCK_DIR = existsSync("/run/lock") ? "/run/lock" : "/tmp";

/** The lock that tests changing machine-wide state (audit rules, tracefs, BPF, VMs) hold around their body. */
export const MACHINE = "machine";

export function lockPath(name: string): string {
  return `${LOCK_DIR}/tracetax-test-${name}.lock`;
}

// A shell takes the lock with flock(1) on its descriptor 9, says "locked" and
// waits for its stdin to close. The kernel drops a flock lock once the last
// descriptor holding it closes: when the shell is killed, or when it ends
// because the process that asked for the lock died and its pipe closed.
const HOLDER = 'exec 9>>"$1" && flock -x -w "$2" 9 && echo locked && read -r _';

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Wait for the exclusive lock `name` and hold it until `release()` or until
 * this process ends, however it ends. Fails after `timeoutSeconds`, naming
 * who holds it.
 */
export async function acquireLock(name: string, o: { purpose: string; timeoutSeconds?: number }): Promise<HeldLock> {
  requireTool("flock", "apt-get install util-linux");
  const path = lockPath(name);
  const timeout = o.timeoutSeconds ?? 1800;
  const holder = spawn("sh", ["-c", HOLDER, "tracetax-test-lock", path, String(timeout)], { stdio: ["pipe", "pipe", "inherit"] });
  const locked = await new Promise<boolean>((resolve) => {
    holder.stdout!.once("data", () => resolve(true));
    holder.once("exit", () => resolve(false));
  });
  if (!locked) {
    const by = existsSync(path) ? readFileSync(path, "utf8").trim() : "";
    assert.fail(`could not take the lock ${path} in ${timeout} s; it is held by ${by || "a process that did not say"}`);
  }
  writeFileSync(path, `pid ${process.pid}: ${o.purpose}\n`); // for the message of whoever waits too long
  // A lock that a test forgets to release must not keep its process alive.
  holder.unref();
  for (const stream of [holder.stdin, holder.stdout]) (stream as Socket).unref();
  return {
    async release() {
      if (holder.exitCode !== null || holder.signalCode !== null) return;
      holder.ref();
      const ended = new Promise((resolve) => holder.once("exit", resolve));
      holder.stdin!.end();
      await ended;
    },
  };
}

/** Run `body` holding the machine-wide lock, so that no other test changes machine-wide state meanwhile. */
export async function withMachineLock<T>(purpose: string, body: () => Promise<T> | T): Promise<T> {
  const lock = await acquireLock(MACHINE, { purpose });
  try {
    return await body();
  } finally {
    await lock.release();
  }
}
