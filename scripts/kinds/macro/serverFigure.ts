import { stringify } from "csv-stringify/sync";
import type { MacroSummaryRow } from "./macroRows.ts";
import { FIGURE_CONFIG } from "../../render/figures/style.ts";
import type { FigurePlan } from "../../render/hostFigures.ts";
import { html } from "../../render/html.ts";

/** Server throughput and p99 latency per mechanism and call selection, one bar per mode; null when no server workload was run. */
export function serverFigure(summary: MacroSummaryRow[]): FigurePlan | null {
  const rows = summary
    .filter((r) => r.workload.startsWith("server-") && r.rps_median !== null)
    .map((r) => ({
      mode: r.workload.slice("server-".length),
      mechanism: r.calls === "socket" ? `${r.mechanism}, socket` : r.mechanism,
      rps: r.rps_median,
      p99_us: r.p99_us_median,
    }));
  if (rows.length === 0) return null;
  // Horizontal bars: a dozen mechanism names read well down the side, not squeezed along the bottom.
  const bars = (field: string, title: string) => ({
    width: 260,
    height: { step: 24 },
    mark: { type: "bar" as const },
    encoding: {
      y: { field: "mechanism", type: "nominal" as const, title: "mechanism", sort: null, axis: { labelLimit: 300 } },
      yOffset: { field: "mode", type: "nominal" as const },
      x: { field, type: "quantitative" as const, title },
      color: { field: "mode", type: "nominal" as const, title: "connection" },
    },
  });
  return {
    name: "server",
    heading: "Traced network server: throughput and tail latency",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: FIGURE_CONFIG,
      data: { values: rows },
      hconcat: [bars("rps", "requests per second (median of runs)"), bars("p99_us", "p99 latency, µs (median of runs)")],
    },
    csv: stringify(rows, { header: true }),
    caption: html`tt-server on 127.0.0.1 under each mechanism, loaded by tt-load (not traced); keep-alive sends every
request of a client thread on one connection, close opens one per request. ", socket": the mechanism was told to
intercept the socket calls only (accept, accept4, read, recvfrom, recvmsg, write, sendto, sendmsg, close). From <code>macro-summary.csv</code>.`,
  };
}
