import { join } from "node:path";
import type { Command } from "commander";
import { renderReport } from "../render/report.ts";
import { readManifest } from "../results/runDir.ts";
import { REPO_DIR } from "../run/runExperiment.ts";

export function addReportCommand(program: Command): void {
  program
    .command("report")
    .description("render the report of an analysed run directory")
    .argument("<run-dir>")
    .option("--out <dir>", "output directory (default report/<run-id>)")
    .action(async (dir: string, o: { out?: string }) => {
      const manifest = readManifest(dir);
      const { indexPath } = await renderReport(dir, o.out ?? join(REPO_DIR, "report", manifest.runId));
      console.log(`report: ${indexPath}`);
    });
}
