import { hostWarnings, WARNING_MEANINGS } from "../analyze/warnings.ts";
import { type HostFacts } from "../model/hostFacts.ts";
import { formatNumber } from "./format.ts";
import { factsTable, html, type Html } from "./html.ts";
import { warningBadge } from "./warningView.ts";

/** A fact the host did not expose, or that a manifest from before it was gathered lacks. */
function orUnknown(value: string | null | undefined): string {
  return value ? value : "not exposed";
}

function turboText(turbo: boolean | null | undefined): string {
  if (turbo === true) return "on";
  if (turbo === false) return "off";
  return "not exposed";
}

function factsOf(facts: HostFacts): Html {
  return factsTable([
    ["OS", facts.os],
    ["OS release", facts.osRelease],
    ["kernel", facts.kernel],
    ["architecture", facts.arch],
    ["CPU model", facts.cpuModel],
    ["cores", facts.cores],
    ["memory", facts.memoryBytes === null ? "unknown" : `${formatNumber(facts.memoryBytes)} bytes`],
    ["TSC frequency", `${facts.tscHz === null ? "unknown" : `${formatNumber(facts.tscHz)} Hz`} (${facts.tscHzSource})`],
    ["TSC flags", facts.tscFlags.join(" ") || "none reported"],
    ["TSC note", facts.tscNote ?? "none"],
    ["frequency governor", `${orUnknown(facts.cpuFreqGovernor)}${facts.cpuFreqDriver ? ` (driver ${facts.cpuFreqDriver})` : ""}`],
    ["turbo / boost", turboText(facts.turbo)],
    ["virtualized", facts.virtualized ? "yes (hypervisor flag set)" : "no hypervisor flag"],
    ["virtualization detected", orUnknown(facts.virtDetected)],
    ["DMI vendor, product", facts.dmiVendor || facts.dmiProduct ? `${orUnknown(facts.dmiVendor)}, ${orUnknown(facts.dmiProduct)}` : "not exposed"],
    ["compiler", facts.compiler],
    ["load average (1, 5, 15 min)", facts.loadAverage?.join(", ") ?? "unknown"],
    ["timer overhead", facts.timerOverheadCycles === null ? "unknown" : `${formatNumber(facts.timerOverheadCycles)} cycles (recorded, not subtracted)`],
    ["timer", facts.timer ?? "unknown"],
  ]);
}

function hostWarningList(facts: HostFacts): Html {
  const found = hostWarnings(facts);
  if (found.length === 0) return html`<p class="clean">No host warnings: none of the checks (see Methodology) found a problem in the facts this host exposed.</p>`;
  return html`<ul class="warnings">
${found.map((w) => html`<li>${warningBadge(w.code)} ${WARNING_MEANINGS[w.code]} <span class="evidence">(${w.evidence})</span></li>\n`)}</ul>`;
}

/** The host's facts gathered before measuring, and what in them makes its numbers less trustworthy. */
export function environmentSection(facts: HostFacts | undefined): Html {
  if (!facts) return html`<p>No facts were gathered for this host (it failed before measuring).</p>`;
  return html`<h4>Warnings about this host</h4>
${hostWarningList(facts)}
${factsOf(facts)}`;
}
