import { resolve } from "node:path";
import { InputError } from "../inputError.ts";
import { runMacro } from "../macro/runMacro.ts";

/** `tracetax run` of a macrobenchmark spec ("kind: macro"), on its hosts or those of --on. */
export async function runMacroCommand(
  specPath: string,
  o: { on?: string[]; hosts?: string; rounds?: number; trials?: number; resume?: string; results: string; reportRoot: string; report: boolean; keepInputs?: boolean; quiet?: boolean },
  signal: AbortSignal,
): Promise<void> {
  const unsupported = [o.rounds && "--rounds", o.trials && "--trials", o.resume && "--resume"].filter(Boolean);
  if (unsupported.length > 0) throw new InputError(`${specPath}: a macrobenchmark spec has repetitions, not rounds or trials, and is not resumed; ${unsupported.join(", ")} do not apply`);
  const outcome = await runMacro({
    specPath,
    hostsFile: o.hosts,
    on: o.on,
    resultsRoot: resolve(o.results),
    reportRoot: resolve(o.reportRoot),
    report: o.report,
    keepInputs: o.keepInputs,
    signal,
    progress: o.quiet ? undefined : (line) => console.error(line),
  });
  console.log(`results: ${outcome.runDir}`);
  if (outcome.reportIndex) console.log(`report: ${outcome.reportIndex}`);
  if (!outcome.complete) console.error("tracetax: the run is incomplete; manifest.json says why");
  if (outcome.failedRuns > 0) console.error(`tracetax: ${outcome.failedRuns} run(s) failed or timed out; see macro.csv`);
  if (!outcome.complete || outcome.failedRuns > 0) process.exitCode = 1;
}
