import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/tracetax.js", import.meta.url));

/** Run the real `tracetax` command line as a separate process. */
export function tracetax(args: string[], timeoutMs = 240_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: timeoutMs, env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
