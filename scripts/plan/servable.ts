import { type HostFacts } from "../model/hostFacts.ts";
import { MECHANISMS, mechanismOf, type Tracer } from "../model/vocabulary.ts";

/**
 * Why a host's operating system cannot serve a tracer at all (its cells are
 * then skipped), or null. What the kernel of a Linux host allows is found out
 * by probing it (run/probeMechanisms.ts), not guessed from version numbers.
 */
export function whyTracerUnavailable(tracer: Tracer, facts: Pick<HostFacts, "os" | "osRelease" | "kernel">): string | null {
  const mechanism = mechanismOf(tracer);
  const needs = MECHANISMS[mechanism].os;
  if (needs === "any" || needs === facts.os) {
    if (needs !== "OpenBSD") return null;
    const release = Number.parseFloat(facts.kernel);
    return release >= 6.0 ? `systrace was removed in OpenBSD 6.0; this host runs OpenBSD ${facts.kernel.split(" ")[0]}` : null;
  }
  if (needs === "OpenBSD") return `systrace is an OpenBSD kernel facility (up to OpenBSD 5.9); this host runs ${facts.os}`;
  if (mechanism === "ptrace") {
    return `ptrace with PTRACE_SYSCALL is Linux's; ${facts.os} offers only single-stepping (the paper measured ptrace on Linux only)`;
  }
  return `${mechanism} is a Linux kernel mechanism; this host runs ${facts.os}`;
}
