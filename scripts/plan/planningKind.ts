import type { CellOutcome } from "../model/cell.ts";
import type { HostFacts } from "../model/hostFacts.ts";

/** Options of `tracetax run` that change what is measured. */
export interface RunOverrides {
  rounds?: number;
  trials?: number;
  keepInputs?: boolean;
}

/** What the plan stage needs of an experiment kind: its settings and its cells. */
export interface PlanningKind<Spec = unknown, Settings = unknown, Cell extends CellOutcome = CellOutcome> {
  /** The settings recorded in the manifest; throws InputError for an override that does not apply to this kind. */
  settings(spec: Spec, overrides: RunOverrides, where: string): Settings;
  /** The spec's cells on these hosts, in the order they are measured. */
  plan(spec: Spec, settings: Settings, hosts: string[]): Cell[];
  /** How `tracetax plan` shows a cell after its id: what is measured and how often. */
  describe(cell: Cell): string;
  /** Why a host whose OS is known cannot serve a cell at all (it is then skipped), or null. */
  unavailable(cell: Cell, facts: Pick<HostFacts, "os" | "osRelease" | "kernel">): string | null;
}
