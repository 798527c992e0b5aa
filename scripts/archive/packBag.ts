import { gzipSync } from "node:zlib";
import { byPath, type Bag } from "./bagit.ts";
import { writeTar, type TarEntry } from "./tarWriter.ts";

/** Every directory that holds a file of the bag, the bag's own directory included. */
function directoriesOf(paths: string[]): string[] {
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.split("/");
    for (let depth = 1; depth < parts.length; depth++) dirs.add(parts.slice(0, depth).join("/"));
  }
  return [...dirs];
}

/**
 * The bag as a .tar.gz whose bytes depend only on the bag and the time
 * given: entries sorted by path (so a directory comes before what it holds),
 * one mtime, fixed owner and modes, and a gzip header without name or time.
 */
export function packBag(bag: Bag, mtime: Date): Buffer {
  const files = [...bag.files].map(([path, data]): TarEntry => ({ path: `${bag.name}/${path}`, kind: "file", data }));
  const dirs = directoriesOf(files.map((f) => f.path)).map((path): TarEntry => ({ path, kind: "directory", data: Buffer.alloc(0) }));
  const entries = [...dirs, ...files].sort((a, b) => byPath(a.path, b.path));
  return gzipSync(writeTar(entries, Math.floor(mtime.getTime() / 1000)), { level: 9 });
}
