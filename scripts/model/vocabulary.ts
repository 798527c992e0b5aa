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
 * only fail; systrace has no whole-program runner). `filter`: the calls it
 * intercepts are selected by a list it is given (a seccomp filter, strace's
 * -e trace=), so "@call" can make it select another call than the measured
 * one, which then runs past it untraced.
 */
export const MECHANISMS = {
  none: { tracerProcess: false, handlers: false, os: "any", macro: true, filter: false },
  ptrace: { tracerProcess: true, handlers: true, os: "Linux", macro: true, filter: false },
  "ptrace-seccomp": { tracerProcess: true, handlers: true, os: "Linux", macro: true, filter: true },
  "seccomp-allow": { tracerProcess: false, handlers: false, os: "Linux", macro: true, filter: true },
  "seccomp-errno": { tracerProcess: false, handlers: false, os: "Linux", macro: false, filter: true },
  "seccomp-notify": { tracerProcess: true, handlers: true, os: "Linux", macro: true, filter: true },
  sud: { tracerProcess: false, handlers: true, os: "Linux", macro: true, filter: false },
  preload: { tracerProcess: false, handlers: true, os: "Linux", macro: true, filter: false },
  strace: { tracerProcess: true, handlers: false, os: "Linux", macro: true, filter: false },
  "strace-seccomp": { tracerProcess: false, handlers: false, os: "Linux", macro: true, filter: true },
  systrace: { tracerProcess: true, handlers: false, os: "OpenBSD", macro: false, filter: false },
  "systrace-permit": { tracerProcess: true, handlers: false, os: "OpenBSD", macro: false, filter: false },
  "ebpf-count": { tracerProcess: true, handlers: false, os: "Linux", macro: true, filter: false },
  "ebpf-ringbuf": { tracerProcess: true, handlers: true, os: "Linux", macro: true, filter: false },
  bpftrace: { tracerProcess: true, handlers: false, os: "Linux", macro: true, filter: false },
  "perf-trace": { tracerProcess: true, handlers: false, os: "Linux", macro: false, filter: false },
  ftrace: { tracerProcess: true, handlers: false, os: "Linux", macro: true, filter: false },
  audit: { tracerProcess: true, handlers: false, os: "Linux", macro: false, filter: false },
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

/**
 * A tracer as specs and CSVs name it: a mechanism, with ":inspect" (or
 * ":null", the default) where it has handlers, and "@call" where its filter
 * is to select that call's system calls instead of the measured call's.
 */
export type Tracer = string;

export interface TracerParts {
  mechanism: Mechanism;
  handler: Handler | null;
  /** The call its filter selects instead of the measured one; absent or null: the measured call. */
  filterCall?: Call | null;
}

/** Split "mechanism[:handler][@call]"; a message saying what is wrong, or the parts. */
export function parseTracer(name: string): TracerParts | string {
  const at = name.indexOf("@");
  const head = at < 0 ? name : name.slice(0, at);
  const [mechanism, handler, ...rest] = head.split(":");
  if (!(mechanism in MECHANISMS)) return `unknown mechanism "${mechanism}" (known: ${MECHANISM_NAMES.join(", ")})`;
  const m = mechanism as Mechanism;
  if (handler !== undefined && !MECHANISMS[m].handlers) {
    return `mechanism "${m}" has no handlers (${MECHANISM_NAMES.filter((n) => MECHANISMS[n].handlers).join(", ")} have)`;
  }
  if (handler !== undefined && (rest.length > 0 || !(HANDLERS as readonly string[]).includes(handler))) {
    return `unknown handler "${head.slice(m.length + 1)}" of ${m} (known: ${HANDLERS.join(", ")})`;
  }
  const parts = { mechanism: m, handler: (handler as Handler | undefined) ?? (MECHANISMS[m].handlers ? "null" : null) };
  if (at < 0) return parts;
  const call = name.slice(at + 1);
  if (!MECHANISMS[m].filter) {
    return `mechanism "${m}" has no filter to select another call by "@${call}" (${MECHANISM_NAMES.filter((n) => MECHANISMS[n].filter).join(", ")} have)`;
  }
  if (!(CALLS as readonly string[]).includes(call)) return `unknown call "${call}" after "@" (known: ${CALLS.join(", ")})`;
  return { ...parts, filterCall: call as Call };
}

/** The mechanism of a tracer name already validated by the spec. */
export function mechanismOf(tracer: Tracer): Mechanism {
  return tracer.split(/[:@]/)[0] as Mechanism;
}

/** The call a validated tracer's filter selects instead of the measured one ("@call"), or null. */
export function filterCallOf(tracer: Tracer): Call | null {
  const at = tracer.indexOf("@");
  return at < 0 ? null : (tracer.slice(at + 1) as Call);
}

/** The canonical spelling: the null handler is the default and is not written. */
export function canonicalTracer(parts: TracerParts): Tracer {
  return `${parts.mechanism}${parts.handler === "inspect" ? ":inspect" : ""}${parts.filterCall ? `@${parts.filterCall}` : ""}`;
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

/**
 * The system calls each call makes, as native/calls.c gives them to the
 * filters (x86-64 Linux, glibc: stat and fstat both use newfstatat), so a
 * filter selecting one call may select part of another.
 */
const SYSTEM_CALLS: Record<Call, readonly string[]> = {
  open: ["openat", "open"],
  write: ["write"],
  close: ["close"],
  "open-write-close": ["write", "close", "openat", "open"],
  getppid: ["getppid"],
  read: ["read"],
  stat: ["newfstatat", "stat"],
  fstat: ["newfstatat", "fstat"],
};

/**
 * What a correct round returns: "ok" or the errno name, calls of a sequence
 * joined by ";". Under seccomp-errno a call fails with FILTER_ERRNO where
 * the filter selects its system calls: the measured call's, or with "@call"
 * that call's, which may leave the measured call returning what it would plain.
 */
export function expectedResult(call: Call, fd: Fd, tracer: Tracer = "none"): string {
  const refused = mechanismOf(tracer) === "seccomp-errno" ? SYSTEM_CALLS[filterCallOf(tracer) ?? call] : [];
  const fails = (c: Call) => SYSTEM_CALLS[c].some((s) => refused.includes(s));
  if (call === "open-write-close") {
    // write and close take the descriptor open returned: -1 when it failed.
    const open = fails("open") ? FILTER_ERRNO : fd === "valid" ? "ok" : "ENOENT";
    const onFile = (c: Call) => (fails(c) ? FILTER_ERRNO : open === "ok" ? "ok" : "EBADF");
    return [open, onFile("write"), onFile("close")].join(";");
  }
  // A valid close() round first opens, untimed, the file it closes: a refused open is the round's result.
  if (fails(call) || (call === "close" && fd === "valid" && fails("open"))) return FILTER_ERRNO;
  return fd === "valid" ? "ok" : call === "open" || call === "stat" ? "ENOENT" : "EBADF";
}
