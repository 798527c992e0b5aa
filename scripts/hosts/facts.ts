import { type HostFacts } from "../model/hostFacts.ts";
import { ptraceAttach } from "./ptraceAttach.ts";

/** Turn the "key=value" lines of native/facts.sh into HostFacts. */
export function parseFacts(name: string, output: string): HostFacts {
  const kv = new Map<string, string>();
  for (const line of output.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const text = (key: string, fallback = "unknown") => kv.get(key) || fallback;
  const num = (key: string) => {
    const v = Number(kv.get(key));
    return kv.has(key) && kv.get(key) !== "" && Number.isFinite(v) ? v : null;
  };
  const load = (kv.get("load") ?? "").split(/\s+/).map(Number);
  const optional = (key: string) => kv.get(key) || null;
  // intel_pstate says "no turbo", acpi-cpufreq and amd-pstate say "boost".
  const turbo = kv.has("intel_no_turbo") ? kv.get("intel_no_turbo") === "0" : kv.has("cpufreq_boost") ? kv.get("cpufreq_boost") === "1" : null;
  const kernelHz = num("tsc_hz");
  const measuredHz = num("measured_hz");
  const facts: HostFacts = {
    name,
    os: text("os"),
    osRelease: text("os_release", text("os")),
    kernel: text("kernel"),
    arch: text("arch"),
    cpuModel: text("cpu_model"),
    cores: num("cores") ?? 0,
    memoryBytes: num("memory_bytes"),
    tscHz: kernelHz ?? measuredHz,
    tscHzSource:
      kernelHz !== null
        ? text("tsc_hz_source")
        : measuredHz !== null
          ? "measured by tt-tscfreq against CLOCK_MONOTONIC over 0.2 s"
          : "unknown: no kernel figure and no measurement",
    tscFlags: text("tsc_flags", "").split(/\s+/).filter(Boolean),
    tscNote: kv.get("tsc_note") ?? null,
    virtualized: kv.get("virtualized") === "1",
    compiler: text("compiler"),
    loadAverage: load.length === 3 && load.every(Number.isFinite) ? (load as [number, number, number]) : null,
    timerOverheadCycles: null,
    timer: kv.get("measured_timer") ?? null,
    cpuFreqGovernor: optional("cpufreq_governor"),
    cpuFreqDriver: optional("cpufreq_driver"),
    turbo,
    dmiVendor: optional("dmi_sys_vendor"),
    dmiProduct: optional("dmi_product_name"),
    virtDetected: optional("virt_detected"),
    aslr: num("aslr"),
    toolVersions: { bpftrace: optional("bpftrace_version"), perf: optional("perf_version"), auditd: optional("auditd_version"), libbpf: optional("libbpf_version"), clang: optional("clang_version") },
    audit: { status: optional("audit_status"), rules: optional("audit_rules"), enabledThisBoot: kv.get("audit_enabled_this_boot") === "1" },
  };
  return { ...facts, fingerprint: hardwareFingerprint(facts), ptraceAttach: facts.os === "Linux" ? ptraceAttach(kv) : null };
}

/**
 * Memory in GiB to three significant bits (62.7 → 64, 23.4 → 24, 3.8 → 4):
 * Linux's MemTotal leaves out what the kernel reserved, OpenBSD's hw.physmem
 * does not, and the two must agree on one machine.
 */
function roughGiB(bytes: number): number {
  const gib = bytes / 2 ** 30;
  const step = 2 ** (Math.floor(Math.log2(gib)) - 2);
  return Math.round(gib / step) * step;
}

/**
 * What identifies the hardware whatever OS runs on it, rounded against
 * calibration noise (the TSC to two significant digits): a dual-boot machine
 * must show the same fingerprint under both personalities.
 */
export function hardwareFingerprint(f: Pick<HostFacts, "cpuModel" | "cores" | "memoryBytes" | "tscHz">): string {
  const memory = f.memoryBytes ? `${roughGiB(f.memoryBytes)} GiB` : "memory unknown";
  const tsc = f.tscHz ? `TSC ${(f.tscHz / 1e9).toPrecision(2)} GHz` : "TSC unknown";
  return `${f.cpuModel.replace(/\s+/g, " ").trim()}; ${f.cores} cores; ${memory}; ${tsc}`;
}

/**
 * Whether two sets of facts come from the same hardware, as a machine's
 * personalities must: the same CPU model and online CPUs, memory within 10%
 * and the TSC within 2%. Compared as numbers, not as fingerprints: two
 * kernels reserve different amounts of memory, and rounding puts a boundary
 * somewhere (a 1 GiB VM reports 0.93 GiB under Linux 6.1, 0.95 under 6.12).
 */
export function sameHardware(a: HostFacts, b: HostFacts): boolean {
  const near = (x: number | null, y: number | null, share: number) => x === null || y === null || Math.abs(x - y) <= share * Math.max(x, y);
  const model = (f: HostFacts) => f.cpuModel.replace(/\s+/g, " ").trim();
  return model(a) === model(b) && a.cores === b.cores && near(a.memoryBytes, b.memoryBytes, 0.1) && near(a.tscHz, b.tscHz, 0.02);
}
