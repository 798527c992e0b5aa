import type { Host } from "../hosts/host.ts";
import { mechanismOf, type Tracer } from "../model/vocabulary.ts";
import { DriverStream } from "./driverStream.ts";

/**
 * Ask the host's kernel what it allows: each tracer measures three getppid()
 * rounds through the real driver, the same path as a measurement. A tracer
 * whose probe fails (kernel too old, mechanism not permitted, strace not
 * installed) gets the driver's reason; its cells are then skipped, not failed.
 */
export async function probeMechanisms(
  host: Host,
  tracers: Tracer[],
  o: { scratchDir: string; timeoutSeconds: number; onLog: (text: string) => void },
): Promise<Map<Tracer, string>> {
  const wanted = tracers.filter((t) => mechanismOf(t) !== "none");
  const refused = new Map<Tracer, string>();
  if (wanted.length === 0) return refused;
  const probeId = (t: Tracer) => `probe/${t}`;
  const outcomes = new Map<string, string | null>();
  const stream = new DriverStream((cell) => outcomes.set(cell.id, cell.status === "done" ? null : (cell.reason ?? cell.status)));
  const batch = wanted.map((t) => `${probeId(t)} getppid valid ${t} unpinned 1 3 0\n`).join("");
  const end = await host.runBatch(batch, { ...o, onLine: (line) => stream.line(line) });
  for (const t of wanted) {
    const outcome = outcomes.get(probeId(t));
    if (outcome === undefined) refused.set(t, `probe did not finish: ${end.failure ?? "no answer from the driver"}`);
    else if (outcome !== null) refused.set(t, `this host cannot run ${t}: ${outcome}`);
  }
  return refused;
}
