import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { MachineRecord, PersonalityBoot } from "../model/machineRecord.ts";
import type { SummaryRow } from "../results/summaryCsv.ts";
import { formatNumber, formatRatio } from "./format.ts";
import { html, slug, table, type Html } from "./html.ts";
import type { RunData } from "./runData.ts";

/** Gregg's rate: the system calls per second per CPU at which he put KPTI's cost at about 2%. */
const GREGG_RATE = 50_000;

interface Anchor {
  source: string;
  setting: string;
  quantity: string;
  value: number;
  unit: string;
}

/** results/reference/kpti2018.csv, where the run's reference copy has it (runs before it was added do not). */
function readAnchors(referenceDir: string): Anchor[] {
  const path = join(referenceDir, "kpti2018.csv");
  if (!existsSync(path)) return [];
  const rows: Record<string, string>[] = parse(readFileSync(path), { columns: true, skip_empty_lines: true });
  return rows.map((r) => ({ source: r.source, setting: r.setting, quantity: r.quantity, value: Number(r.value), unit: r.unit }));
}

const pti = (b: PersonalityBoot) => /\bPTI\b/.test(b.vulnerabilities.meltdown ?? "");

/** How the machine ran, and so what its cycles are. */
function powerSentence(record: MachineRecord): Html {
  const p = record.power;
  if (p?.controller === "qemu" && p.accelerator === "tcg") {
    return html`<p><b>These are emulated timings.</b> ${p.qemu} ran this machine with its software emulator (TCG,
${p.cpus} virtual CPUs, ${p.memoryMiB} MiB). Its time-stamp counter advances as the emulator translates and runs the
guest's code, so the cycles below show the mechanics — real reboots through firmware and GRUB, each boot proven, the
cells of each personality measured in it — and how the personalities differ from one another under emulation, not
what a mitigation costs on a real CPU.</p>`;
  }
  if (p?.controller === "qemu") {
    return html`<p>${p.qemu} ran this machine on the host's CPU with KVM (${p.cpus} virtual CPUs, ${p.memoryMiB} MiB):
hardware timings of a guest, with a hypervisor below every system call.</p>`;
  }
  if (p?.controller === "command") return html`<p>A physical machine, switched on and off by its power commands.</p>`;
  return html`<p>A machine found running; tracetax switched it between personalities with their boot commands.</p>`;
}

/** Whether page-table isolation was on, and which mitigations really differed between the boots. */
function mitigationsSentence(boots: [string, PersonalityBoot][], emulated: boolean): Html {
  const keys = [...new Set(boots.flatMap(([, b]) => Object.keys(b.vulnerabilities)))].sort();
  const differing = keys.filter((k) => new Set(boots.map(([, b]) => b.vulnerabilities[k] ?? "not reported")).size > 1);
  const differences =
    differing.length === 0
      ? html`<p>Every personality reports the same state for every vulnerability the kernel lists: no mitigation differs between these boots.</p>`
      : html`<p>What differs between the boots, as their kernels report it:</p>
${table(["vulnerability", ...boots.map(([name]) => name)], differing.map((k) => [k, ...boots.map(([, b]) => b.vulnerabilities[k] ?? "not reported")]))}`;
  const withPti = boots.filter(([, b]) => pti(b)).map(([name]) => name);
  const meltdown = [...new Set(boots.map(([, b]) => b.vulnerabilities.meltdown ?? "not reported"))].join(", ");
  const ptiText =
    withPti.length === 0
      ? html`<p><b>No personality ran with page-table isolation (PTI).</b> Every boot reports Meltdown as “${meltdown}”,
so the kernel never turned PTI on${emulated ? " (the emulated CPU declares itself not affected)" : ""}. The published PTI
figures below were measured with PTI on: beside these boots they are context, not a comparison of the same thing.</p>`
      : html`<p>PTI was on in ${withPti.join(", ")} and off in ${boots.filter(([, b]) => !pti(b)).map(([name]) => name).join(", ") || "none"}.</p>`;
  return html`${ptiText}\n${differences}`;
}

function bootTable(boots: [string, PersonalityBoot][]): Html {
  const rows = boots.map(([name, b]) => [name, b.host, `${b.os} ${b.kernel}`, html`<code>${b.cmdline}</code>`, b.bootId, b.vulnerabilities.meltdown ?? "not reported", b.vulnerabilities.spectre_v2 ?? "not reported"]);
  return table(["personality", "host", "kernel", "command line", "boot id", "meltdown", "spectre_v2"], rows);
}

function switchTable(record: MachineRecord): Html {
  const rows = record.switches.map((s) => [
    s.at.replace("T", " ").replace(/\.\d+Z$/, "Z"),
    s.how,
    s.wanted ?? "—",
    s.cameUp ?? "—",
    s.outcome,
    `${s.seconds} s`,
    s.kernel ?? "—",
    s.bootId ?? "—",
    s.reason ?? "",
  ]);
  return table(["at", "how", "asked for", "came up", "outcome", "time to answer", "kernel", "boot id", "reason"], rows);
}

/** Each cell's median under every personality, and its ratio to the first personality's. */
function sideBySide(boots: [string, PersonalityBoot][], summary: SummaryRow[]): Html {
  const of = (host: string) => summary.filter((r) => r.host === host);
  const key = (r: SummaryRow) => `${r.call}|${r.fd}|${r.tracer}|${r.placement}`;
  const medians = boots.map(([, b]) => new Map(of(b.host).map((r) => [key(r), r.median])));
  const keys = [...new Set(boots.flatMap(([, b]) => of(b.host).map(key)))];
  if (keys.length === 0) return html`<p>No cell of this machine was measured.</p>`;
  const [first, ...others] = boots;
  const rows = keys.map((k) => {
    const values = medians.map((m) => m.get(k));
    const ratios = values.slice(1).map((v) => (v !== undefined && values[0] !== undefined && values[0] > 0 ? formatRatio(v / values[0]) : "—"));
    return [...k.split("|"), ...values.map((v) => (v === undefined ? "—" : formatNumber(v))), ...ratios];
  });
  return html`<p>Median cycles per call (trials pooled, from <code>summary.csv</code>) under each personality, and each
personality's median ÷ ${first[0]}'s.</p>
${table(["call", "fd", "tracer", "placement", ...boots.map(([name]) => name), ...others.map(([name]) => `${name} ÷ ${first[0]}`)], rows, "numbers")}`;
}

/** getppid() plain beside the published figures, and what the difference would cost at Gregg's rate. */
function anchorsPart(boots: [string, PersonalityBoot][], run: RunData, anchors: Anchor[]): Html {
  const getppid = (host: string) => run.summary.find((r) => r.host === host && r.call === "getppid" && r.tracer === "none" && r.placement === "unpinned");
  const measured = boots.flatMap(([name, b]) => {
    const row = getppid(b.host);
    return row ? [{ name, boot: b, cycles: row.median, tscHz: run.manifest.hosts[b.host]?.tscHz ?? null }] : [];
  });
  if (measured.length === 0 || anchors.length === 0) return html``;
  const otc = anchors.filter((a) => a.source === "otc2018");
  const gregg = anchors.find((a) => a.source === "gregg2018");
  const rows = [
    ...otc.map((a) => ["Open Telekom Cloud, 2018", a.setting, formatNumber(a.value)]),
    ...measured.map((m) => ["this run", `${m.name} (meltdown: ${m.boot.vulnerabilities.meltdown ?? "not reported"})`, formatNumber(m.cycles)]),
  ];
  // The boot with the fewest defences is the baseline: mitigations=off where a personality asked for it.
  const base = measured.find((m) => m.boot.cmdline.split(/\s+/).includes("mitigations=off")) ?? measured[0];
  const shares = measured
    .filter((m) => m !== base && m.tscHz)
    .map((m) => {
      const extra = m.cycles - base.cycles;
      const share = (extra * GREGG_RATE * 100) / m.tscHz!;
      return [m.name, base.name, formatNumber(extra), extra > 0 ? `${share.toFixed(2)}%` : "no extra cost measured", gregg ? `about ${gregg.value}% (KPTI)` : "—"];
    });
  return html`<h4>getppid() beside the published figures</h4>
${table(["source", "setting", "getppid(), median cycles"], rows)}
${
  shares.length === 0
    ? html``
    : html`<p>The extra cycles of each boot's getppid() over ${base.name}'s, as the share of a CPU they would take at
${formatNumber(GREGG_RATE)} system calls per second (cycles × rate ÷ TSC frequency), beside Gregg's estimate for KPTI at that rate.</p>
${table(["personality", "against", "extra cycles per call", `CPU share at ${formatNumber(GREGG_RATE)}/s`, "Gregg 2018"], shares)}`
}`;
}

/** Under between-blocks: which boot measured which blocks, and where to read the variation from boot to boot. */
function windowsPart(record: MachineRecord): Html {
  if (!record.windows?.length) return html``;
  return html`<h4>Blocks by boot</h4>
<p>Every window of blocks was measured in a boot of its own, started by this run. The cell tables give the variation between
boots ("SD between boots") beside that between the processes of one boot, and the intervals draw whole boots.</p>
${table(["personality", "blocks", "boot id"], record.windows.map((w) => [w.personality, w.first === w.last ? `${w.first}` : `${w.first}–${w.last}`, w.bootId]))}`;
}

const machineAnchor = (name: string) => `machine-${slug(name)}`;

/** One section per machine with personalities: how it ran, what each boot was, the cells side by side, the published anchors. */
export function machinesSections(run: RunData, referenceDir: string): { contents: Html[]; markup: Html } {
  const machines = Object.entries(run.manifest.machines ?? {});
  const anchors = readAnchors(referenceDir);
  const markup = machines.map(([name, record]) => {
    const boots = Object.entries(record.personalities);
    const emulated = record.power?.controller === "qemu" && record.power.accelerator === "tcg";
    return html`<section id="${machineAnchor(name)}">
<h2>Machine ${name}: its personalities side by side</h2>
${powerSentence(record)}
<p>Reboot mode: ${record.reboot}. Each personality below was proven by the boot it ran in: a boot id of its own, and the
kernel release and command-line words the inventory asks of it${record.windows?.length ? " (the last of its boots is shown)" : ""}.</p>
${boots.length > 0 ? bootTable(boots) : html`<p>No personality of this machine came up.</p>`}
${windowsPart(record)}
${boots.length > 0 ? mitigationsSentence(boots, emulated) : ""}
${sideBySide(boots, run.summary)}
${anchorsPart(boots, run, anchors)}
<h4>Every boot of the run</h4>
${switchTable(record)}
</section>`;
  });
  return { contents: machines.map(([name]) => html`<a href="#${machineAnchor(name)}">Machine ${name}</a>`), markup: html`${markup}` };
}
