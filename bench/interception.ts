// `make bench`: the questions about interception cost, answered by
// measurements taken in one run on this host (ratios, so a noisy shared
// machine still gives a fair comparison). Prints a table; the README keeps
// the figures of one run with the date and the machine.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { median } from "simple-statistics";
import { LocalHost, NATIVE_DIR } from "../scripts/hosts/localHost.ts";
import { streamLines } from "../scripts/hosts/streamLines.ts";
import { DriverStream } from "../scripts/run/driverStream.ts";

const ROUNDS = 201;
const TRIALS = 5;
const BUILD = join(NATIVE_DIR, "build");
const scratch = mkdtempSync(join(tmpdir(), "tracetax-bench-"));

/** Median cycles of getppid() under each tracer, all cells in one driver batch. */
async function measureCells(host: LocalHost, tracers: string[]): Promise<Map<string, number>> {
  const medians = new Map<string, number>();
  const stream = new DriverStream((cell) => {
    if (cell.status !== "done") throw new Error(`${cell.id}: ${cell.status} (${cell.reason})`);
    medians.set(cell.id, median(cell.rounds.map((r) => r.cycles)));
  });
  const batch = tracers.map((t) => `${t} getppid valid ${t} unpinned ${TRIALS} ${ROUNDS} 20\n`).join("");
  await host.runBatch(batch, { scratchDir: scratch, timeoutSeconds: 60, onLine: (l) => stream.line(l), onLog: (t) => process.stderr.write(t) });
  return medians;
}

function lineOf(stream: Readable, pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split("\n").find((l) => pattern.test(l));
      if (line !== undefined) {
        stream.off("data", onData);
        resolve(line);
      }
    };
    stream.on("data", onData);
  });
}

/**
 * getppid() under ptrace-seccomp with a filter that selects open(): the
 * tracer is attached but never woken. The driver's mechanisms always filter
 * the measured call, so this one trial is run by hand, in the driver's protocol.
 */
async function untracedUnderPtraceSeccomp(): Promise<number[]> {
  const cycles: number[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const args = ["-c", "getppid", "-f", "valid", "-d", scratch, "-n", String(ROUNDS), "-w", "20", "-m", "seccomp-trace", "-F", "open", "-s", "3", "-g", "4"];
    const bench = spawn(join(BUILD, "tt-syscall"), args, { stdio: ["ignore", "pipe", "inherit", "pipe", "pipe"] });
    const ready = bench.stdio[3] as Readable;
    const go = bench.stdio[4] as Writable;
    await lineOf(ready, /^ready$/);
    const tracer = spawn(join(BUILD, "tt-ptrace"), ["-p", String(bench.pid), "-s"], { stdio: ["ignore", "pipe", "inherit"] });
    await lineOf(tracer.stdout!, /^attached$/);
    go.write("g");
    await lineOf(ready, /^done$/);
    tracer.kill("SIGUSR1");
    await new Promise((r) => tracer.once("exit", r));
    const rows: number[] = [];
    const out = streamLines(bench.stdout!, (l) => /^\d/.test(l) && rows.push(Number(l.split(",")[1])));
    go.write("g");
    await out;
    cycles.push(median(rows));
  }
  return cycles;
}

const host = new LocalHost();
await host.build();
const facts = await host.facts();
const ns = (cycles: number) => (facts.tscHz ? `${((cycles / facts.tscHz) * 1e9).toFixed(1)} ns` : "? ns");
const m = await measureCells(host, ["none", "ptrace", "strace", "seccomp-allow", "ptrace-seccomp"]);
const untraced = median(await untracedUnderPtraceSeccomp());
rmSync(scratch, { recursive: true, force: true });

const plain = m.get("none")!;
const over = (t: string) => m.get(t)! - plain;
const rows: [string, string][] = [
  ["getppid() plain", `${plain} cycles (${ns(plain)})`],
  ["ptrace, our null tracer: overhead", `${over("ptrace")} cycles (${ns(over("ptrace"))})`],
  ["strace -o /dev/null: overhead", `${over("strace")} cycles (${ns(over("strace"))})`],
  ["strace ÷ our ptrace tracer", `${(over("strace") / over("ptrace")).toFixed(2)}×`],
  ["seccomp-allow − plain (the kernel's seccomp path)", `${over("seccomp-allow")} cycles (${ns(over("seccomp-allow"))})`],
  ["ptrace-seccomp, call traced: overhead", `${over("ptrace-seccomp")} cycles (${ns(over("ptrace-seccomp"))})`],
  ["ptrace-seccomp, call not traced: overhead", `${untraced - plain} cycles (${ns(untraced - plain)})`],
  ["ptrace ÷ ptrace-seccomp on a call not traced", `${(m.get("ptrace")! / untraced).toFixed(1)}×`],
];
console.log(`tracetax interception benchmark: medians of ${TRIALS} trials × ${ROUNDS} rounds, one run`);
console.log(`host: ${facts.cpuModel}, ${facts.cores} cores, ${facts.osRelease}, kernel ${facts.kernel.split(" ")[0]}, TSC ${facts.tscHz ? (facts.tscHz / 1e9).toFixed(3) : "?"} GHz${facts.virtualized ? ", virtualised" : ""}`);
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
