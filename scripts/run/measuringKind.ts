import type { CellOutcome, CellStatus } from "../model/cell.ts";
import type { HostFacts } from "../model/hostFacts.ts";
import type { RunManifest } from "../model/manifest.ts";
import type { Host } from "../hosts/host.ts";
import type { PlanningKind } from "../plan/planningKind.ts";
import type { Progress } from "../model/progress.ts";

/** What the run stage needs of an experiment kind: its cells, and how to measure them on a host. */
export interface MeasuringKind<Spec = unknown, Settings = unknown, Cell extends CellOutcome = CellOutcome> extends PlanningKind<Spec, Settings, Cell> {
  readonly name: string;
  /** Refuse, before anything is written, a run this machine cannot take (throws InputError). */
  preflight(spec: Spec, hosts: string[], resultsRoot: string): Promise<void>;
  /** Create the empty rows file(s) of a new run directory. */
  startRows(runDir: string): void;
  /**
   * Take up an interrupted run: `cells` (pending, or failed when it
   * stopped) become pending again; rows a crash left behind for them are
   * dropped, or kept where the kind resumes inside a cell. Returns the cells
   * to measure, as their records in the manifest.
   */
  reopen(runDir: string, manifest: RunManifest<string, Settings, Cell>, cells: Cell[]): Cell[];
  /** How many blocks a run with these settings measures (trial k of every cell; repetition k): a machine rebooted between blocks boots once per window of them. */
  blocks(settings: Settings): number;
  /** Measure one host's cells; the host is built and its facts gathered. Every cell ends through ctx.settle, unless ctx.window leaves blocks for later. */
  measure(host: Host, cells: Cell[], ctx: MeasureContext<Settings, Cell>): Promise<void>;
}

/** Blocks first..last (from 1) of a run: what one boot measures under reboot: between-blocks. */
export interface BlockWindow {
  first: number;
  last: number;
}

/** What a kind's measure() is given for one host. */
export interface MeasureContext<Settings, Cell extends CellOutcome> {
  runDir: string;
  runId: string;
  settings: Settings;
  /** The host's facts, as recorded in the manifest: a kind may add what measuring found out (the timer used). */
  facts: HostFacts;
  /** Record how a cell ended: written to the manifest at once, and shown as progress. */
  settle(cell: Cell, status: CellStatus, reason?: string): void;
  /** Write the manifest, after changing a cell's record in place. */
  save(): void;
  /** Append to logs/<host>-<name>.log. */
  log(name: string): (text: string) => void;
  /** Aborted when the user asks to stop (Ctrl-C): end the cell under way and return. */
  signal?: AbortSignal;
  /** Say why measuring stopped before its end, when it was asked to (recorded in the manifest). */
  stopped(why: string): void;
  /** Show how far the host has come, where a kind measures in steps other than cells (blocks of trials). */
  progress: Progress;
  /**
   * Measure these blocks only (a boot of a machine rebooted between blocks);
   * cells whose blocks are not all measured yet stay pending. Absent: every
   * block, and the cells end.
   */
  window?: BlockWindow;
}
