import { randomBytes } from "node:crypto";
import { renameSync, writeFileSync, appendFileSync, openSync, fsyncSync, closeSync } from "node:fs";

/** Write a whole file or nothing: a reader never sees half a file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Append one block and flush it to disk, so a crash after return keeps the block. */
export function appendDurably(path: string, data: string): void {
  appendFileSync(path, data);
  const fd = openSync(path, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
