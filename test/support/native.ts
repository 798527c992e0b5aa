import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILD_DIR, NATIVE_DIR } from "../../scripts/model/paths.ts";
import { requireTool } from "./requireTool.ts";

export { BUILD_DIR };

export function buildNative(): void {
  requireTool("make", "apt-get install make");
  requireTool("cc", "apt-get install gcc libc6-dev");
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

/**
 * A benchmark that says "ready" on fd 3 and waits for a byte on fd 4 before
 * measuring, as the driver runs it; resolves once it is ready.
 */
export async function startBenchmark(args: string[], started: ChildProcess[], env: NodeJS.ProcessEnv = process.env) {
  const stdio = ["ignore", "pipe", "pipe", "pipe", "pipe"] as ("ignore" | "pipe")[];
  const bench = spawn(join(BUILD_DIR, "tt-syscall"), [...args, "-s", "3", "-g", "4"], { stdio, env });
  started.push(bench);
  const ready = bench.stdio[3] as Readable;
  const go = bench.stdio[4] as Writable;
  await waitForLine(bench, /^ready$/, ready);
  return { bench, ready, go };
}

/** A tracer or supervisor attached to a running process; resolves once it says "attached". */
export async function attachTracer(program: string, pid: number, flags: string[], started: ChildProcess[]) {
  const tracer = spawnNative(program, ["-p", String(pid), ...flags]);
  started.push(tracer);
  await waitForLine(tracer, /^attached$/);
  return tracer;
}

/** Resolve with a process's exit code or signal once it has ended. */
export function ended(child: ChildProcess): Promise<number | NodeJS.Signals> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode!);
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal!)));
}

/** What tt-driver printed for one cell (or one "ID#TRIAL" unit) of a batch. */
export interface DriverCell {
  /** Its "#cell ID done|failed|skipped ..." line, if it ended. */
  end: string | undefined;
  /** Its rows, split at the commas: ID, TRIAL, ROUND, CYCLES, RESULT. */
  rows: string[][];
  cycles: number[];
  stops: number[];
  /** Its "#noise" lines' facts, one record per trial. */
  noise: Record<string, string>[];
  /** Its "#observed" lines' facts (an observer's counts), one record per trial. */
  observed: Record<string, string>[];
}

/**
 * Run tt-driver on a batch of lines ("ID CALL FD TRACER PLACEMENT TRIALS
 * ROUNDS WARMUP [PAD_BYTES]"), as the runner does; the one way the tests
 * drive it. `cell(id)` reads back what it printed for a cell.
 */
export function runDriver(batch: string | string[], o: { scratch: string; args?: string[]; buildDir?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }) {
  const input = typeof batch === "string" ? batch : batch.map((l) => `${l}\n`).join("");
  const r = spawnSync(join(BUILD_DIR, "tt-driver"), ["-b", o.buildDir ?? BUILD_DIR, "-d", o.scratch, ...(o.args ?? [])], {
    input,
    encoding: "utf8",
    timeout: o.timeoutMs ?? 120_000,
    env: o.env ?? process.env,
  });
  const lines = r.stdout.split("\n").filter(Boolean);
  const facts = (kind: string, id: string) =>
    lines.filter((l) => l.startsWith(`#${kind} ${id} `)).map((l) => Object.fromEntries(l.split(" ").slice(3).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])));
  const cell = (id: string): DriverCell => {
    const rows = lines.filter((l) => l.startsWith(`${id},`)).map((l) => l.split(","));
    return {
      end: lines.find((l) => l.startsWith(`#cell ${id} `) && !l.endsWith(" begin")),
      rows,
      cycles: rows.map((row) => Number(row[3])),
      stops: lines.filter((l) => l.startsWith(`#stops ${id} `)).map((l) => Number(l.split(" ")[3])),
      noise: facts("noise", id),
      observed: facts("observed", id),
    };
  };
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines, cell };
}
