import { existsSync, statfsSync } from "node:fs";
import { dirname } from "node:path";
import { InputError } from "../inputError.ts";

const SPARE_BYTES = 64 * 2 ** 20;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Refuse, before anything is written, to generate inputs that would nearly
 * fill the disk of `dir`, which need not exist yet: its nearest existing
 * ancestor is on the same disk.
 */
export function checkFreeDisk(dir: string, neededBytes: number): void {
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const fs = statfsSync(existing);
  const free = fs.bavail * fs.bsize;
  if (neededBytes + SPARE_BYTES > free) {
    throw new InputError(
      `${dir}: not enough free disk for the generated inputs: they need up to ${mib(neededBytes)} ` +
        `(and ${mib(SPARE_BYTES)} to spare), ${mib(free)} is free`,
    );
  }
}
