import { join } from "node:path";
import type { Command } from "commander";
import { analyzeRun } from "../analyze/analyzeRun.ts";

export function addAnalyzeCommand(program: Command): void {
  program
    .command("analyze")
    .description("recompute summary.csv of a run directory from its raw.csv")
    .argument("<run-dir>")
    .action((dir: string) => {
      const rows = analyzeRun(dir);
      console.log(`summary: ${join(dir, "summary.csv")} (${rows.length} cells)`);
    });
}
