import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** A program on PATH (or an absolute path), or an error naming the Debian package that has it. */
export function needTool(tool: string, debianPackage: string): string {
  const candidates = tool.includes("/") ? [tool] : (process.env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, tool));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  throw new Error(`${tool} is not installed: apt-get install ${debianPackage}`);
}
