import type { Command } from "commander";
import { readRun } from "../kinds/registry.ts";

export function addAnalyzeCommand(program: Command): void {
  program
    .command("analyze")
    .description("recompute a run directory's summary from its rows (summary.csv, or macro-summary.csv)")
    .argument("<run-dir>")
    .action((dir: string) => {
      const { kind, manifest } = readRun(dir);
      const { file, rows } = kind.analyze(dir, manifest);
      console.log(`summary: ${file} (${rows} rows)`);
    });
}
