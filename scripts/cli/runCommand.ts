import { join, resolve } from "node:path";
import type { Command } from "commander";
import { Fleet } from "../hosts/fleet.ts";
import { loadInventory } from "../hosts/inventory.ts";
import { loadSpec } from "../kinds/registry.ts";
import { DEFAULT_REPORT_DIR, DEFAULT_RESULTS_DIR } from "../model/paths.ts";
import { renderReport } from "../render/report.ts";
import { ProgressDisplay } from "../run/progress.ts";
import { runExperiment } from "../run/runner.ts";
import { hostList, positiveInteger } from "./options.ts";

export function addRunCommand(program: Command): void {
  program
    .command("run")
    .description("measure a spec's cells (micro or macro), then analyse and write the report")
    .argument("<spec>", "experiment spec (YAML)")
    .option("--hosts <file>", "host inventory (YAML) naming lab hosts and dual-boot machines")
    .option("--on <hosts>", "comma-separated hosts instead of the spec's", hostList)
    .option("--rounds <n>", "micro: measured rounds per trial (overrides the spec)", positiveInteger)
    .option("--trials <n>", "micro: trials (blocks) per cell, exactly: overrides the spec's trials, precision goal and spread", positiveInteger)
    .option("--results <dir>", "where run directories go", DEFAULT_RESULTS_DIR)
    .option("--report-root <dir>", "where reports go", DEFAULT_REPORT_DIR)
    .option("--resume <run-dir>", "measure the cells an interrupted run did not finish, appending to it")
    .option("--no-report", "measure only: skip analysis and report")
    .option("--keep-inputs", "macro: keep the generated tree and file in the run's scratch/ directory")
    .option("--table", "print the summary as a table on stdout at the end")
    .option("--quiet", "print only the final paths")
    .action(async (specPath: string, o) => {
      const { kind, spec } = loadSpec(specPath);
      for (const w of spec.warnings) console.error(`tracetax: warning: ${w}`);
      // Ctrl-C stops measuring cleanly: the cell under way ends, the manifest says where it
      // stopped. A second one quits at once. (Listeners stay on: with none left, execa's exit hook
      // would re-raise the signal and end the process before the manifest is written.)
      const stop = new AbortController();
      const onSignal = () => (stop.signal.aborted ? process.exit(130) : stop.abort());
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      const display = o.quiet ? null : new ProgressDisplay(process.stderr);
      try {
        const outcome = await runExperiment({
          kind,
          spec,
          fleet: new Fleet(o.hosts ? loadInventory(o.hosts) : undefined),
          on: o.on,
          overrides: { rounds: o.rounds, trials: o.trials, keepInputs: o.keepInputs },
          resultsRoot: resolve(o.results),
          progress: display?.report,
          signal: stop.signal,
          resume: o.resume ? resolve(o.resume) : undefined,
        });
        let reportIndex: string | null = null;
        if (o.report || o.table) {
          display?.report({ kind: "analysing" });
          kind.analyze(outcome.runDir, outcome.manifest);
        }
        if (o.report) reportIndex = (await renderReport(kind, outcome.runDir, outcome.manifest, join(resolve(o.reportRoot), outcome.manifest.runId))).indexPath;
        display?.finish();
        console.log(`results: ${outcome.runDir}`);
        if (reportIndex) console.log(`report: ${reportIndex}`);
        if (o.table) console.log(kind.table(outcome.runDir, outcome.manifest).join("\n"));
        for (const e of outcome.hostErrors) console.error(`tracetax: host ${e}`);
        if (!outcome.complete) console.error("tracetax: the run is incomplete: some cells were not measured; tracetax run --resume takes it up again");
        if (outcome.failedCells > 0) console.error(`tracetax: ${outcome.failedCells} cell(s) failed; see manifest.json`);
        if (!outcome.complete || outcome.failedCells > 0 || outcome.hostErrors.length > 0) process.exitCode = 1;
      } finally {
        display?.finish();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
