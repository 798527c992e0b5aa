import { readFileSync } from "node:fs";
import { execaSync } from "execa";
import { REPO_DIR } from "../model/paths.ts";


/** Name, version and git commit of this tracetax, for the manifest ("-dirty" when the tree has local edits). */
export function toolIdentity(): { name: string; version: string; commit: string | null } {
  const pkg = JSON.parse(readFileSync(`${REPO_DIR}/package.json`, "utf8")) as { name: string; version: string };
  const git = (args: string[]) => execaSync("git", ["-C", REPO_DIR, ...args], { reject: false });
  const head = git(["rev-parse", "HEAD"]);
  if (head.exitCode !== 0) return { name: pkg.name, version: pkg.version, commit: null };
  const dirty = git(["status", "--porcelain", "--untracked-files=no"]).stdout.trim() !== "";
  return { name: pkg.name, version: pkg.version, commit: `${head.stdout.trim()}${dirty ? "-dirty" : ""}` };
}
