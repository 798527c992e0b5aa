import { existsSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import type { RunDirVerification } from "../archive/archivingKind.ts";
import { BAGIT_TXT, type Bag } from "../archive/bagit.ts";
import { readFileTree } from "../archive/fileTree.ts";
import { readBagArchive } from "../archive/readBagArchive.ts";
import { verifyBag } from "../archive/verifyBag.ts";
import { InputError } from "../inputError.ts";
import { readRun } from "../kinds/registry.ts";
import { runPaths } from "../results/runDir.ts";

/** A run directory against itself, by its kind; a manifest that cannot be read is a problem of the directory. */
function verifyRunDir(dir: string): RunDirVerification {
  let run: ReturnType<typeof readRun>;
  try {
    run = readRun(dir);
  } catch (err) {
    if (!existsSync(runPaths(dir).manifest) || /newer than this tracetax/.test((err as Error).message)) throw err;
    return { problems: [(err as Error).message], verified: "" };
  }
  return run.kind.verify(dir, run.manifest);
}

/** What is checked and what it found: problems, or a line saying what agreed. */
function verifyTarget(target: string): RunDirVerification {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(target).isDirectory();
  } catch (err) {
    throw new InputError(`${target}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (isDirectory && !existsSync(join(target, BAGIT_TXT))) return verifyRunDir(target);
  // An archive, or a bag already extracted from one.
  const bag: Bag = isDirectory ? { name: basename(resolve(target)), files: readFileTree(target) } : readBagArchive(target);
  const result = verifyBag(bag, target);
  return { problems: result.problems, verified: `bag ${bag.name}/, ${result.payloadFiles} payload files, ${result.algorithms.join(" and ")} checksums` };
}

export function addVerifyCommand(program: Command): void {
  program
    .command("verify")
    .description("check an archive's checksums, or that a run directory (micro or macro) agrees with itself")
    .argument("<archive|run-dir>")
    .action((target: string) => {
      const { problems, verified } = verifyTarget(target);
      for (const p of problems) console.log(p);
      if (problems.length > 0) {
        console.error(`tracetax: ${target}: ${problems.length} problem(s)`);
        process.exitCode = 1;
      } else {
        console.log(`ok: ${target}: ${verified}`);
      }
    });
}
