import { median } from "simple-statistics";
import type { CellRecord } from "../results/manifest.ts";
import { readRawCsv, type RawRow } from "../results/rawCsv.ts";
import { readManifest, runPaths } from "../results/runDir.ts";
import { formatSummaryCsv, type SummaryRow } from "../results/summaryCsv.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import { plainPlacementFor } from "../spec/vocabulary.ts";
import { cellId } from "../plan/cells.ts";
import { describe } from "./describe.ts";
import { splitModes } from "./modes.ts";
import { overheadCycles, overheadPercent } from "./overhead.ts";

/** Overhead of a value over the plain median, or nulls when there is no plain cell to compare with. */
function against(plain: number | null, value: number): [number | null, number | null] {
  return plain === null ? [null, null] : [overheadCycles(value, plain), overheadPercent(value, plain)];
}

function summarizeCell(cell: CellRecord, rows: RawRow[], plainMedian: number | null): SummaryRow {
  const cycles = rows.map((r) => r.cycles);
  const d = describe(cycles);
  const modes = splitModes(cycles);
  const traced = cell.tracer !== "none";
  const baseline = traced ? plainMedian : null;
  const [overhead_cycles, overhead_percent] = against(baseline, d.median);
  const [bc_overhead_cycles, bc_overhead_percent] = against(baseline, modes.bcMedian);
  const [wc_overhead_cycles, wc_overhead_percent] = against(baseline, modes.wcMedian);
  return {
    host: cell.host,
    call: cell.call,
    fd: cell.fd,
    tracer: cell.tracer,
    placement: cell.placement,
    trials: new Set(rows.map((r) => r.trial)).size,
    ...d,
    timer_overhead: cell.timerOverheadCycles?.length ? median(cell.timerOverheadCycles) : null,
    plain_median: baseline,
    overhead_cycles,
    overhead_percent,
    bimodal: modes.bimodal,
    bc_median: modes.bcMedian,
    bc_n: modes.bcN,
    wc_median: modes.wcMedian,
    wc_n: modes.wcN,
    bc_overhead_cycles,
    bc_overhead_percent,
    wc_overhead_cycles,
    wc_overhead_percent,
  };
}

/** summary.csv rows for every done cell of a run, in the manifest's order. */
export function summarizeRun(cells: CellRecord[], raw: RawRow[]): SummaryRow[] {
  const byCell = new Map<string, RawRow[]>();
  for (const r of raw) {
    const id = cellId(r);
    const list = byCell.get(id);
    if (list) list.push(r);
    else byCell.set(id, [r]);
  }
  const medianOf = (id: string) => {
    const rows = byCell.get(id);
    return rows ? median(rows.map((r) => r.cycles)) : null;
  };
  return cells
    .filter((c) => c.status === "done" && byCell.has(c.id))
    .map((c) => {
      const plainId = cellId({ ...c, tracer: "none", placement: plainPlacementFor(c.placement) });
      return summarizeCell(c, byCell.get(c.id)!, medianOf(plainId));
    });
}

/** The analyze stage: reads manifest.json and raw.csv, writes summary.csv. */
export function analyzeRun(dir: string): SummaryRow[] {
  const paths = runPaths(dir);
  const manifest = readManifest(dir);
  const rows = summarizeRun(manifest.cells, readRawCsv(paths.raw));
  writeFileAtomic(paths.summary, formatSummaryCsv(rows));
  return rows;
}
