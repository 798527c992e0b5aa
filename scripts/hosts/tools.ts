import { accessSync, constants } from "node:fs";
import { createServer } from "node:net";
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

/** A loopback port nobody listens on now, for a VM's forwarded sshd. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
