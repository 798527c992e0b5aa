import { release } from "node:os";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { analyzeRun } from "./analyze/analyzeRun.ts";
import { resolveHosts } from "./hosts/resolveHosts.ts";
import { InputError } from "./inputError.ts";
import { planCells } from "./plan/cells.ts";
import { whyTracerUnavailable } from "./plan/servable.ts";
import { renderReport } from "./render/report.ts";
import { readManifest } from "./results/runDir.ts";
import { runExperiment, REPO_DIR } from "./run/runExperiment.ts";
import { loadSpec } from "./spec/loadSpec.ts";
import { join, resolve } from "node:path";

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError(`expected an integer >= 1, got "${value}"`);
  return n;
}

function hostList(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}

const program = new Command("tracetax")
  .description("Measure what system-call interception costs (reproduces Zinke 2009, 'System call tracing overhead')")
  .exitOverride()
  .showHelpAfterError();

program
  .command("plan")
  .description("list the cells a spec would measure, without measuring")
  .argument("<spec>", "experiment spec (YAML)")
  .option("--on <hosts>", "comma-separated hosts instead of the spec's", hostList)
  .action((specPath: string, o: { on?: string[] }) => {
    const spec = loadSpec(specPath);
    const hosts = resolveHosts(spec.value.hosts, o.on, o.on?.length ? "--on" : `${specPath}: hosts`);
    const cells = planCells(spec.value, hosts.map((h) => h.name));
    // Only the local host can be asked what it serves without connecting to it.
    const localOs = { os: process.platform === "linux" ? "Linux" : process.platform === "openbsd" ? "OpenBSD" : process.platform, osRelease: "", kernel: release() };
    for (const c of cells) {
      const why = c.host === "local" ? whyTracerUnavailable(c.tracer, localOs) : null;
      console.log(`${c.id}\t${c.trials} trials × ${c.rounds} rounds${why ? `\tskipped: ${why}` : ""}`);
    }
    console.log(`${cells.length} cells on ${hosts.length} host(s)`);
  });

program
  .command("run")
  .description("measure a spec's cells, then analyse and write the report")
  .argument("<spec>", "experiment spec (YAML)")
  .option("--on <hosts>", "comma-separated hosts instead of the spec's", hostList)
  .option("--rounds <n>", "measured rounds per trial (overrides the spec)", positiveInteger)
  .option("--trials <n>", "trials (processes) per cell (overrides the spec)", positiveInteger)
  .option("--results <dir>", "where run directories go", join(REPO_DIR, "results"))
  .option("--report-root <dir>", "where reports go", join(REPO_DIR, "report"))
  .option("--no-report", "measure only: skip analysis and report")
  .option("--quiet", "print only the final paths")
  .action(async (specPath: string, o) => {
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once("SIGINT", onSigint);
    process.once("SIGTERM", onSigint);
    try {
      const outcome = await runExperiment({
        specPath,
        on: o.on,
        rounds: o.rounds,
        trials: o.trials,
        resultsRoot: resolve(o.results),
        reportRoot: resolve(o.reportRoot),
        report: o.report,
        progress: o.quiet ? undefined : (line) => console.error(line),
        signal: stop.signal,
      });
      console.log(`results: ${outcome.runDir}`);
      if (outcome.reportIndex) console.log(`report: ${outcome.reportIndex}`);
      for (const e of outcome.hostErrors) console.error(`tracetax: host ${e}`);
      if (!outcome.complete) console.error("tracetax: the run is incomplete: some cells were not measured");
      if (outcome.failedCells > 0) console.error(`tracetax: ${outcome.failedCells} cell(s) failed; see manifest.json`);
      if (!outcome.complete || outcome.failedCells > 0 || outcome.hostErrors.length > 0) process.exitCode = 1;
    } finally {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigint);
    }
  });

program
  .command("analyze")
  .description("recompute summary.csv of a run directory from its raw.csv")
  .argument("<run-dir>")
  .action((dir: string) => {
    readManifest(dir);
    const rows = analyzeRun(dir);
    console.log(`summary: ${join(dir, "summary.csv")} (${rows.length} cells)`);
  });

program
  .command("report")
  .description("render the report of an analysed run directory")
  .argument("<run-dir>")
  .option("--out <dir>", "output directory (default report/<run-id>)")
  .action(async (dir: string, o: { out?: string }) => {
    const manifest = readManifest(dir);
    const out = o.out ?? join(REPO_DIR, "report", manifest.runId);
    const { indexPath } = await renderReport(dir, out);
    console.log(`report: ${indexPath}`);
  });

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof InputError) {
    console.error(`tracetax: ${err.message.replaceAll("\n", "\ntracetax: ")}`);
    process.exitCode = 2;
  } else {
    console.error(`tracetax: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  }
}
