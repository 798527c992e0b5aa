import type { Host } from "./host.ts";
import type { PowerController } from "./powerController.ts";

// A connection lost because the machine itself went away (its QEMU ended)
// says so: the power controller sees the end a moment after ssh does.
const GRACE_MS = 3000;

/** A personality's host on a machine with a power controller: failures carry the machine's end, when that was their cause. */
export function poweredHost(host: Host, power: PowerController | null): Host {
  if (!power) return host;
  const explain = async (failure: string | null, stopped?: boolean) => {
    if (failure === null || stopped) return failure;
    const ended = await power.endedWithin(GRACE_MS);
    return ended ? `${ended}; ${failure}` : failure;
  };
  return {
    name: host.name,
    build: () => host.build(),
    facts: () => host.facts(),
    runBatch: async (batch, o) => {
      const end = await host.runBatch(batch, o);
      return { ...end, failure: await explain(end.failure, o.signal?.aborted) };
    },
    runNative: async (program, args, o) => {
      const run = await host.runNative(program, args, o);
      return { ...run, failure: await explain(run.failure) };
    },
    makeScratch: (runId, localDir) => host.makeScratch(runId, localDir),
    removeScratch: (path) => host.removeScratch(path),
  };
}
