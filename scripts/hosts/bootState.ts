import type { Personality } from "./inventory.ts";

/**
 * What a machine booted, as the machine itself says it: the OS and kernel
 * release, the boot's identity (Linux's random boot_id, else the kernel's
 * boot time), the kernel command line, and what the kernel reports about
 * the CPU's speculative-execution vulnerabilities and their mitigations.
 */
export interface BootState {
  os: string;
  release: string;
  /** Different in every boot: a reboot is proven by a new one. Empty where the OS tells neither. */
  bootId: string;
  cmdline: string;
  /** /sys/devices/system/cpu/vulnerabilities/*, by file name ("meltdown": "Mitigation: PTI"). */
  vulnerabilities: Record<string, string>;
}

// POSIX sh, one "key=value" per line, so that it runs on Linux and the BSDs alike.
export const BOOT_STATE_SCRIPT = [
  'echo "os=$(uname -s)"',
  'echo "release=$(uname -r)"',
  'echo "boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || sysctl -n kern.boottime 2>/dev/null)"',
  'echo "cmdline=$(cat /proc/cmdline 2>/dev/null)"',
  'for f in /sys/devices/system/cpu/vulnerabilities/*; do [ -r "$f" ] && echo "vulnerability.${f##*/}=$(cat "$f")"; done',
  "true",
].join("\n");

export function parseBootState(output: string): BootState {
  const state: BootState = { os: "", release: "", bootId: "", cmdline: "", vulnerabilities: {} };
  for (const line of output.split("\n")) {
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const [key, value] = [line.slice(0, eq), line.slice(eq + 1).trim()];
    if (key.startsWith("vulnerability.")) state.vulnerabilities[key.slice("vulnerability.".length)] = value;
    else if (key === "os") state.os = value;
    else if (key === "release") state.release = value;
    else if (key === "boot_id") state.bootId = value;
    else if (key === "cmdline") state.cmdline = value;
  }
  return state;
}

/** A release pattern with * and ? as wildcards, matched against the whole release. */
function releaseMatches(pattern: string, release: string): boolean {
  const regex = pattern.replace(/[.+]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".");
  return new RegExp(`^${regex}$`).test(release);
}

/**
 * Why a boot is not the personality asked for ("runs Linux, not OpenBSD",
 * "runs kernel 6.1.0-28-amd64, not 6.12.*"), or null when it is.
 */
export function bootMismatch(p: Personality, s: BootState): string | null {
  if (s.os !== p.os) return `runs ${s.os}, not ${p.os}`;
  if (p.kernel !== null && !releaseMatches(p.kernel, s.release)) return `runs kernel ${s.release}, not ${p.kernel}`;
  const words = new Set(s.cmdline.split(/\s+/));
  const missing = p.cmdline.filter((w) => !words.has(w));
  const unwanted = p.cmdlineAbsent.filter((w) => words.has(w));
  if (missing.length > 0 || unwanted.length > 0) {
    const why = [...missing.map((w) => `without ${w}`), ...unwanted.map((w) => `with ${w}`)].join(" and ");
    return `runs kernel ${s.release} booted ${why} (command line "${s.cmdline}")`;
  }
  return null;
}

/** How messages name a boot: "Linux 6.12.41+deb12-amd64". */
export function describeBoot(s: BootState): string {
  return `${s.os} ${s.release}`.trim();
}
