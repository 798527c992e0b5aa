import { type CellRecord } from "../model/cell.ts";
import { type MicroManifest } from "../model/manifest.ts";
import { html, table, type Html } from "./html.ts";

function cellName(cell: CellRecord): string {
  return `${cell.host}: ${cell.call}, ${cell.fd} fd, ${cell.tracer}, ${cell.placement}`;
}

/** Every cell of the run with its status and, where it has one, the reason. */
export function cellStatusTable(cells: CellRecord[]): Html {
  const rows = cells.map((c) => [c.host, c.call, c.fd, c.tracer, c.placement, c.trials, c.rounds, c.status, c.reason ?? ""]);
  return table(["host", "call", "fd", "tracer", "placement", "trials", "rounds", "status", "reason"], rows, "cells");
}

/** Skipped and failed cells grouped by their reason, and the missing OpenBSD host if there was none. */
export function notMeasured(manifest: MicroManifest): Html {
  const byReason = new Map<string, CellRecord[]>();
  for (const cell of manifest.cells.filter((c) => c.status === "skipped" || c.status === "failed")) {
    const key = `${cell.status}: ${cell.reason ?? "no reason recorded"}`;
    byReason.set(key, [...(byReason.get(key) ?? []), cell]);
  }
  const groups = [...byReason].map(
    ([reason, cells]) => html`<li><b>${reason}</b><ul>${cells.map((c) => html`<li>${cellName(c)}</li>`)}</ul></li>\n`,
  );
  const openBsdMeasured = Object.values(manifest.hosts).some((h) => /openbsd/i.test(h.os));
  const pending = manifest.cells.filter((c) => c.status === "pending");
  return html`${groups.length > 0 ? html`<ul class="reasons">\n${groups}</ul>` : html`<p>Every cell of the spec was measured.</p>`}
${pending.length > 0 ? html`<p>${pending.length} cells were still pending when the run stopped${manifest.stoppedBecause ? html` (${manifest.stoppedBecause})` : ""}.</p>` : ""}
${
  openBsdMeasured
    ? ""
    : html`<p>No OpenBSD host was measured in this run. systrace exists only in OpenBSD up to 5.9, so there is no
systrace number of ours; the slides' systrace numbers (OpenBSD 4.3) stand alone in the comparison tables. Our systrace
tracer (<code>tt-systrace</code>) has not yet been compiled or run on such a machine.</p>`
}`;
}
