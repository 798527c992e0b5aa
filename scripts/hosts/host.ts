import { type HostFacts } from "../model/hostFacts.ts";

/** What a line of the driver's output stream did not get: its end. */
export type LineSink = (line: string) => void;

/**
 * A machine that measures. Local and remote hosts take the same path:
 * build native/ there, gather facts there, feed a batch of cells to the
 * per-host driver there and read its CSV stream back.
 */
export interface Host {
  readonly name: string;
  /** Build the native programs; resolves with the build's output, rejects with a BuildError. */
  build(): Promise<string>;
  facts(): Promise<HostFacts>;
  /** Run one batch; every stdout line goes to onLine as it arrives, stderr to onLog. */
  runBatch(batch: string, options: BatchOptions): Promise<BatchEnd>;
  /** Run one built program of native/ to its end (the macrobenchmarks); paths in args are the host's. */
  runNative(program: string, args: string[], options: { timeoutSeconds: number }): Promise<NativeRun>;
  /** Create the directory for a run's scratch files on the host: localDir here, <workdir>/<runId>-scratch on a remote host. */
  makeScratch(runId: string, localDir: string): Promise<string>;
  /** Remove a scratch directory, or a file or directory in it. */
  removeScratch(path: string): Promise<void>;
}

export interface NativeRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** Set when the program could not be run at all there (a lost connection, say). */
  failure: string | null;
}

export interface BatchOptions {
  scratchDir: string;
  timeoutSeconds: number;
  onLine: LineSink;
  onLog: (text: string) => void;
  signal?: AbortSignal;
}

export interface BatchEnd {
  exitCode: number | undefined;
  signal: string | undefined;
  /** Set when the driver did not end by itself with status 0. */
  failure: string | null;
}

/** The lines of a build log that say what went wrong: the compiler's errors, else its last words. */
function buildComplaint(output: string): string[] {
  const lines = output.trim().split("\n");
  const errors = lines.filter((l) => /\b(error|fatal|not found|No such file)\b/i.test(l) && !/^make(\[\d+\])?: \*\*\*/.test(l));
  return (errors.length > 0 ? errors : lines).slice(errors.length > 0 ? 0 : -4).slice(0, 4);
}

/** A failed build of native/ on a host; the message carries the compiler's own complaint. */
export class BuildError extends Error {
  constructor(
    host: string,
    why: string,
    readonly output: string,
  ) {
    const complaint = buildComplaint(output);
    super(`building native/ failed on ${host}: ${why}${complaint.length ? `\n  ${complaint.join("\n  ")}` : ""}`);
    this.name = "BuildError";
  }
}
