import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../inputError.ts";

/**
 * Every file below a directory, by "/"-separated path relative to it, in
 * sorted order. Links and special files are refused: a dataset holds plain
 * files, and following a link could take in something from elsewhere.
 */
export function readFileTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (relative: string) => {
    const names = readdirSync(join(dir, relative)).sort();
    for (const name of names) {
      const path = relative ? `${relative}/${name}` : name;
      const stat = lstatSync(join(dir, path));
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) files.set(path, readFileSync(join(dir, path)));
      else throw new InputError(`${join(dir, path)}: not a plain file or directory (${stat.isSymbolicLink() ? "a symbolic link" : "a special file"})`);
    }
  };
  walk("");
  return files;
}
