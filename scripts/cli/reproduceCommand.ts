import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { median } from "simple-statistics";
import { reproducibility } from "../analyze/reproducibility.ts";
import { Fleet } from "../hosts/fleet.ts";
import { loadInventory } from "../hosts/inventory.ts";
import { InputError } from "../inputError.ts";
import { loadSpec } from "../kinds/registry.ts";
import { DEFAULT_RESULTS_DIR } from "../model/paths.ts";
import { reproducibilityCsv, reproducibilityText } from "../render/reproducibilityReport.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import { newRunId, runPaths } from "../results/runDir.ts";
import { readSummaryCsv } from "../results/summaryCsv.ts";
import { readTrialsCsv } from "../results/trialsCsv.ts";
import { ProgressDisplay } from "../run/progress.ts";
import { runExperiment } from "../run/runner.ts";
import { hostList, positiveInteger } from "./options.ts";

export function addReproduceCommand(program: Command): void {
  program
    .command("reproduce")
    .description("run a micro spec N times, independently, and report how far the runs agree")
    .argument("<spec>", "a micro experiment spec (YAML)")
    .requiredOption("--runs <n>", "independent runs (2 or more)", positiveInteger)
    .option("--hosts <file>", "host inventory (YAML)")
    .option("--on <hosts>", "comma-separated hosts instead of the spec's", hostList)
    .option("--results <dir>", "where the run directories and the reproducibility files go", DEFAULT_RESULTS_DIR)
    .option("--quiet", "print only the paths and the summary")
    .action(async (specPath: string, o: { runs: number; hosts?: string; on?: string[]; results: string; quiet?: boolean }) => {
      const { kind, spec } = loadSpec(specPath);
      if (kind.name !== "micro") throw new InputError(`${specPath}: reproduce compares the intervals of micro runs; this is a ${kind.name} spec`);
      if (o.runs < 2) throw new InputError(`--runs ${o.runs}: it takes two runs or more to compare`);
      const results = resolve(o.results);
      const runDirs: string[] = [];
      for (let i = 1; i <= o.runs; i++) {
        const display = o.quiet ? null : new ProgressDisplay(process.stderr);
        display?.report(`run ${i} of ${o.runs}`);
        const outcome = await runExperiment({ kind, spec, fleet: new Fleet(o.hosts ? loadInventory(o.hosts) : undefined), on: o.on, resultsRoot: results, progress: display?.report });
        display?.finish();
        kind.analyze(outcome.runDir, outcome.manifest);
        runDirs.push(outcome.runDir);
        console.log(`results: ${outcome.runDir}`);
        if (!outcome.complete || outcome.failedCells > 0) process.exitCode = 1;
      }
      const r = reproducibility(runDirs.map((dir) => readSummaryCsv(runPaths(dir).summary)));
      const noise = runDirs.map((dir) => {
        const trials = readTrialsCsv(dir);
        const delays = trials.flatMap((t) => (t.bench_rq_ns === null ? [] : [t.bench_rq_ns / 1e6]));
        return { runDir: dir, runQueueMs: delays.length ? median(delays) : null, stealTicks: trials.reduce((sum, t) => sum + (t.steal_ticks ?? 0), 0) };
      });
      const out = join(results, `reproduce-${newRunId()}`);
      mkdirSync(out, { recursive: true });
      writeFileAtomic(join(out, "reproducibility.csv"), reproducibilityCsv(r));
      writeFileAtomic(join(out, "reproducibility.json"), `${JSON.stringify({ spec: spec.path, runDirs, ...r }, null, 2)}\n`);
      console.log(`reproducibility: ${out}`);
      console.log(reproducibilityText(r, noise).join("\n"));
    });
}
