import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { Command } from "commander";
import { payloadOxum } from "../archive/bagit.ts";
import { bagRun, runFinishedAt } from "../archive/bagRun.ts";
import { packBag } from "../archive/packBag.ts";
import { InputError } from "../inputError.ts";
import { readRun } from "../kinds/registry.ts";
import { writeFileAtomic } from "../results/atomicWrite.ts";

export function addArchiveCommand(program: Command): void {
  program
    .command("archive")
    .description("pack a run directory into a BagIt bag as one deterministic .tar.gz")
    .argument("<run-dir>")
    .option("--out <file>", "archive to write (default <run-dir>.tar.gz, beside the run directory)")
    .action((dir: string, o: { out?: string }) => {
      const runDir = resolve(dir);
      const { kind, manifest } = readRun(runDir);
      const out = resolve(o.out ?? `${runDir}.tar.gz`);
      const inside = relative(runDir, out);
      if (inside !== ".." && !inside.startsWith("../") && !isAbsolute(inside)) throw new InputError(`--out ${out}: inside the run directory it archives`);
      const bag = bagRun(runDir, manifest, kind.payload);
      mkdirSync(dirname(out), { recursive: true });
      writeFileAtomic(out, packBag(bag, runFinishedAt(manifest)));
      console.log(`archive: ${out}`);
      console.log(`bag: ${bag.name}/ (Payload-Oxum ${payloadOxum(bag)})`);
    });
}
