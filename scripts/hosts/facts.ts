import type { HostFacts } from "../results/manifest.ts";

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
  const kernelHz = num("tsc_hz");
  const measuredHz = num("measured_hz");
  return {
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
  };
}
