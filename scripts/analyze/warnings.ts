import { type HostFacts } from "../model/hostFacts.ts";
import { MAX_NOISY_TRIAL_SHARE, MIN_MIGRATIONS, MIN_STEAL_TICKS } from "./noise.ts";
import { MIN_MODE_RATIO, MIN_MODE_SHARE } from "./modes.ts";

// Checks in the spirit of pyperf's `check`: each names something that makes a
// number less trustworthy, with the threshold it was judged by. A warning
// does not remove a number; it says how far to trust it.

/** Fewer pooled rounds than this is called too few: the paper took 51 per measurement. */
export const MIN_ROUNDS = 50;
/** MAD above this share of the median is called high dispersion. */
export const MAX_MAD_SHARE = 0.1;
/** The timer's own cost above this share of the median is called a large share. */
export const MAX_TIMER_SHARE = 0.1;
/** Trials whose medians spread less than this share of the median are not called in disagreement (a TSC tick can be 1%). */
export const MIN_TRIAL_SPREAD_SHARE = 0.01;
/** A 1-minute load average above this many runnable tasks per core is called a loaded host. */
export const MAX_LOAD_PER_CORE = 0.5;

export const CELL_WARNINGS = ["no-median-ci", "few-rounds", "high-dispersion", "timer-share", "bimodal", "trials-disagree", "imprecise", "steal", "migrations"] as const;
export type CellWarning = (typeof CELL_WARNINGS)[number];

export const HOST_WARNINGS = ["host-load", "frequency-scaling", "turbo", "virtualized", "tsc-not-invariant", "tsc-frequency-unknown", "audit-enabled-earlier"] as const;
export type HostWarning = (typeof HOST_WARNINGS)[number];

const percent = (share: number) => `${share * 100}%`;

/** What each warning means, for the report and the README. */
export const WARNING_MEANINGS: Record<CellWarning | HostWarning, string> = {
  "no-median-ci": `fewer than two trials: with one process there is nothing to say how far another process would land, so there is no interval`,
  "few-rounds": `fewer than ${MIN_ROUNDS} rounds pooled over the trials (the paper took 51)`,
  "high-dispersion": `the MAD is more than ${percent(MAX_MAD_SHARE)} of the median: rounds vary widely`,
  "timer-share": `the timer's own cost (an empty timed region) is more than ${percent(MAX_TIMER_SHARE)} of the median`,
  bimodal: `the rounds fall into two modes (each at least ${percent(MIN_MODE_SHARE)} of the rounds, medians at least ${MIN_MODE_RATIO}× apart): the median alone hides that`,
  "trials-disagree": `the trials' medians spread more than the rounds within a trial, and by more than ${percent(MIN_TRIAL_SPREAD_SHARE)} of the median: the benchmark processes differ systematically`,
  imprecise: "the ratio's 95% interval is wider than the precision asked for (±5% unless the spec's precision says otherwise): more blocks would narrow it",
  steal: `in more than ${percent(MAX_NOISY_TRIAL_SHARE)} of the trials the hypervisor stole CPU time (steal ≥ ${MIN_STEAL_TICKS} tick): a neighbour took the machine`,
  migrations: `in more than ${percent(MAX_NOISY_TRIAL_SHARE)} of the trials the benchmark migrated between CPUs ${MIN_MIGRATIONS} times or more`,
  "host-load": `the 1-minute load average before measuring was above ${MAX_LOAD_PER_CORE} per core: other work competed for the CPUs`,
  "frequency-scaling": "the CPU frequency governor is not fixed at performance: the core clock may change while the TSC does not",
  turbo: "turbo/boost is on: the core clock depends on temperature and load, the TSC does not",
  virtualized: "the host is a virtual machine: a hypervisor can intercept, delay and deschedule",
  "tsc-not-invariant": "the TSC is not known to be invariant (constant_tsc and nonstop_tsc missing, or the kernel marked it unstable): cycle counts may not be comparable",
  "tsc-frequency-unknown": "the TSC frequency is unknown: cycles cannot be turned into nanoseconds",
  "audit-enabled-earlier":
    'audit was enabled earlier in this boot (by the audit mechanism): every process created since pays for an audit context on each call unless "-a never,task" is in place',
};

/** The statistics of one cell that the checks look at. */
export interface CellCheckInput {
  n: number;
  median: number;
  mad: number;
  /** The cell has no interval (a single trial). */
  noInterval: boolean;
  timerOverhead: number | null;
  bimodal: boolean;
  betweenTrialSpread: number | null;
  withinTrialMad: number;
  imprecise: boolean;
  steal: boolean;
  migrations: boolean;
}

export function cellWarnings(s: CellCheckInput): CellWarning[] {
  const fired: Record<CellWarning, boolean> = {
    "no-median-ci": s.noInterval,
    "few-rounds": s.n < MIN_ROUNDS,
    "high-dispersion": s.mad > MAX_MAD_SHARE * s.median,
    "timer-share": s.timerOverhead !== null && s.timerOverhead > MAX_TIMER_SHARE * s.median,
    bimodal: s.bimodal,
    "trials-disagree":
      s.betweenTrialSpread !== null && s.betweenTrialSpread > s.withinTrialMad && s.betweenTrialSpread > MIN_TRIAL_SPREAD_SHARE * s.median,
    imprecise: s.imprecise,
    steal: s.steal,
    migrations: s.migrations,
  };
  return CELL_WARNINGS.filter((code) => fired[code]);
}

export interface HostWarningFound {
  code: HostWarning;
  /** The facts that set it off, as the manifest has them. */
  evidence: string;
}

// Names hypervisors put into the DMI vendor or product strings.
const HYPERVISOR_DMI = /qemu|kvm|vmware|virtualbox|innotek|xen|bochs|bhyve|hyper-v|virtual machine|amazon ec2|google compute engine|openstack|parallels/i;

function virtualisationEvidence(f: HostFacts): string[] {
  const dmi = [f.dmiVendor, f.dmiProduct].filter((v): v is string => !!v).join(" ");
  return [
    f.virtualized ? "cpuinfo hypervisor flag" : "",
    f.virtDetected && f.virtDetected !== "none" ? `systemd-detect-virt --vm: ${f.virtDetected}` : "",
    HYPERVISOR_DMI.test(dmi) ? `DMI: ${dmi}` : "",
  ].filter(Boolean);
}

function tscEvidence(f: HostFacts): string[] {
  const missing = f.tscFlags.length > 0 ? ["constant_tsc", "nonstop_tsc"].filter((flag) => !f.tscFlags.includes(flag)) : [];
  return [missing.length > 0 ? `cpuinfo lacks ${missing.join(" and ")}` : "", f.tscNote ?? ""].filter(Boolean);
}

/** Host-wide warnings from the facts gathered before measuring; a fact the host did not expose sets nothing off. */
export function hostWarnings(f: HostFacts): HostWarningFound[] {
  const load = f.loadAverage?.[0];
  const governor = f.cpuFreqGovernor ?? null;
  const found: [HostWarning, string[]][] = [
    ["host-load", load !== undefined && f.cores > 0 && load > MAX_LOAD_PER_CORE * f.cores ? [`load average ${load} on ${f.cores} cores`] : []],
    // "performance" on Linux cpufreq, "high" as OpenBSD's hw.perfpolicy.
    ["frequency-scaling", governor !== null && !/^(performance|high)$/.test(governor) ? [`governor ${governor}`] : []],
    ["turbo", f.turbo === true ? ["turbo/boost enabled"] : []],
    ["virtualized", virtualisationEvidence(f)],
    ["tsc-not-invariant", tscEvidence(f)],
    ["tsc-frequency-unknown", f.tscHz === null ? [f.tscHzSource] : []],
    ["audit-enabled-earlier", f.audit?.enabledThisBoot ? [`audit rules: ${f.audit.rules ?? "unknown"}`] : []],
  ];
  return found.filter(([, evidence]) => evidence.length > 0).map(([code, evidence]) => ({ code, evidence: evidence.join("; ") }));
}
