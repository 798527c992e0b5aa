import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NATIVE_DIR } from "../../scripts/hosts/localHost.ts";

export const BUILD_DIR = join(NATIVE_DIR, "build");

export function buildNative(): void {
  execFileSync("make", ["-s", "-C", NATIVE_DIR], { stdio: "inherit" });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tracetax-test-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The process state letter from /proc (R, S, t for traced-stopped, T, Z), or null once it is gone. */
export function processState(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0];
  } catch {
    return null;
  }
}

export function tracerPid(pid: number): number | null {
  try {
    const m = /^TracerPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Kill every process a test started, by PID, and wait until each has gone. */
export async function killAll(children: ChildProcess[]): Promise<void> {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      const ended = new Promise((r) => c.once("exit", r));
      c.kill("SIGKILL");
      await ended;
    }
  }
}

/** Resolve with the first stdout line of a process that matches, or reject when it ends first. */
export function waitForLine(child: ChildProcess, pattern: RegExp, stream = child.stdout!): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split("\n").find((l) => pattern.test(l));
      if (line !== undefined) {
        stream.off("data", onData);
        resolve(line);
      }
    };
    stream.on("data", onData);
    child.once("exit", (code, signal) => reject(new Error(`process ended (${code ?? signal}) before printing ${pattern}`)));
  });
}

export function spawnNative(program: string, args: string[], extraFds = 0): ChildProcess {
  const stdio = ["ignore", "pipe", "pipe", ...Array.from({ length: extraFds }, () => "pipe" as const)];
  return spawn(join(BUILD_DIR, program), args, { stdio: stdio as ("ignore" | "pipe")[] });
}
