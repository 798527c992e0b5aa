import type { TopLevelSpec } from "vega-lite";
import type { SummaryRow } from "../../results/summaryCsv.ts";
import { CALLS, type Call } from "../../model/vocabulary.ts";
import { formatPercent } from "../format.ts";
import { INK, SERIES_COLOURS } from "../palette.ts";
import { SERIES, SERIES_LABELS, SERIES_TRACER, seriesOverhead, type Series } from "../series.ts";
import { errorBarLayer } from "./errorBar.ts";
import { FIGURE_CONFIG } from "./style.ts";

/** One bar of an overhead figure: a summary row seen through one series' columns. */
interface OverheadBar {
  call: Call;
  series: string;
  overhead_cycles: number;
  overhead_percent: number;
  ci_low: number | null;
  ci_high: number | null;
  /** Where the percentage label stands: above the error bar, or above the bar when there is none. */
  label_at: number;
  label: string;
}

/** Reshape traced summary rows into bars; a series whose columns are empty has no bar. */
function overheadBars(rows: SummaryRow[]): OverheadBar[] {
  const bars: OverheadBar[] = [];
  for (const call of CALLS) {
    for (const series of SERIES) {
      const row = rows.find((r) => r.call === call && r.tracer === SERIES_TRACER[series]);
      const overhead = row && seriesOverhead(row, series);
      if (overhead?.cycles == null || overhead.percent == null) continue;
      bars.push({
        call,
        series: SERIES_LABELS[series],
        overhead_cycles: overhead.cycles,
        overhead_percent: overhead.percent,
        ci_low: overhead.ciLow,
        ci_high: overhead.ciHigh,
        label_at: Math.max(overhead.cycles, overhead.ciHigh ?? overhead.cycles),
        label: formatPercent(overhead.percent),
      });
    }
  }
  return bars;
}

/** The series that have at least one bar, in the paper's order. */
export function seriesDrawn(rows: SummaryRow[]): Series[] {
  const drawn = new Set(overheadBars(rows).map((bar) => bar.series));
  return SERIES.filter((series) => drawn.has(SERIES_LABELS[series]));
}

/**
 * Frames 27 and 28 (one descriptor kind each): overhead in cycles with its
 * 95% bootstrap interval as error bars, bars labelled with the overhead in
 * percent as on the slides.
 */
export function overheadSpec(rows: SummaryRow[], title: string): TopLevelSpec {
  const series = seriesDrawn(rows);
  const labels = series.map((s) => SERIES_LABELS[s]);
  // One axis title in every layer (see errorBarLayer).
  const axis = { title: "overhead (cycles)" };
  return {
    config: FIGURE_CONFIG,
    title,
    width: 640,
    height: 320,
    data: { values: overheadBars(rows) },
    encoding: {
      x: { field: "call", type: "nominal", sort: [...CALLS], title: "call" },
      xOffset: { field: "series", type: "nominal", sort: labels, scale: { domain: labels } },
    },
    layer: [
      {
        mark: "bar",
        encoding: {
          y: { field: "overhead_cycles", type: "quantitative", title: "overhead (cycles)", axis },
          color: {
            field: "series",
            type: "nominal",
            title: "overhead",
            scale: { domain: labels, range: series.map((s) => SERIES_COLOURS[s]) },
          },
        },
      },
      errorBarLayer("ci_low", "ci_high", "overhead", axis.title),
      {
        mark: { type: "text", baseline: "bottom", dy: -3, fontSize: 10, color: INK },
        encoding: {
          y: { field: "label_at", type: "quantitative", title: "label position (cycles)", axis },
          text: { field: "label", type: "nominal" },
        },
      },
    ],
  };
}
