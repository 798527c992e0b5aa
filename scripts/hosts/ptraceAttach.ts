const CAP_SYS_PTRACE = 19n;

/**
 * Whether a tracer may attach to the benchmark by PID on a Linux host, from
 * facts.sh's ptrace_scope (Yama), uid and cap_eff (the effective capability
 * mask, hex). The benchmark names its tracer with PR_SET_PTRACER, which is
 * all Yama's scope 1 asks for.
 */
export function ptraceAttach(kv: Map<string, string>): { allowed: boolean; why: string } {
  const scope = kv.get("ptrace_scope") || null;
  const capEff = kv.get("cap_eff") || null;
  const capable = capEff !== null ? ((BigInt(`0x${capEff}`) >> CAP_SYS_PTRACE) & 1n) === 1n : kv.get("uid") === "0";
  const who = `uid ${kv.get("uid") ?? "unknown"}${capable ? ", with CAP_SYS_PTRACE" : ", without CAP_SYS_PTRACE"}`;
  switch (scope) {
    case null:
      return { allowed: true, why: `no Yama: classic ptrace permissions (same user or CAP_SYS_PTRACE; ${who})` };
    case "0":
      return { allowed: true, why: `Yama ptrace_scope 0: classic ptrace permissions (${who})` };
    case "1":
      return { allowed: true, why: `Yama ptrace_scope 1: the benchmark names its tracer with PR_SET_PTRACER (${who})` };
    case "2":
      return capable
        ? { allowed: true, why: `Yama ptrace_scope 2: attaching needs CAP_SYS_PTRACE, which this user has (${who})` }
        : { allowed: false, why: `Yama ptrace_scope 2: attaching needs CAP_SYS_PTRACE, which this user lacks (${who})` };
    case "3":
      return { allowed: false, why: "Yama ptrace_scope 3: attaching is disabled until the next reboot" };
    default:
      return { allowed: false, why: `unknown Yama ptrace_scope ${scope}` };
  }
}
