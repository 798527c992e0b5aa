import type { Host, NativeRun } from "../../hosts/host.ts";
import type { MacroRow } from "./macroRows.ts";
import type { FindWorkload, GzipWorkload, ServerMode } from "./macroSpec.ts";

// Every workload runs on its host through a program of native/: tt-inputs
// makes the inputs, tt-macro runs find and gzip, tt-server-run the server
// and its load.

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
  mechanism: string;
  calls: string;
}

const interceptionArgs = (i: Interception) => ["-m", i.mechanism, "-c", i.calls];

/** The last lines a program wrote to stderr: the reason a run failed, kept short for the CSV. */
export function lastWords(stderr: string): string {
  return stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 400);
}

/** A program that did not run to its end, or ended with an error: why, in its own words. */
function trouble(what: string, r: NativeRun): string | null {
  if (r.failure) return `${what}: ${r.failure}`;
  return r.exitCode === 0 ? null : `${what}: ${lastWords(r.stderr) || `exit status ${r.exitCode}`}`;
}

/**
 * Whether the host can run a workload under the mechanism and selection:
 * null, or tt-macro's reason (a selection the mechanism cannot make, a kernel
 * that refuses a filter, strace not installed), from one run of `true`.
 */
export async function interceptionRefusal(host: Host, i: Interception): Promise<string | null> {
  const r = await host.runNative("tt-macro", [...interceptionArgs(i), "-n", "1", "-T", "10", "--", "true"], { timeoutSeconds: 30 });
  const [row] = parseTimedRuns(r.stdout);
  if (r.failure) throw new Error(r.failure); // the host, not the mechanism, failed
  if (r.exitCode === 130) throw new Error("interrupted");
  if (r.exitCode === 0 && row?.exit === "0") return null;
  return lastWords(r.stderr) || `tt-macro exited ${r.exitCode} (run: ${row?.exit ?? "none"})`;
}

/** tt-inputs' arguments for a workload's input at `path` on the host. */
function inputArgs(w: FindWorkload | GzipWorkload, path: string): string[] {
  return w.type === "find"
    ? ["tree", path, String(w.dirs), String(w.files), String(w.maxFileBytes), String(w.seed)]
    : ["file", path, String(w.bytes), w.content, String(w.seed)];
}

/** Whether the disk of `path` could take the input: null, or tt-inputs' refusal with the numbers. */
export async function inputSpaceRefusal(host: Host, w: FindWorkload | GzipWorkload, path: string): Promise<string | null> {
  return trouble("tt-inputs", await host.runNative("tt-inputs", ["-n", ...inputArgs(w, path)], { timeoutSeconds: 60 }));
}

/** Generate a workload's input on the host, after checking its disk; throws with tt-inputs' reason. */
export async function generateInput(host: Host, w: FindWorkload | GzipWorkload, path: string): Promise<void> {
  const problem = trouble("tt-inputs", await host.runNative("tt-inputs", inputArgs(w, path), { timeoutSeconds: 3600 }));
  if (problem) throw new Error(problem);
}

/**
 * Run a command `runs` times on the host; its stdout is discarded, as in
 * Provos' "find ... >/dev/null". The runs tt-macro reported, and why there
 * are fewer than asked for, if there are (interrupted, connection lost).
 */
export async function timeCommand(
  host: Host,
  i: Interception,
  runs: number,
  timeoutSeconds: number,
  command: string[],
): Promise<{ runs: TimedRun[]; stderr: string; missing: string | null }> {
  const r = await host.runNative("tt-macro", [...interceptionArgs(i), "-n", String(runs), "-T", String(timeoutSeconds), "--", ...command], {
    timeoutSeconds: runs * (timeoutSeconds + 15) + 30,
  });
  const rows = parseTimedRuns(r.stdout);
  const missing = rows.length === runs ? null : `${runs - rows.length} of ${runs} runs not reported: ${r.failure ?? (lastWords(r.stderr) || `tt-macro exited ${r.exitCode}`)}`;
  return { runs: rows, stderr: r.stderr, missing };
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
  stderr: string;
}

/** One run of the server workload on the host (tt-server-run): the server under the mechanism, tt-load beside it. */
export async function runServerOnce(
  host: Host,
  i: Interception,
  o: { mode: ServerMode; requests: number; concurrency: number; port: number; timeoutSeconds: number },
): Promise<ServerRun> {
  const r = await host.runNative(
    "tt-server-run",
    [...interceptionArgs(i), "-M", o.mode, "-n", String(o.requests), "-k", String(o.concurrency), "-P", String(o.port), "-t", String(o.timeoutSeconds)],
    { timeoutSeconds: o.timeoutSeconds + 30 },
  );
  const [timed] = parseTimedRuns(r.stdout);
  if (!timed) throw new Error(`tt-server-run under ${i.mechanism} reported no run: ${r.failure ?? lastWords(r.stderr)}`);
  const served = /^served (\d+)$/m.exec(r.stdout);
  const loadLines = r.stdout.split("\n").filter((l) => l.startsWith("load ")).map((l) => l.slice("load ".length));
  return { timed, served: served ? Number(served[1]) : null, load: parseLoadResult(loadLines.join("\n")), stderr: r.stderr };
}
