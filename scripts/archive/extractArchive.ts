import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import type { Bag } from "./bagit.ts";

/**
 * Write a bag's files into intoDir/<bag name>/ and return that directory.
 * The paths were checked when the archive was read; the check here only
 * guarantees that no bug there can write outside the bag.
 */
function extractBag(bag: Bag, intoDir: string): string {
  const bagDir = resolve(intoDir, bag.name);
  for (const [path, data] of bag.files) {
    const target = resolve(bagDir, path);
    if (!target.startsWith(bagDir + sep)) throw new Error(`refusing to write ${target}: outside ${bagDir}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data, { flag: "wx" });
  }
  return bagDir;
}

/** Run fn on the bag extracted into a fresh temporary directory, which is removed afterwards whatever happens. */
export async function withExtractedBag<T>(bag: Bag, fn: (bagDir: string) => Promise<T>): Promise<T> {
  const tmp = mkdtempSync(join(tmpdir(), "tracetax-extract-"));
  try {
    return await fn(extractBag(bag, tmp));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
