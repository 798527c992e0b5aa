import { formatSummaryCsv, type SummaryRow } from "../results/summaryCsv.ts";
import { MECHANISM_NAMES, mechanismOf, OBSERVERS, type Mechanism, type Tracer } from "../model/vocabulary.ts";
import { figureBlock } from "./figureBlock.ts";
import { familyOf, observingCostSpec } from "./figures/observingCost.ts";
import { formatNumber } from "./format.ts";
import { html, table, type Html } from "./html.ts";
import type { RunData } from "./runData.ts";
import { distinct } from "./selection.ts";

// Observing a call (today's tracing tools) against intercepting it (the
// paper's ptrace and its successors): what each costs per call, beside what
// others published, and what each family can do for that cost.

const observing = (t: Tracer) => OBSERVERS.includes(mechanismOf(t));

/** What a mechanism can do with a call: see its arguments, block it, change it (arguments or result). */
const CAN: Record<Mechanism, [string, string, string]> = {
  none: ["—", "—", "—"],
  ptrace: ["yes", "yes", "yes"],
  "ptrace-seccomp": ["yes", "yes", "yes"],
  "seccomp-allow": ["register values only", "yes (the filter's verdict)", "no"],
  "seccomp-errno": ["register values only", "yes (fails it with an errno)", "no"],
  "seccomp-notify": ["yes", "yes", "result only"],
  sud: ["yes", "yes", "yes"],
  preload: ["yes (libc's calls only)", "yes", "yes"],
  strace: ["yes", "with fault injection", "with fault injection"],
  "strace-seccomp": ["yes", "with fault injection", "with fault injection"],
  systrace: ["yes", "yes", "yes"],
  "systrace-permit": ["no", "yes (kernel-only policy)", "no"],
  "ebpf-count": ["numbers only (counted in the kernel)", "no", "no"],
  "ebpf-ringbuf": ["yes (values; paths copied on :inspect)", "no", "no"],
  bpftrace: ["yes", "no", "no"],
  "perf-trace": ["yes", "no", "no"],
  ftrace: ["yes (values)", "no", "no"],
  audit: ["yes (records)", "no", "no"],
};

/** Compared where the other mechanism figures are: a valid descriptor, the benchmark unpinned. */
const COMPARED = { fd: "valid", placement: "unpinned" } as const;

/** The traced rows this section draws: those with an overhead in ns to put on a log axis. */
function drawnRows(rows: SummaryRow[]): SummaryRow[] {
  return rows.filter((r) => r.tracer !== "none" && r.fd === COMPARED.fd && r.placement === COMPARED.placement && r.overhead_ns !== null && r.overhead_ns > 0);
}

/** The section, where the host measured at least one observer; else nothing. */
export async function observersSection(run: RunData, host: string, outDir: string): Promise<{ markup: Html; files: string[] }> {
  const hostRows = run.summary.filter((r) => r.host === host);
  if (!hostRows.some((r) => observing(r.tracer))) return { markup: html``, files: [] };
  const rows = drawnRows(hostRows);
  const rank = (t: Tracer) => 2 * MECHANISM_NAMES.indexOf(mechanismOf(t)) + (t.endsWith(":inspect") ? 1 : 0);
  const tracers = distinct(rows.map((r) => r.tracer)).sort((a, b) => rank(a) - rank(b));
  const timed = run.observerCosts.filter((p) => p.baseNs !== null && p.tracedNs !== null);
  const figure = await figureBlock(outDir, host, {
    name: "observing-vs-intercepting",
    heading: "Overhead per call by family",
    spec: rows.length > 0 ? observingCostSpec(rows.map((r) => ({ ...r, family: familyOf(observing(r.tracer)) })), timed, tracers, `Observing vs intercepting on ${host}`) : null,
    csv: formatSummaryCsv(rows),
    caption: html`A point is the median overhead of one of our cells in ns per call (traced median minus plain median, same
call, valid descriptor, benchmark unpinned), one per call measured; a cross is a published figure that gives times
(plain and traced, converted to ns per call as <code>results/reference/README.md</code> says), set at the mechanism
closest to what was measured. Published figures given only as ratios are in the table below.
${rows.length === 0 ? "No cell has an overhead in ns (the TSC frequency is unknown, or no overhead is above zero)." : ""}`,
  });
  const mechanisms = distinct(hostRows.map((r) => mechanismOf(r.tracer)).filter((m) => m !== "none")).sort((a, b) => MECHANISM_NAMES.indexOf(a) - MECHANISM_NAMES.indexOf(b));
  const ours = (m: Mechanism) => {
    const own = rows.filter((r) => r.tracer === m);
    return own.length > 0 ? own.map((r) => `${r.call} ${formatNumber(r.overhead_ns!)}`).join(", ") : "—";
  };
  const theirs = (m: Mechanism) =>
    run.observerCosts
      .filter((p) => p.mechanism === m)
      .map((p) => `${p.label}: ×${p.ratio}${p.tracedNs !== null && p.baseNs !== null ? ` (${formatNumber(p.tracedNs - p.baseNs)} ns)` : ""} on ${p.call} [${p.source}]`)
      .join("; ") || "—";
  const capabilities = table(
    ["family", "mechanism", "sees the arguments", "can block a call", "can change a call", "our overhead per call (ns)", "published"],
    mechanisms.map((m) => [familyOf(OBSERVERS.includes(m)), m, ...CAN[m], ours(m), theirs(m)]),
    "capabilities",
  );
  const markup = html`<h3>Observing vs intercepting</h3>
<p>Interception stops the call until a decision is made (a tracer process, a filter, a handler in the process);
observation lets it run and records it, in the kernel (eBPF maps, ring buffers, ftrace, audit) or through a tool that
reads what the kernel records (bpftrace, perf trace, auditd). Observers cannot block or change a call; what they cost
is the kernel's recording plus, where a consumer drains the events as they come, the consumer's competition for the CPUs.</p>
${mechanisms.includes("bpftrace") ? html`<p>bpftrace (${run.manifest.hosts[host]?.toolVersions?.bpftrace ?? "version not recorded"}) is attached to
<code>tracepoint:raw_syscalls:sys_enter</code>, not to the raw tracepoint ebpf-count uses: the bpftrace of Debian 12 has no
<code>rawtracepoint:</code> probes. The tracepoint path formats the event's arguments for every call, so part of bpftrace's cost
beside ebpf-count is that path, not bpftrace.</p>` : ""}
${figure.markup}
${capabilities}`;
  return { markup, files: figure.files };
}
