import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../inputError.ts";
import { buildLab } from "../lab/buildImage.ts";
import { freeLoopbackPort } from "../hosts/tools.ts";
import { HOST_NAME } from "../spec/schema.ts";
import { REPO_DIR } from "../model/paths.ts";
import { positiveInteger } from "./options.ts";

export function addLabCommand(program: Command): void {
  program
    .command("lab")
    .description("lab machines that tracetax runs itself")
    .command("build")
    .description("build a Debian 12 VM image with GRUB entries per kernel (cached), and write it with an inventory for --hosts")
    .option("--out <dir>", "where the image, its inventory, ssh_config and known_hosts go", join(REPO_DIR, "lab"))
    .option("--key <file>", "the private ssh key to log in with (its .pub is put in the image); default: one made in --out")
    .option("--port <n>", "the loopback port forwarded to the VM's sshd (default: one free now)", positiveInteger)
    .option("--name <machine>", "the machine's name in the inventory; its hosts are <machine>-<entry>", "lab")
    .action(async (o: { out: string; key?: string; port?: number; name: string }) => {
      if (o.key && !existsSync(o.key)) throw new InputError(`--key ${o.key}: no such file`);
      if (!HOST_NAME.test(o.name) || o.name === "local") throw new InputError(`--name ${o.name}: expected letters, digits, '.', '_' and '-', not "local"`);
      if (o.port !== undefined && o.port > 65535) throw new InputError(`--port ${o.port}: expected a port number 1-65535`);
      try {
        const lab = await buildLab({
          out: resolve(o.out),
          key: o.key ? resolve(o.key) : undefined,
          port: o.port ?? (await freeLoopbackPort()),
          machine: o.name,
          say: (text) => console.error(`tracetax: lab: ${text}`),
        });
        console.log(`image: ${lab.image}`);
        console.log(`inventory: ${lab.inventory}`);
        console.log(`key: ${lab.key}`);
        console.log(`ssh port: 127.0.0.1:${lab.port}`);
      } catch (err) {
        console.error(`tracetax: lab build: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    });
}
