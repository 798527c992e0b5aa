import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Cell } from "../model/cell.ts";
import { appendDurably, writeFileAtomic } from "./atomicWrite.ts";
import { csvHeader, csvLines, readTypedCsv, type CsvColumns } from "./typedCsv.ts";

/**
 * One process of a microbenchmark run: a (cell, trial), the unit written
 * whole. Its row is appended after its rounds are in raw.csv, so a trial
 * without a row here was not finished. Trial k of every cell of a host ran
 * in block k, at `position` in the block's order; the noise columns are
 * what the host said about the process (empty where it cannot say).
 */
export interface TrialRow extends Pick<Cell, "host" | "call" | "fd" | "tracer" | "placement"> {
  trial: number;
  block: number;
  position: number;
  /** The run's order seed: with the host and the block it gives the block's order. */
  order_seed: number;
  /** Bytes of padding added to the benchmark's environment (a hidden factor sampled per trial). */
  pad_bytes: number | null;
  timer_overhead_cycles: number | null;
  tracer_stops: number | null;
  bench_cpu: number | null;
  bench_switches: number | null;
  bench_migrations: number | null;
  bench_rq_ns: number | null;
  tracer_cpu: number | null;
  tracer_switches: number | null;
  tracer_migrations: number | null;
  tracer_rq_ns: number | null;
  /** Steal time of the host during the trial, in clock ticks (USER_HZ) summed over its CPUs. */
  steal_ticks: number | null;
  boot_id: string;
  /** An observer's own count of the events it saw and of those it lost, and its consumer's CPU time (observers only). */
  observed_seen: number | null;
  observed_lost: number | null;
  consumer_cpu_s: number | null;
}

const COLUMNS: CsvColumns<TrialRow> = {
  host: "text", call: "text", fd: "text", tracer: "text", placement: "text", trial: "number", block: "number", position: "number",
  order_seed: "number", pad_bytes: "number", timer_overhead_cycles: "number", tracer_stops: "number",
  bench_cpu: "number", bench_switches: "number", bench_migrations: "number", bench_rq_ns: "number",
  tracer_cpu: "number", tracer_switches: "number", tracer_migrations: "number", tracer_rq_ns: "number", steal_ticks: "number", boot_id: "text",
  observed_seen: "number", observed_lost: "number", consumer_cpu_s: "number",
};

export const TRIALS_CSV = "trials.csv";

export const startTrialsCsv = (dir: string) => writeFileAtomic(join(dir, TRIALS_CSV), csvHeader(COLUMNS));
export const appendTrialRow = (dir: string, row: TrialRow) => appendDurably(join(dir, TRIALS_CSV), csvLines([row], COLUMNS));
/** The trials of a run; none for a run made before trials.csv existed. */
export const readTrialsCsv = (dir: string): TrialRow[] => (existsSync(join(dir, TRIALS_CSV)) ? readTypedCsv(join(dir, TRIALS_CSV), COLUMNS) : []);
