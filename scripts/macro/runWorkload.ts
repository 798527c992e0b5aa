import { spawn } from "node:child_process";
import { execa } from "execa";
import { NATIVE_DIR } from "../hosts/localHost.ts";
import type { MacroRow } from "./macroCsv.ts";
import type { CallSelection, MacroMechanism, ServerMode } from "./macroSpec.ts";

export const BUILD_DIR = `${NATIVE_DIR}/build`;

export type TimedRun = Pick<MacroRow, "run" | "real_s" | "user_s" | "sys_s" | "exit" | "stops">;

/** tt-macro's rows ("run,real_s,user_s,sys_s,exit") with the "#stops RUN N" lines of mechanisms that count. */
export function parseTimedRuns(stdout: string): TimedRun[] {
  const lines = stdout.split("\n");
  const stops = new Map(lines.filter((l) => l.startsWith("#stops ")).map((l) => [Number(l.split(" ")[1]), Number(l.split(" ")[2])]));
  return lines
    .filter((l) => /^\d+,/.test(l))
    .map((l) => {
      const [run, real, user, sys, exit] = l.split(",");
      const counted = stops.get(Number(run));
      return { run: Number(run), real_s: Number(real), user_s: Number(user), sys_s: Number(sys), exit, stops: counted === undefined || counted < 0 ? null : counted };
    });
}

/** How a mechanism is set up around the workload. */
export interface Interception {
  mechanism: MacroMechanism;
  calls: CallSelection;
}

function macroArgs(i: Interception, runs: number, timeoutSeconds: number): string[] {
  return ["-b", BUILD_DIR, "-m", i.mechanism, "-c", i.calls, "-n", String(runs), "-T", String(timeoutSeconds)];
}

/** The last lines a program wrote to stderr: the reason a run failed, kept short for the CSV. */
export function lastWords(stderr: string): string {
  return stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 400);
}

/**
 * Whether this machine can run a workload under the mechanism and selection:
 * null, or tt-macro's reason (a selection the mechanism cannot make, a kernel
 * that refuses a filter, strace not installed), from one run of `true`.
 */
export async function interceptionRefusal(i: Interception): Promise<string | null> {
  const r = await execa(`${BUILD_DIR}/tt-macro`, [...macroArgs(i, 1, 10), "--", "true"], { reject: false });
  const [row] = parseTimedRuns(r.stdout);
  if (r.exitCode === 0 && row?.exit === "0") return null;
  return lastWords(r.stderr) || `tt-macro exited ${r.exitCode ?? r.signal} (run: ${row?.exit ?? "none"})`;
}

/** Run a command `runs` times; its stdout is discarded, as in Provos' "find ... >/dev/null". */
export async function timeCommand(i: Interception, runs: number, timeoutSeconds: number, command: string[]): Promise<{ runs: TimedRun[]; stderr: string }> {
  const r = await execa(`${BUILD_DIR}/tt-macro`, [...macroArgs(i, runs, timeoutSeconds), "--", ...command], { reject: false });
  const rows = parseTimedRuns(r.stdout);
  if (rows.length !== runs) throw new Error(`tt-macro -m ${i.mechanism} ${command.join(" ")}: ${rows.length} of ${runs} runs reported: ${lastWords(r.stderr)}`);
  return { runs: rows, stderr: r.stderr };
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50_us: number;
  p99_us: number;
}

export function parseLoadResult(stdout: string): LoadResult | null {
  const [header, row] = stdout.trim().split("\n");
  if (header !== "requests,errors,seconds,rps,p50_us,p99_us" || !row) return null;
  const [requests, errors, seconds, rps, p50_us, p99_us] = row.split(",").map(Number);
  return { requests, errors, seconds, rps, p50_us, p99_us };
}

export interface ServerRun {
  timed: TimedRun;
  served: number | null; // what the server says it answered
  load: LoadResult | null;
  stderr: string; // the server's and tt-macro's, then the load client's
}

/**
 * One run of the server workload: tt-server under the mechanism (through
 * tt-macro), loaded by tt-load once it says its port. The server stops after
 * the requests or timeoutSeconds, tt-macro kills it a little later at most.
 */
export async function runServerOnce(
  i: Interception,
  o: { mode: ServerMode; requests: number; concurrency: number; port: number; timeoutSeconds: number },
): Promise<ServerRun> {
  const server = spawn(
    `${BUILD_DIR}/tt-macro`,
    [...macroArgs(i, 1, o.timeoutSeconds + 5), "-p", "--", `${BUILD_DIR}/tt-server`, "-P", String(o.port), "-m", o.mode, "-n", String(o.requests), "-t", String(o.timeoutSeconds)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  server.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => server.once("close", () => resolve()));
  const port = await new Promise<number | null>((resolve) => {
    server.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /^port (\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(() => resolve(null));
  });
  try {
    const client =
      port === null
        ? null
        : await execa(`${BUILD_DIR}/tt-load`, ["-P", String(port), "-n", String(o.requests), "-c", String(o.concurrency), "-m", o.mode, "-t", String(o.timeoutSeconds)], { reject: false });
    await exited;
    const [timed] = parseTimedRuns(out);
    if (!timed) throw new Error(`tt-server under ${i.mechanism} reported no run: ${lastWords(err)}`);
    const served = /^served (\d+)$/m.exec(out);
    return { timed, served: served ? Number(served[1]) : null, load: client ? parseLoadResult(client.stdout) : null, stderr: err + (client?.stderr ?? "") };
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
  }
}
