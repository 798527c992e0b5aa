import assert from "node:assert/strict";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The path of a tool a test cannot do without: a name looked up on PATH, or
 * an absolute path. A missing tool fails the test (it never skips it), with
 * the command that installs it; `make test` installs them all on Debian.
 */
export function requireTool(tool: string, install: string): string {
  const candidates = tool.includes("/") ? [tool] : (process.env.PATH ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, tool));
  const found = candidates.find(isExecutableFile);
  if (found === undefined) assert.fail(`${tool} is not installed and this test needs it: ${install} (make test installs what the tests need)`);
  return found;
}
