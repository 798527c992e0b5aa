import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { compareRuns, type RunSamples } from "../analyze/compareRuns.ts";
import { InputError } from "../inputError.ts";
import { readRun } from "../kinds/registry.ts";
import { comparisonPage, comparisonText } from "../render/compareReport.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";

function readSamples(dir: string): RunSamples {
  const { kind, manifest } = readRun(dir);
  return { dir, manifest, run: kind.comparable(dir, manifest) };
}

export function addCompareCommand(program: Command): void {
  program
    .command("compare")
    .description("compare two runs of one kind cell by cell: medians, ratio B/A with a bootstrap interval, Mann-Whitney p")
    .argument("<run-dir-a>", "the baseline run")
    .argument("<run-dir-b>", "the run compared with it")
    .option("--out <dir>", "also write the comparison as DIR/index.html")
    .action((dirA: string, dirB: string, o: { out?: string }) => {
      const [a, b] = [readSamples(dirA), readSamples(dirB)];
      if (a.manifest.kind !== b.manifest.kind) throw new InputError(`${dirB}: a ${b.manifest.kind} run; ${dirA} is a ${a.manifest.kind} run: only runs of one kind compare`);
      const comparison = compareRuns(a, b);
      process.stdout.write(comparisonText(comparison));
      if (o.out) {
        mkdirSync(o.out, { recursive: true });
        const index = resolve(join(o.out, "index.html"));
        writeFileAtomic(index, comparisonPage(comparison));
        console.log(`compare: ${index}`);
      }
    });
}
