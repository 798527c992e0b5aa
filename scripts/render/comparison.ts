import { includesZero } from "../analyze/bootstrap.ts";
import { type CellRecord } from "../model/cell.ts";
import type { SummaryRow } from "../results/summaryCsv.ts";
import type { Placement } from "../model/vocabulary.ts";
import type { PublishedOverhead } from "./reference.ts";
import { findCell, matches } from "./selection.ts";
import { SERIES_TRACER, seriesOverhead, type Overhead } from "./series.ts";

/** One line of the comparison table: our overhead % beside the slides' %. */
export interface Comparison {
  published: PublishedOverhead;
  /** Our overhead in percent; null when not measured. */
  ours: number | null;
  /** How the two compare, or why ours is missing. */
  verdict: string;
}

// Within this factor either way the two numbers are called similar.
const SIMILAR_FACTOR = 2;

/** A label for how our number relates to the published one. */
export function verdict(ours: number, published: number): string {
  if (ours <= 0) return "no overhead measured";
  const ratio = ours / published;
  const factor = `×${ratio.toFixed(1)}`;
  if (ratio <= SIMILAR_FACTOR && ratio >= 1 / SIMILAR_FACTOR) return `similar (${factor})`;
  return ratio > 1 ? `higher ${factor}` : `lower ${factor}`;
}

/** The verdict, unless our 95% interval of the overhead includes zero: then nothing is shown to compare. */
function measuredVerdict(ours: number, overhead: Overhead, published: number): string {
  const { ciLow, ciHigh } = overhead;
  if (ciLow !== null && ciHigh !== null && includesZero({ low: ciLow, high: ciHigh })) {
    return "no measurable overhead (the 95% interval includes zero)";
  }
  return verdict(ours, published);
}

/** Why a published number has nothing of ours beside it. */
function whyNotMeasured(cell: CellRecord | undefined, row: SummaryRow | undefined): string {
  if (!cell) return "not measured: the spec has no such cell";
  if (cell.reason) return `not measured: ${cell.reason}`;
  if (cell.status !== "done") return `not measured: cell ${cell.status}`;
  if (!row) return "not measured: no row in summary.csv";
  return "not measured: no plain cell to compare with";
}

/** Every published number of the slides, with ours from the same call, descriptor and series on one host and placement. */
export function compareWithPublished(
  host: string,
  placement: Placement,
  published: PublishedOverhead[],
  summary: SummaryRow[],
  cells: CellRecord[],
): Comparison[] {
  return published.map((p) => {
    const key = { host, call: p.call, fd: p.fd, tracer: SERIES_TRACER[p.series], placement };
    const row = summary.find((r) => matches(r, key));
    const overhead = row ? seriesOverhead(row, p.series) : null;
    const ours = overhead?.percent ?? null;
    return {
      published: p,
      ours,
      verdict: ours === null ? whyNotMeasured(findCell(cells, key), row) : measuredVerdict(ours, overhead!, p.overheadPercent),
    };
  });
}
