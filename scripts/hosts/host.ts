import type { HostFacts } from "../results/manifest.ts";

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

/** A failed build of native/ on a host; the message ends with the compiler's last words. */
export class BuildError extends Error {
  constructor(
    host: string,
    why: string,
    readonly output: string,
  ) {
    const tail = output.trim().split("\n").slice(-4).join("\n  ");
    super(`building native/ failed on ${host}: ${why}${tail ? `\n  ${tail}` : ""}`);
    this.name = "BuildError";
  }
}
