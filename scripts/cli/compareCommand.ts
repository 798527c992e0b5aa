import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { compareRuns, type RunRounds } from "../analyze/compareRuns.ts";
import { InputError } from "../inputError.ts";
import { comparisonPage, comparisonText } from "../render/compareReport.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";
import { readRawCsv } from "../results/rawCsv.ts";
import { readManifest, runPaths } from "../results/runDir.ts";

function readRunRounds(dir: string): RunRounds {
  const manifest = readManifest(dir);
  const { raw } = runPaths(dir);
  if (!existsSync(raw)) throw new InputError(`${dir}: not a run directory (no raw.csv)`);
  return { dir, manifest, raw: readRawCsv(raw) };
}

export function addCompareCommand(program: Command): void {
  program
    .command("compare")
    .description("compare two runs cell by cell: medians, ratio B/A with a bootstrap interval, Mann-Whitney p")
    .argument("<run-dir-a>", "the baseline run")
    .argument("<run-dir-b>", "the run compared with it")
    .option("--out <dir>", "also write the comparison as DIR/index.html")
    .action((dirA: string, dirB: string, o: { out?: string }) => {
      const comparison = compareRuns(readRunRounds(dirA), readRunRounds(dirB));
      process.stdout.write(comparisonText(comparison));
      if (o.out) {
        mkdirSync(o.out, { recursive: true });
        const index = resolve(join(o.out, "index.html"));
        writeFileAtomic(index, comparisonPage(comparison));
        console.log(`compare: ${index}`);
      }
    });
}
