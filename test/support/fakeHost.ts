// A host that runs nothing: the runner's scheduling, failure and resume
// logic is tested against it without spawning a process, as a mock executor
// stands in for a shell. What it answers is the test's script.
import { BuildError, type BatchEnd, type Host, type NativeRun } from "../../scripts/hosts/host.ts";
import type { HostFacts } from "../../scripts/model/hostFacts.ts";
import { hostFacts } from "./syntheticRun.ts";

export interface FakeCall {
  program: string;
  args: string[];
  startedAt: number;
  endedAt: number;
}

export class FakeHost implements Host {
  /** Every program run, in order, with when it started and ended. */
  readonly calls: FakeCall[] = [];

  constructor(
    readonly name: string,
    private readonly script: {
      /** What a program prints, or a thrown error (a lost connection, say); called once per run. */
      run: (program: string, args: string[], call: number) => string | Promise<string>;
      /** The compiler's words, when the build is to fail. */
      buildFails?: string;
      facts?: Partial<HostFacts>;
    },
  ) {}

  async build(): Promise<string> {
    if (this.script.buildFails) throw new BuildError(this.name, "make exited with status 2", this.script.buildFails);
    return "built (fake)\n";
  }

  async facts(): Promise<HostFacts> {
    return hostFacts(this.name, this.script.facts);
  }

  async runBatch(): Promise<BatchEnd> {
    throw new Error("a fake host runs no driver batch");
  }

  async runNative(program: string, args: string[]): Promise<NativeRun> {
    const call: FakeCall = { program, args, startedAt: performance.now(), endedAt: Number.NaN };
    this.calls.push(call);
    try {
      const stdout = await this.script.run(program, args, this.calls.length);
      return { exitCode: 0, stdout, stderr: "", failure: null };
    } finally {
      call.endedAt = performance.now();
    }
  }

  async makeScratch(_runId: string, localDir: string): Promise<string> {
    return localDir;
  }

  async removeScratch(): Promise<void> {}
}
