import { mkdirSync, rmSync } from "node:fs";
import { execa } from "execa";
import { type HostFacts } from "../model/hostFacts.ts";
import { BUILD_DIR, NATIVE_DIR } from "../model/paths.ts";
import { parseFacts } from "./facts.ts";
import { BuildError, type BatchEnd, type BatchOptions, type Host, type NativeRun } from "./host.ts";
import { streamLines } from "./streamLines.ts";


/** The machine tracetax runs on: the built-in host "local", needing no inventory. */
export class LocalHost implements Host {
  readonly name = "local";

  async build(): Promise<string> {
    const r = await execa("make", ["-C", NATIVE_DIR], { all: true, reject: false });
    if (r.exitCode !== 0) {
      throw new BuildError(this.name, r.exitCode === undefined ? (r.shortMessage ?? "make did not run") : `make exited with status ${r.exitCode}`, r.all ?? "");
    }
    return r.all ?? "";
  }

  async facts(): Promise<HostFacts> {
    const r = await execa("sh", [`${NATIVE_DIR}/facts.sh`, BUILD_DIR], { reject: false });
    return parseFacts(this.name, r.stdout);
  }

  async runBatch(batch: string, o: BatchOptions): Promise<BatchEnd> {
    const driver = execa(`${BUILD_DIR}/tt-driver`, ["-b", BUILD_DIR, "-d", o.scratchDir, "-T", String(o.timeoutSeconds)], {
      input: batch,
      reject: false,
      cancelSignal: o.signal,
      forceKillAfterDelay: 2000,
    });
    const lines = streamLines(driver.stdout!, o.onLine);
    driver.stderr!.on("data", (chunk: Buffer) => o.onLog(chunk.toString()));
    const r = await driver;
    await lines;
    const failure =
      r.exitCode === 0 ? null : r.isCanceled ? "stopped on request" : `the driver ended with ${r.signal ?? `status ${r.exitCode}`}`;
    return { exitCode: r.exitCode, signal: r.signal, failure };
  }

  async runNative(program: string, args: string[], o: { timeoutSeconds: number }): Promise<NativeRun> {
    const r = await execa(`${BUILD_DIR}/${program}`, args, { reject: false, timeout: o.timeoutSeconds * 1000 });
    const failure = r.timedOut ? `no end in ${o.timeoutSeconds} s` : r.exitCode === undefined ? (r.shortMessage ?? `${program} did not run`) : null;
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, failure };
  }

  async makeScratch(_runId: string, localDir: string): Promise<string> {
    mkdirSync(localDir, { recursive: true });
    return localDir;
  }

  async removeScratch(dir: string): Promise<void> {
    rmSync(dir, { recursive: true, force: true });
  }
}
