// The names a spec may use. Everything downstream (plan, driver batch, CSV
// columns, figures) speaks these words, so they live in one place.

export const CALLS = ["open", "write", "close", "open-write-close"] as const;
export type Call = (typeof CALLS)[number];

export const FDS = ["valid", "invalid"] as const;
export type Fd = (typeof FDS)[number];

export const TRACERS = ["none", "ptrace", "systrace"] as const;
export type Tracer = (typeof TRACERS)[number];

// Placements of tracer and tracee on CPUs. A plain (untraced) cell has no
// tracer, so its only meaningful placements are "unpinned" and "pinned".
export const PLACEMENTS = ["unpinned", "same-cpu", "cross-cpu"] as const;
export type TracedPlacement = (typeof PLACEMENTS)[number];
export type Placement = TracedPlacement | "pinned";

/** The plain cell a traced cell is compared against runs under the same CPU pinning of the benchmark. */
export function plainPlacementFor(placement: Placement): Placement {
  return placement === "unpinned" ? "unpinned" : "pinned";
}

/** What a correct round of each call returns: "ok" or the errno name, calls of a sequence joined by ";". */
export function expectedResult(call: Call, fd: Fd): string {
  if (fd === "valid") return call === "open-write-close" ? "ok;ok;ok" : "ok";
  switch (call) {
    case "open":
      return "ENOENT";
    case "open-write-close":
      return "ENOENT;EBADF;EBADF";
    default:
      return "EBADF";
  }
}
