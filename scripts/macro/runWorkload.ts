import { spawn } from "node:child_process";
import { execa } from "execa";
import { NATIVE_DIR } from "../hosts/localHost.ts";
import type { MacroRow } from "./macroCsv.ts";
import type { MacroMechanism, ServerMode } from "./macroSpec.ts";

export const BUILD_DIR = `${NATIVE_DIR}/build`;

type TimedRun = Pick<MacroRow, "run" | "real_s" | "user_s" | "sys_s" | "exit" | "stops">;

/** tt-macro's rows ("run,real_s,user_s,sys_s,exit") with the "#stops RUN N" lines of the ptrace tracer. */
export function parseTimedRuns(stdout: string): TimedRun[] {
  const lines = stdout.split("\n");
  const stops = new Map(lines.filter((l) => l.startsWith("#stops ")).map((l) => [Number(l.split(" ")[1]), Number(l.split(" ")[2])]));
  return lines
    .filter((l) => /^\d+,/.test(l))
    .map((l) => {
      const [run, real, user, sys, exit] = l.split(",");
      return { run: Number(run), real_s: Number(real), user_s: Number(user), sys_s: Number(sys), exit, stops: stops.get(Number(run)) ?? null };
    });
}

function timedArgs(mechanism: MacroMechanism, runs: number, timeoutSeconds: number): string[] {
  return ["-m", mechanism, "-n", String(runs), "-T", String(timeoutSeconds)];
}

/** Run a command `runs` times under a mechanism; its stdout is discarded, as in Provos' "find ... >/dev/null". */
export async function timeCommand(mechanism: MacroMechanism, runs: number, timeoutSeconds: number, command: string[]): Promise<TimedRun[]> {
  const r = await execa(`${BUILD_DIR}/tt-macro`, [...timedArgs(mechanism, runs, timeoutSeconds), "--", ...command], { reject: false });
  const rows = parseTimedRuns(r.stdout);
  if (rows.length !== runs) throw new Error(`tt-macro -m ${mechanism} ${command.join(" ")}: ${rows.length} of ${runs} runs reported: ${r.stderr}`);
  return rows;
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
}

/**
 * One run of the server workload: tt-server under the mechanism (through
 * tt-macro), loaded by tt-load once it says its port. The server stops after
 * the requests or timeoutSeconds, tt-macro kills it a little later at most.
 */
export async function runServerOnce(
  mechanism: MacroMechanism,
  o: { mode: ServerMode; requests: number; concurrency: number; timeoutSeconds: number },
): Promise<ServerRun> {
  const server = spawn(
    `${BUILD_DIR}/tt-macro`,
    [...timedArgs(mechanism, 1, o.timeoutSeconds + 5), "-p", "--", `${BUILD_DIR}/tt-server`, "-m", o.mode, "-n", String(o.requests), "-t", String(o.timeoutSeconds)],
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
    const load =
      port === null
        ? null
        : parseLoadResult(
            (await execa(`${BUILD_DIR}/tt-load`, ["-P", String(port), "-n", String(o.requests), "-c", String(o.concurrency), "-m", o.mode, "-t", String(o.timeoutSeconds)], { reject: false })).stdout,
          );
    await exited;
    const [timed] = parseTimedRuns(out);
    if (!timed) throw new Error(`tt-server under ${mechanism} reported no run: ${err.trim()}`);
    const served = /^served (\d+)$/m.exec(out);
    return { timed, served: served ? Number(served[1]) : null, load };
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
  }
}
