import { join, resolve } from "node:path";
import type { Command } from "commander";
import { ProgressDisplay } from "../run/progress.ts";
import { REPO_DIR, runExperiment } from "../run/runExperiment.ts";
import { hostList, positiveInteger } from "./options.ts";
import { isMacroSpec } from "../macro/macroSpec.ts";
import { runMacroCommand } from "./macroRunCommand.ts";

export function addRunCommand(program: Command): void {
  program
    .command("run")
    .description("measure a spec's cells (or a macrobenchmark spec's workloads), then analyse and write the report")
    .argument("<spec>", "experiment spec (YAML)")
    .option("--hosts <file>", "host inventory (YAML) naming lab hosts and dual-boot machines")
    .option("--on <hosts>", "comma-separated hosts instead of the spec's", hostList)
    .option("--rounds <n>", "measured rounds per trial (overrides the spec)", positiveInteger)
    .option("--trials <n>", "trials (processes) per cell (overrides the spec)", positiveInteger)
    .option("--results <dir>", "where run directories go", join(REPO_DIR, "results"))
    .option("--report-root <dir>", "where reports go", join(REPO_DIR, "report"))
    .option("--resume <run-dir>", "measure the cells an interrupted run did not finish, appending to it")
    .option("--no-report", "measure only: skip analysis and report")
    .option("--keep-inputs", "macrobenchmarks: keep the generated tree and file in the run's scratch/ directory")
    .option("--quiet", "print only the final paths")
    .action(async (specPath: string, o) => {
      // Ctrl-C stops measuring cleanly: the driver ends its processes, the manifest says where it
      // stopped. A second one quits at once. (Listeners stay on: with none left, execa's exit hook
      // would re-raise the signal and end the process before the manifest is written.)
      const stop = new AbortController();
      const onSignal = () => (stop.signal.aborted ? process.exit(130) : stop.abort());
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      const display = o.quiet || isMacroSpec(specPath) ? null : new ProgressDisplay(process.stderr);
      try {
        if (isMacroSpec(specPath)) return await runMacroCommand(specPath, o, stop.signal);
        const outcome = await runExperiment({
          specPath,
          on: o.on,
          hostsFile: o.hosts,
          rounds: o.rounds,
          trials: o.trials,
          resultsRoot: resolve(o.results),
          reportRoot: resolve(o.reportRoot),
          report: o.report,
          progress: display?.report,
          signal: stop.signal,
          resume: o.resume ? resolve(o.resume) : undefined,
        });
        display?.finish();
        console.log(`results: ${outcome.runDir}`);
        if (outcome.reportIndex) console.log(`report: ${outcome.reportIndex}`);
        for (const e of outcome.hostErrors) console.error(`tracetax: host ${e}`);
        if (!outcome.complete) console.error("tracetax: the run is incomplete: some cells were not measured");
        if (outcome.failedCells > 0) console.error(`tracetax: ${outcome.failedCells} cell(s) failed; see manifest.json`);
        if (!outcome.complete || outcome.failedCells > 0 || outcome.hostErrors.length > 0) process.exitCode = 1;
      } finally {
        display?.finish();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
