// The names a spec may use. Everything downstream (plan, driver batch, CSV
// columns, figures) speaks these words, so they live in one place.

/** The paper's calls, then lmbench's (getppid is the null call; read takes one byte from /dev/zero). */
export const CALLS = ["open", "write", "close", "open-write-close", "getppid", "read", "stat", "fstat"] as const;
export type Call = (typeof CALLS)[number];

/** Calls without a descriptor or path argument have no invalid variant. */
export function takesDescriptor(call: Call): boolean {
  return call !== "getppid";
}

export const FDS = ["valid", "invalid"] as const;
export type Fd = (typeof FDS)[number];

/**
 * Interception mechanisms, as native/'s registry lists them (tt-driver
 * --list-mechanisms; a test holds the two together). `tracerProcess`: a
 * second process intercepts (so CPU placement matters); otherwise the
 * interception lives in the benchmark's own process or in the kernel.
 * `handlers`: a user-space mechanism that can run the null handler (let the
 * call through) or the inspect handler (read the call's arguments and judge
 * its path): interception vs analysis cost. `macro`: it can run a whole
 * program (seccomp-errno denies the calls it selects, so a program would
 * only fail; systrace has no whole-program runner).
 */
export const MECHANISMS = {
  none: { tracerProcess: false, handlers: false, os: "any", macro: true },
  ptrace: { tracerProcess: true, handlers: true, os: "Linux", macro: true },
  "ptrace-seccomp": { tracerProcess: true, handlers: true, os: "Linux", macro: true },
  "seccomp-allow": { tracerProcess: false, handlers: false, os: "Linux", macro: true },
  "seccomp-errno": { tracerProcess: false, handlers: false, os: "Linux", macro: false },
  "seccomp-notify": { tracerProcess: true, handlers: true, os: "Linux", macro: true },
  sud: { tracerProcess: false, handlers: true, os: "Linux", macro: true },
  preload: { tracerProcess: false, handlers: true, os: "Linux", macro: true },
  strace: { tracerProcess: true, handlers: false, os: "Linux", macro: true },
  "strace-seccomp": { tracerProcess: false, handlers: false, os: "Linux", macro: true },
  systrace: { tracerProcess: true, handlers: false, os: "OpenBSD", macro: false },
  "systrace-permit": { tracerProcess: true, handlers: false, os: "OpenBSD", macro: false },
  "ebpf-count": { tracerProcess: true, handlers: false, os: "Linux", macro: true },
  "ebpf-ringbuf": { tracerProcess: true, handlers: true, os: "Linux", macro: true },
  bpftrace: { tracerProcess: true, handlers: false, os: "Linux", macro: true },
  "perf-trace": { tracerProcess: true, handlers: false, os: "Linux", macro: false },
  ftrace: { tracerProcess: true, handlers: false, os: "Linux", macro: true },
  audit: { tracerProcess: true, handlers: false, os: "Linux", macro: false },
} as const;
export type Mechanism = keyof typeof MECHANISMS;
export const MECHANISM_NAMES = Object.keys(MECHANISMS) as Mechanism[];
/** The mechanisms a macrobenchmark can run a whole program under. */
export const MACRO_MECHANISMS = MECHANISM_NAMES.filter((m) => MECHANISMS[m].macro) as [Mechanism, ...Mechanism[]];

/**
 * What a mechanism does to the machine beyond the measured process (the
 * registry's `global` column): "run", kernel state shared with every other
 * process while it runs (BPF programs, tracepoints, tracefs, audit rules),
 * put back afterwards; "boot", a slowdown the kernel keeps until reboot
 * (audit), so its cells are measured after all others. Unlisted: nothing.
 */
export const GLOBAL_STATE: { readonly [M in Mechanism]?: "run" | "boot" } = {
  "ebpf-count": "run",
  "ebpf-ringbuf": "run",
  bpftrace: "run",
  "perf-trace": "run",
  ftrace: "run",
  audit: "boot",
};
export function globalState(mechanism: Mechanism): "no" | "run" | "boot" {
  return GLOBAL_STATE[mechanism] ?? "no";
}

/**
 * The mechanisms that only watch: today's tracing tools, which see the calls
 * (and, some, their arguments) but cannot block or change them. The others
 * intercept: the call waits for their decision.
 */
export const OBSERVERS: readonly Mechanism[] = ["ebpf-count", "ebpf-ringbuf", "bpftrace", "perf-trace", "ftrace", "audit"];

export const HANDLERS = ["null", "inspect"] as const;
export type Handler = (typeof HANDLERS)[number];

/** A tracer as specs and CSVs name it: a mechanism, with ":inspect" (or ":null", the default) where it has handlers. */
export type Tracer = string;

export interface TracerParts {
  mechanism: Mechanism;
  handler: Handler | null;
}

/** Split "mechanism[:handler]"; a message saying what is wrong, or the parts. */
export function parseTracer(name: string): TracerParts | string {
  const [mechanism, handler, ...rest] = name.split(":");
  if (!(mechanism in MECHANISMS)) return `unknown mechanism "${mechanism}" (known: ${MECHANISM_NAMES.join(", ")})`;
  const m = mechanism as Mechanism;
  if (handler === undefined) return { mechanism: m, handler: MECHANISMS[m].handlers ? "null" : null };
  if (!MECHANISMS[m].handlers) return `mechanism "${m}" has no handlers (${MECHANISM_NAMES.filter((n) => MECHANISMS[n].handlers).join(", ")} have)`;
  if (rest.length > 0 || !(HANDLERS as readonly string[]).includes(handler)) {
    return `unknown handler "${name.slice(m.length + 1)}" of ${m} (known: ${HANDLERS.join(", ")})`;
  }
  return { mechanism: m, handler: handler as Handler };
}

/** The mechanism of a tracer name already validated by the spec. */
export function mechanismOf(tracer: Tracer): Mechanism {
  return tracer.split(":")[0] as Mechanism;
}

/** The canonical spelling: the null handler is the default and is not written. */
export function canonicalTracer(parts: TracerParts): Tracer {
  return parts.handler === "inspect" ? `${parts.mechanism}:inspect` : parts.mechanism;
}

// Placements of tracer and tracee on CPUs. A cell without a tracer process
// has only the benchmark to place: "unpinned" or "pinned".
export const PLACEMENTS = ["unpinned", "same-cpu", "cross-cpu"] as const;
export type TracedPlacement = (typeof PLACEMENTS)[number];
export type Placement = TracedPlacement | "pinned";

/** The placement of the benchmark alone that matches a two-process placement. */
export function plainPlacementFor(placement: Placement): Placement {
  return placement === "unpinned" ? "unpinned" : "pinned";
}

/** The errno seccomp-errno's filter makes the measured calls return. */
export const FILTER_ERRNO = "EPERM";

/** What a correct round returns: "ok" or the errno name, calls of a sequence joined by ";". */
export function expectedResult(call: Call, fd: Fd, tracer: Tracer = "none"): string {
  const calls = call === "open-write-close" ? 3 : 1;
  if (mechanismOf(tracer) === "seccomp-errno") return Array(calls).fill(FILTER_ERRNO).join(";");
  if (fd === "valid") return Array(calls).fill("ok").join(";");
  switch (call) {
    case "open":
    case "stat":
      return "ENOENT";
    case "open-write-close":
      return "ENOENT;EBADF;EBADF";
    default:
      return "EBADF";
  }
}
