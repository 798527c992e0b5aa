import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { Mechanism } from "../model/vocabulary.ts";

/** One published cost of observing or intercepting calls, as transcribed in observers.csv (see its README). */
export interface PublishedObserverCost {
  source: string;
  label: string;
  /** Our mechanism closest to what was measured. */
  mechanism: Mechanism;
  family: "interception" | "observation";
  call: string;
  baseNs: number | null;
  tracedNs: number | null;
  ratio: number;
  conversion: string;
}

/** None where the reference directory predates the file (a run archived with its own copy). */
export function readPublishedObserverCosts(referenceDir: string): PublishedObserverCost[] {
  if (!existsSync(join(referenceDir, "observers.csv"))) return [];
  const records: Record<string, string>[] = parse(readFileSync(join(referenceDir, "observers.csv")), { columns: true, skip_empty_lines: true });
  const ns = (v: string) => (v === "" ? null : Number(v));
  return records.map((r) => ({
    source: r.source,
    label: r.label,
    mechanism: r.mechanism as Mechanism,
    family: r.family as PublishedObserverCost["family"],
    call: r.call,
    baseNs: ns(r.base_ns),
    tracedNs: ns(r.traced_ns),
    ratio: Number(r.ratio),
    conversion: r.conversion,
  }));
}
