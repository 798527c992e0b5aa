import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { PAYLOAD_DIR } from "../archive/bagit.ts";
import { withExtractedBag } from "../archive/extractArchive.ts";
import { readBagArchive } from "../archive/readBagArchive.ts";
import { verifyBag } from "../archive/verifyBag.ts";
import { readRun } from "../kinds/registry.ts";
import { DEFAULT_REPORT_DIR } from "../model/paths.ts";
import { renderReport } from "../render/report.ts";

async function renderRunDir(dir: string, out: string | undefined): Promise<string> {
  const { kind, manifest } = readRun(dir);
  const { indexPath } = await renderReport(kind, dir, manifest, out ?? join(DEFAULT_REPORT_DIR, manifest.runId));
  return indexPath;
}

export function addReportCommand(program: Command): void {
  program
    .command("report")
    .description("render the report of an analysed run directory, or of an archive made by tracetax archive")
    .argument("<run-dir|archive>")
    .option("--out <dir>", "output directory (default report/<run-id>)")
    .action(async (target: string, o: { out?: string }) => {
      if (!(existsSync(target) && statSync(target).isFile())) {
        console.log(`report: ${await renderRunDir(target, o.out)}`);
        return;
      }
      // An archive: rendered from a checked copy of its run, extracted into a temporary directory.
      const bag = readBagArchive(target);
      const { problems } = verifyBag(bag, target);
      if (problems.length > 0) {
        for (const p of problems) console.error(`tracetax: ${p}`);
        console.error(`tracetax: ${target}: not rendered: the archive does not verify`);
        process.exitCode = 1;
        return;
      }
      const indexPath = await withExtractedBag(bag, (bagDir) => renderRunDir(join(bagDir, PAYLOAD_DIR), o.out));
      console.log(`report: ${indexPath}`);
    });
}
