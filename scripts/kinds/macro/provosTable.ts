import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { MacroSummaryRow } from "./macroRows.ts";
import { html, table, type Html } from "../../render/html.ts";
import { formatRatio } from "../../render/format.ts";

/** A row of frame 14 (Provos 2002), as transcribed in provos2002.csv. */
interface ProvosRow {
  command: string;
  tracer: string;
  real_s: number;
  user_s: number;
  sys_s: number;
}

// Our workloads beside the commands Provos timed.
const PROVOS_COMMAND: Record<string, string> = { find: "find /usr/src/ >/dev/null", gzip: "gzip -9 test.bin" };

function readProvos(referenceDir: string): ProvosRow[] {
  const records: Record<string, string>[] = parse(readFileSync(join(referenceDir, "provos2002.csv")), { columns: true, skip_empty_lines: true });
  return records.map((r) => ({ command: r.command, tracer: r.tracer, real_s: Number(r.real_s), user_s: Number(r.user_s), sys_s: Number(r.sys_s) }));
}

const seconds = (v: number | null | undefined) => (v === null || v === undefined ? "—" : v.toFixed(v < 10 ? 3 : 1));

/** Whether the summary holds a workload of frame 14. */
export function hasProvosWorkloads(summary: MacroSummaryRow[]): boolean {
  return summary.some((r) => r.workload in PROVOS_COMMAND);
}

/**
 * Frame 14 with our medians beside the published seconds: plain beside
 * Provos' plain, every traced mechanism beside systrace, and each one's real
 * time as a ratio of its own plain run, which compares across machines.
 */
export function provosTable(summary: MacroSummaryRow[], referenceDir: string): Html {
  const published = readProvos(referenceDir);
  const rows = summary
    .filter((r) => r.workload in PROVOS_COMMAND)
    .map((r) => {
      const command = PROVOS_COMMAND[r.workload];
      const theirs = published.find((p) => p.command === command && p.tracer === (r.mechanism === "none" ? "none" : "systrace"));
      const theirPlain = published.find((p) => p.command === command && p.tracer === "none");
      const ourPlain = summary.find((s) => s.workload === r.workload && s.mechanism === "none");
      const ratio = (x?: number | null, plain?: number | null) => (x && plain ? formatRatio(x / plain) : "—");
      return [
        r.workload,
        r.mechanism,
        `${r.runs - r.failed} of ${r.runs}`,
        seconds(r.real_median),
        seconds(r.user_median),
        seconds(r.sys_median),
        ratio(r.real_median, ourPlain?.real_median),
        theirs ? `${command} (${theirs.tracer})` : "—",
        seconds(theirs?.real_s),
        seconds(theirs?.user_s),
        seconds(theirs?.sys_s),
        ratio(theirs?.real_s, theirPlain?.real_s),
      ];
    });
  return html`<p>Frame 14 of the slides: Provos (2002) timed <code>find /usr/src</code> and <code>gzip -9</code> plain and under
systrace. Ours: medians of the runs that exited 0, seconds of wall time (real) and of CPU time of the workload's process
tree (user, sys). The tree and the file are generated from the spec's seed, so absolute times differ from Provos'
machine; the ratio of real time to the plain run is what compares.</p>
${table(["workload", "mechanism", "runs ok", "real", "user", "sys", "real ÷ plain", "Provos 2002", "real", "user", "sys", "real ÷ plain"], rows, "numbers")}`;
}
