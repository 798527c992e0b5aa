import { execFile, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/tracetax.js", import.meta.url));

/** Run the real `tracetax` command line as a separate process. */
export function tracetax(args: string[], timeoutMs = 240_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: timeoutMs, env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same without blocking the test, which can then act while the command runs. */
export function tracetaxAsync(args: string[], timeoutMs = 240_000): Promise<ReturnType<typeof tracetax>> {
  return new Promise((resolve) => {
    const options = { encoding: "utf8" as const, timeout: timeoutMs, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: "1" } };
    execFile(process.execPath, [BIN, ...args], options, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** Start `tracetax` and hand back the process, for tests that signal it mid-run. */
export function startTracetax(args: string[]) {
  return spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
}
