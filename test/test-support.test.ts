import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { acquireLock, lockPath, MACHINE, withMachineLock } from "./support/machineLock.ts";
import { ended, killAll, waitForLine } from "./support/native.ts";
import { requireTool } from "./support/requireTool.ts";
import { descendants, killPids, processesMentioning } from "./support/sshd.ts";

// A lock of this test's own, so that it never waits for (or blocks) the
// machine-wide lock that other tests hold.
const name = `self-test-${randomBytes(4).toString("hex")}`;
const path = lockPath(name);
const started: ChildProcess[] = [];
after(async () => {
  await killAll(started);
  killPids(processesMentioning(path)); // lock-holding shells a failed test left behind
  rmSync(path, { force: true });
});

test("requireTool finds a tool on PATH or by its path, and fails naming a missing one and how to install it", () => {
  assert.equal(requireTool("sh", "apt-get install dash"), spawnSync("sh", ["-c", "command -v sh"], { encoding: "utf8" }).stdout.trim());
  assert.equal(requireTool("/bin/sh", "apt-get install dash"), "/bin/sh");
  assert.throws(() => requireTool("tracetax-no-such-tool", "apt-get install no-such-package"), {
    message: "tracetax-no-such-tool is not installed and this test needs it: apt-get install no-such-package (make test installs what the tests need)",
  });
  assert.throws(() => requireTool("/usr/sbin", "apt-get install x"), /\/usr\/sbin is not installed/, "a directory is no tool");
});

/** A separate Node process that waits for the lock and then holds it until killed. */
function holder(): ChildProcess {
  const script = fileURLToPath(new URL("./support/lockHolder.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, name], { stdio: ["ignore", "pipe", "inherit"] });
  started.push(child);
  return child;
}

/** The lock file's entries in /proc/locks: the kernel's own view of who holds it and who waits. */
function kernelLocks(): { held: number; waiting: number } {
  const inode = statSync(path).ino;
  const lines = readFileSync("/proc/locks", "utf8").split("\n").filter((l) => / FLOCK /.test(l) && l.split(/\s+/).some((f) => f.endsWith(`:${inode}`)));
  return { held: lines.filter((l) => !l.includes("->")).length, waiting: lines.filter((l) => l.includes("->")).length };
}

/** Whether flock(1) could take the lock at once, as another user of it would. */
function free(): boolean {
  return spawnSync("flock", ["-n", "-x", path, "true"]).status === 0;
}

test("two processes never hold the lock at once, and a killed holder releases it", async () => {
  const first = holder();
  await waitForLine(first, /^held$/);
  assert.equal(free(), false, "held by the first process");
  const second = holder();
  await waitForLine(second, /^waiting$/);
  // Once the kernel lists the second request as blocked, it cannot have the lock.
  for (let waited = 0; kernelLocks().waiting === 0; waited += 50) {
    assert.ok(waited < 30_000, "the second process never asked for the lock");
    await sleep(50);
  }
  let secondHeld = false;
  const heldLine = waitForLine(second, /^held$/).then(() => (secondHeld = true));
  assert.deepEqual(kernelLocks(), { held: 1, waiting: 1 });
  assert.equal(secondHeld, false);

  first.kill("SIGKILL");
  assert.equal(await ended(first), "SIGKILL");
  await heldLine;
  assert.equal(free(), false, "now held by the second process");
  assert.deepEqual(kernelLocks(), { held: 1, waiting: 0 });

  second.kill("SIGKILL");
  await ended(second);
  for (let waited = 0; !free(); waited += 50) {
    assert.ok(waited < 10_000, "the lock outlived its holder");
    await sleep(50);
  }
  assert.deepEqual(processesMentioning(path), [], "no lock-holding shell is left behind");
});

test("within one process the lock is exclusive too, and release hands it on", async () => {
  const order: string[] = [];
  const a = await acquireLock(name, { purpose: "first in this process" });
  assert.match(readFileSync(path, "utf8"), new RegExp(`^pid ${process.pid}: first in this process$`, "m"), "the holder says who it is");
  const b = acquireLock(name, { purpose: "second in this process" }).then((lock) => {
    order.push("b acquired");
    return lock;
  });
  await sleep(200); // b is given time to take it, which it must not
  order.push("a releases");
  await a.release();
  await (await b).release();
  assert.deepEqual(order, ["a releases", "b acquired"]);
  assert.equal(free(), true);
});

test("waiting too long for the lock fails, naming the holder", async () => {
  const first = holder();
  await waitForLine(first, /^held$/);
  await assert.rejects(acquireLock(name, { purpose: "impatient", timeoutSeconds: 1 }), (err: Error) => {
    assert.match(err.message, new RegExp(`could not take the lock ${path} in 1 s; it is held by pid ${first.pid}: the lock's own test`));
    return true;
  });
  first.kill("SIGKILL");
  await ended(first);
});

test("withMachineLock holds the machine-wide lock for its body and lets go of it when the body throws", async () => {
  const machine = lockPath(MACHINE);
  const ourHolders = () => processesMentioning(machine).filter((pid) => descendants(process.pid).includes(pid));
  await assert.rejects(
    withMachineLock("the lock's own test", () => {
      assert.match(readFileSync(machine, "utf8"), new RegExp(`^pid ${process.pid}: the lock's own test$`, "m"));
      assert.equal(spawnSync("flock", ["-n", machine, "true"]).status, 1, "nobody else can take it meanwhile");
      assert.equal(ourHolders().length, 1);
      throw new Error("the body failed");
    }),
    /^Error: the body failed$/,
  );
  assert.deepEqual(ourHolders(), [], "its holder is gone, and the lock with it");
});
