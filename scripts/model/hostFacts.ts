/** Facts about one host, gathered before measuring (pyperf-style metadata, kept apart from measurements). */
export interface HostFacts {
  name: string;
  os: string; // uname -s
  osRelease: string; // e.g. Debian 12 (from /etc/os-release) or uname -r on BSD
  kernel: string; // uname -r and -v
  arch: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number | null;
  tscHz: number | null;
  tscHzSource: string; // how tscHz was found, or why it is unknown
  tscFlags: string[]; // cpuinfo flags about the TSC (constant_tsc, nonstop_tsc, rdtscp, ...)
  tscNote: string | null; // what the kernel said about the TSC's reliability, if anything
  virtualized: boolean; // cpuinfo "hypervisor" flag
  compiler: string;
  loadAverage: [number, number, number] | null;
  timerOverheadCycles: number | null; // median cost of an empty timed region, over every trial on this host
  timer: string | null; // which fence/rdtsc sequence the native code used
  // What can make cycles vary between runs; absent in manifests written before they were gathered.
  cpuFreqGovernor?: string | null; // cpufreq scaling governor(s) (Linux) or hw.perfpolicy (OpenBSD); null when not exposed
  cpuFreqDriver?: string | null; // cpufreq scaling driver (Linux)
  turbo?: boolean | null; // turbo/boost enabled (intel_pstate no_turbo, cpufreq boost); null when not exposed
  dmiVendor?: string | null; // /sys/class/dmi/id/sys_vendor or hw.vendor
  dmiProduct?: string | null; // /sys/class/dmi/id/product_name or hw.product
  virtDetected?: string | null; // systemd-detect-virt --vm ("none", "kvm", ...); null where it is not installed
  aslr?: number | null; // address-space randomization: randomize_va_space (0 off, 1 partial, 2 full; OpenBSD 2); null when not exposed
  // CPU model, cores, memory and TSC frequency, rounded so that every OS booted on the same hardware agrees.
  fingerprint?: string;
  // Linux: whether a tracer may attach by PID (Yama ptrace_scope, CAP_SYS_PTRACE) and why; null elsewhere.
  ptraceAttach?: { allowed: boolean; why: string } | null;
  // The observers' tools as they name their versions; null where the tool is not installed.
  toolVersions?: { bpftrace: string | null; perf: string | null; auditd: string | null; libbpf: string | null; clang: string | null };
  // Linux audit: "auditctl -s" and "-l" in a line each, and whether tracetax enabled audit earlier in this boot,
  // which slows every process created since (unless "-a never,task" is in place).
  audit?: { status: string | null; rules: string | null; enabledThisBoot: boolean };
}
