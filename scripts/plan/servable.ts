import type { HostFacts } from "../results/manifest.ts";
import type { Tracer } from "../spec/vocabulary.ts";

/** Why a host cannot serve a tracer at all (the cell is then skipped), or null. */
export function whyTracerUnavailable(tracer: Tracer, facts: Pick<HostFacts, "os" | "osRelease" | "kernel">): string | null {
  switch (tracer) {
    case "none":
      return null;
    case "ptrace":
      return facts.os === "Linux"
        ? null
        : `ptrace with PTRACE_SYSCALL is Linux's; ${facts.os} offers only single-stepping (the paper measured ptrace on Linux only)`;
    case "systrace": {
      if (facts.os !== "OpenBSD") return `systrace is an OpenBSD kernel facility (up to OpenBSD 5.9); this host runs ${facts.os}`;
      const release = Number.parseFloat(facts.kernel);
      return release >= 6.0 ? `systrace was removed in OpenBSD 6.0; this host runs OpenBSD ${facts.kernel.split(" ")[0]}` : null;
    }
  }
}
