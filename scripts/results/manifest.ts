import type { Call, Fd, Placement, Tracer } from "../spec/vocabulary.ts";

export const MANIFEST_FORMAT = 1;

/** Facts about one host, gathered before measuring (pyperf-style metadata, kept apart from measurements). */
export interface HostFacts {
  name: string;
  os: string; // uname -s
  osRelease: string; // e.g. Debian 12 (from /etc/os-release) or uname -r on BSD
  kernel: string; // uname -r and -v
  arch: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number | null;
  tscHz: number | null;
  tscHzSource: string; // how tscHz was found, or why it is unknown
  tscFlags: string[]; // cpuinfo flags about the TSC (constant_tsc, nonstop_tsc, rdtscp, ...)
  tscNote: string | null; // what the kernel said about the TSC's reliability, if anything
  virtualized: boolean; // cpuinfo "hypervisor" flag
  compiler: string;
  loadAverage: [number, number, number] | null;
  timerOverheadCycles: number | null; // median cost of an empty timed region, over every trial on this host
  timer: string | null; // which fence/rdtsc sequence the native code used
}

export type CellStatus = "pending" | "done" | "skipped" | "failed";

export interface CellRecord {
  id: string;
  host: string;
  call: Call;
  fd: Fd;
  tracer: Tracer;
  placement: Placement;
  trials: number;
  rounds: number;
  warmup: number;
  status: CellStatus;
  reason?: string;
  /** Cost of an empty timed region measured by each trial's benchmark process. */
  timerOverheadCycles?: number[];
  /** Syscall stops the tracer reported per trial (traced cells). */
  tracerStops?: number[];
}

export interface Manifest {
  format: number;
  runId: string;
  tool: { name: string; version: string; commit: string | null };
  spec: { path: string; sha256: string; text: string };
  settings: { rounds: number; warmup: number; trials: number; timeoutSeconds: number };
  startedAt: string;
  endedAt: string | null;
  state: "running" | "complete" | "incomplete";
  stoppedBecause?: string;
  hosts: Record<string, HostFacts>;
  cells: CellRecord[];
}
