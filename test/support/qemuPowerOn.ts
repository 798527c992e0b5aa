// A process of its own that powers a lab VM on through tracetax's QEMU
// controller, says "pid N" (QEMU's), and keeps running until killed: a
// stand-in for a tracetax run, so that a test can kill it with SIGKILL and
// see what the next run does with the QEMU it left.
// Usage: qemuPowerOn.ts IMAGE MACHINE LOGS_DIR PORT
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { QemuPower } from "../../scripts/hosts/qemuPower.ts";

const [image, machine, logsDir, port] = process.argv.slice(2);
const power = new QemuPower(
  { kind: "qemu", image, accelerator: "tcg", cpus: 1, memoryMiB: 512, forward: { address: "127.0.0.1", port: Number(port) } },
  { machine, logsDir, log: () => {} },
);
await power.on();
console.log(`pid ${readFileSync(join(logsDir, `${machine}-qemu.pid`), "utf8").trim()}`);
setInterval(() => {}, 60_000);
