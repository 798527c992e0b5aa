import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { sameHardware } from "../scripts/hosts/facts.ts";
import { QemuPower } from "../scripts/hosts/qemuPower.ts";
import { freeLoopbackPort } from "../scripts/hosts/tools.ts";
import type { MicroManifest } from "../scripts/model/manifest.ts";
import { readRawCsv } from "../scripts/results/rawCsv.ts";
import { readSummaryCsv } from "../scripts/results/summaryCsv.ts";
import { readTrialsCsv } from "../scripts/results/trialsCsv.ts";
import { startTracetax, tracetax, tracetaxAsync } from "./support/cli.ts";
import { withMachineLock } from "./support/machineLock.ts";
import { processState, removeDir, tempDir } from "./support/native.ts";
import { requireTool } from "./support/requireTool.ts";
import { killPids, processesMentioning } from "./support/sshd.ts";

// Real virtual machines: the lab image built by `tracetax lab build` (once;
// later runs reuse the cached root file system), booted by QEMU's software
// emulator and rebooted from the inside through firmware, GRUB and the kernel
// asked for. One VM at a time (the machine-wide test lock), eight boots in
// all: three for switching kernels, two for rebooting between blocks, two
// for a guest that never comes back, one for a QEMU killed mid-cell. Every QEMU is ended by PID: by tracetax at the
// end of each run, by after() if a test failed, and by a watchdog if this
// process is killed.

const dir = tempDir("lab-vm");
const lab = join(dir, "lab");
let port: number;
let watchdog: ChildProcess;

/** Whether a process is running (not gone, not a zombie). */
const alive = (pid: number) => !["Z", null].includes(processState(pid));

/**
 * A shell that outlives this process: once it is gone, however it ended, the
 * shell ends by PID whatever mentions this test's directory (QEMU, tracetax,
 * ssh) and removes the directory.
 */
function startWatchdog(): ChildProcess {
  const script = [
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done',
    'for p in /proc/[0-9]*; do pid=${p#/proc/}; [ "$pid" = "$$" ] && continue; grep -qF "$2" "$p/cmdline" 2>/dev/null && kill -9 "$pid"; done',
    'rm -rf "$2"',
  ].join("; ");
  const child = spawn("sh", ["-c", script, "tracetax-test-watchdog", String(process.pid), dir], { detached: true, stdio: "ignore" });
  child.unref();
  return child;
}

before(async () => {
  const tools = [
    ["qemu-system-x86_64", "qemu-system-x86"], ["qemu-img", "qemu-utils"], ["mmdebstrap", "mmdebstrap"], ["sfdisk", "fdisk"],
    ["mkfs.ext4", "e2fsprogs"], ["grub-mkimage", "grub-pc-bin"], ["ssh", "openssh-client"], ["ssh-keygen", "openssh-client"],
  ];
  for (const [tool, pkg] of tools) requireTool(tool, `apt-get install ${pkg}`);
  watchdog = startWatchdog();
  port = await freeLoopbackPort();
  const r = await withMachineLock("lab VM tests: building the lab image", () => tracetaxAsync(["lab", "build", "--out", lab, "--port", String(port)], 30 * 60_000));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^inventory: ${lab}/lab\\.yaml$`, "m"));
});

after(() => {
  killPids(processesMentioning(dir).filter((pid) => pid !== watchdog.pid));
  killPids([watchdog.pid!]);
  removeDir(dir);
});

const BOOT = "grub-reboot {entry} && systemctl reboot";

function spec(name: string, text: string): string {
  const path = join(dir, `spec-${name}`);
  writeFileSync(path, `name: lab-vm\ntitle: lab VM test\n${text}`);
  return path;
}

interface PersonalityEntry {
  name: string;
  host: string;
  entry?: string;
  kernel?: string;
  cmdline?: string[];
  cmdlineAbsent?: string[];
  boot: string;
}

/** An inventory for the built image: each personality a host at the VM's forwarded port, QEMU as the power switch. */
function inventory(machine: string, personalities: PersonalityEntry[], o: { switchBack?: boolean; bootTimeoutSeconds?: number } = {}): string {
  const hosts = personalities.map((p) => `  ${p.host}: { ssh: root@127.0.0.1, port: ${port}, sshConfig: ${lab}/ssh_config }`);
  const entries = personalities.map(({ name, ...p }) => `      ${name}: ${JSON.stringify({ ...p, os: "Linux" })}`);
  const path = join(dir, `${machine}.yaml`);
  writeFileSync(
    path,
    [
      "hosts:", ...hosts,
      "machines:", `  ${machine}:`, "    personalities:", ...entries,
      `    switchBack: ${o.switchBack ?? false}`,
      `    bootTimeoutSeconds: ${o.bootTimeoutSeconds ?? 600}`,
      `    power: { qemu: { image: ${lab}/lab.img, cpus: 2, memoryMiB: 1024 } }`,
      "",
    ].join("\n"),
  );
  return path;
}

function runArgs(tag: string): string[] {
  return ["--results", join(dir, `results-${tag}`), "--no-report"];
}

function manifestOf(stdout: string): { runDir: string; manifest: MicroManifest } {
  const runDir = /^results: (.+)$/m.exec(stdout)![1];
  return { runDir, manifest: JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MicroManifest };
}

/** Every QEMU a run started has ended, and none of this test's is left. */
function assertNoQemu(pids: number[]): void {
  assert.ok(pids.length > 0, "the run started QEMU");
  for (const pid of pids) assert.equal(alive(pid), false, `QEMU pid ${pid} has ended`);
  assert.deepEqual(processesMentioning(lab, "qemu-system-x86_64"), [], "no QEMU of this test is left");
}

test("a QEMU left by a killed run is ended by the next power-on, found by its pidfile; a machine whose run is alive is left alone", async () => {
  await withMachineLock("lab VM: a QEMU left behind", async () => {
    const logs = [join(dir, "logs-first"), join(dir, "logs-next")];
    for (const d of logs) mkdirSync(d);
    const script = fileURLToPath(new URL("./support/qemuPowerOn.ts", import.meta.url));
    const first = spawn(process.execPath, ["--import", "tsx", script, join(lab, "lab.img"), "left", logs[0], String(port)], { stdio: ["ignore", "pipe", "inherit"] });
    const said = await new Promise<string>((resolve) => {
      first.stdout!.once("data", (d: Buffer) => resolve(d.toString()));
      first.once("exit", () => resolve("ended without powering on"));
    });
    const leftPid = Number(/^pid (\d+)/.exec(said)?.[1]);
    assert.ok(leftPid > 0, said);
    assert.ok(alive(leftPid), "the first run's QEMU runs");

    const notes: string[] = [];
    const next = new QemuPower(
      { kind: "qemu", image: join(lab, "lab.img"), accelerator: "tcg", cpus: 1, memoryMiB: 512, forward: { address: "127.0.0.1", port } },
      { machine: "left", logsDir: logs[1], log: (text) => notes.push(text) },
    );
    await assert.rejects(next.on(), new RegExp(`^Error: left is in use by another tracetax \\(pid ${first.pid}\\)`));
    assert.ok(alive(leftPid), "a machine in use is not touched");

    const ended = new Promise((resolve) => first.once("exit", resolve));
    first.kill("SIGKILL");
    await ended;
    assert.ok(alive(leftPid), "QEMU outlives the run that started it");
    await next.on();
    try {
      assert.equal(alive(leftPid), false, "the next power-on ended the QEMU left behind");
      assert.ok(notes.some((n) => n.startsWith(`ending QEMU pid ${leftPid}, left running by an earlier run`)), notes.join(""));
      const nextPid = Number(readFileSync(join(logs[1], "left-qemu.pid"), "utf8"));
      assert.notEqual(nextPid, leftPid);
      assert.ok(alive(nextPid));
      const record = next.record();
      assert.equal(record.controller === "qemu" && record.accelerator, "tcg");
      assert.match(record.controller === "qemu" ? record.qemu : "", /^QEMU emulator version /);
    } finally {
      await next.off();
    }
    assertNoQemu((next.record() as { pids: number[] }).pids);
    assert.equal(existsSync(`${join(lab, "lab.img")}.left.state`), false, "power-off removes the machine's overlay and pidfile");
  });
});

test("a lab VM is powered on, measured, refused when a boot entry brings the wrong kernel, proven after a real reboot into the right one (new boot id, kernel, command line), booted back, and powered off", async () => {
  await withMachineLock("lab VM: switching kernels", async () => {
    const inv = inventory(
      "sw",
      [
        { name: "p61", host: "sw-61", entry: "linux-6.1", kernel: "6.1.*", cmdlineAbsent: ["mitigations=off"], boot: BOOT },
        // This entry boots Linux 6.12, not the 6.1 without mitigations the personality asks for.
        { name: "wrong", host: "sw-wrong", entry: "linux-6.12", kernel: "6.1.*", cmdline: ["mitigations=off"], boot: BOOT },
        { name: "p612", host: "sw-612", entry: "linux-6.12", kernel: "6.12.*", cmdline: ["tsc=reliable"], cmdlineAbsent: ["mitigations=off"], boot: BOOT },
      ],
      { switchBack: true },
    );
    const small = spec("switch.yaml", "calls: [getppid, write]\nfds: [valid]\nmechanisms: [none, ptrace]\nrounds: 5\ntrials: 1\ntimeoutSeconds: 120\n");
    const r = await tracetaxAsync(["run", small, "--hosts", inv, "--on", "sw", ...runArgs("switch")], 40 * 60_000);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /\[sw\] powering on: QEMU \(tcg, 2 vCPUs, 1024 MiB, /);
    assert.match(r.stderr, /\[sw\] booting wrong \(sw-wrong\): running the boot command of p61 on sw-61/);
    assert.match(r.stderr, /\[sw\] p612 is up \(Linux\) after \d+ s of 600 s: kernel 6\.12\./);
    const { runDir, manifest } = manifestOf(r.stdout);
    const cellsOf = (host: string) => manifest.cells.filter((c) => c.host === host);
    for (const host of ["sw-61", "sw-612"]) assert.ok(cellsOf(host).length === 4 && cellsOf(host).every((c) => c.status === "done"), JSON.stringify(cellsOf(host)));
    for (const c of cellsOf("sw-wrong")) {
      assert.equal(c.status, "failed");
      assert.match(c.reason!, /^sw: after the boot command of p61, sw-wrong runs kernel 6\.12\.\S+, not 6\.1\.\*$/);
    }

    const m = manifest.machines!.sw;
    assert.deepEqual(
      m.switches.map((s) => [s.how, s.wanted, s.cameUp, s.outcome]),
      [["power-on", null, "p61", "up"], ["reboot", "wrong", null, "wrong"], ["found running", null, "p612", "up"], ["reboot", "p61", "p61", "up"]],
    );
    const [powerOn, wrong, found, back] = m.switches;
    assert.equal(new Set([powerOn.bootId, wrong.bootId, back.bootId]).size, 3, "every reboot is a new boot id");
    assert.equal(found.bootId, wrong.bootId, "p612 was measured in the boot the wrong entry brought up");
    assert.equal(wrong.command, "grub-reboot linux-6.12 && systemctl reboot");
    for (const s of [wrong, back]) assert.ok(s.seconds > 0 && s.seconds < 600);

    const { p61, p612 } = m.personalities;
    assert.match(p61.kernel, /^6\.1\.0-/);
    assert.match(p612.kernel, /^6\.12\./);
    assert.match(p612.cmdline, /(^| )tsc=reliable( |$)/);
    assert.doesNotMatch(p612.cmdline + p61.cmdline, /mitigations=off/);
    assert.equal(p61.bootId, powerOn.bootId);
    assert.equal(p61.bootIdAfter, p61.bootId, "p61's cells were measured in the boot it was proven in");
    assert.equal(p612.bootIdAfter, p612.bootId);
    assert.ok(Object.keys(p612.vulnerabilities).includes("meltdown"), "the boot's vulnerabilities are recorded");
    assert.equal(m.personalities.wrong, undefined, "nothing was measured under the wrong boot");
    // One machine under two kernels: the same hardware, although each kernel keeps a different share of the 1 GiB for itself.
    assert.ok(sameHardware(manifest.hosts["sw-61"], manifest.hosts["sw-612"]), `${manifest.hosts["sw-61"].fingerprint} / ${manifest.hosts["sw-612"].fingerprint}`);
    assert.match(manifest.hosts["sw-612"].kernel, /^6\.12\./);

    const serial = readFileSync(join(runDir, "logs", "sw-serial.log"), "utf8");
    assert.equal(serial.match(/Linux version 6\.1\.0-/g)?.length, 2, "the console saw Linux 6.1 boot twice (power-on, switch back)");
    assert.equal(serial.match(/Linux version 6\.12\./g)?.length, 1, "and Linux 6.12 once");
    assert.equal(m.power?.controller === "qemu" && m.power.accelerator, "tcg");
    assertNoQemu((m.power as { pids: number[] }).pids);
  });
});

test("reboot: between-blocks: each window of blocks in a boot of its own, a real reboot between them; each trial carries its boot, the analysis and the report the level of boots", async () => {
  await withMachineLock("lab VM: rebooting between blocks", async () => {
    const inv = inventory("blk", [{ name: "p61", host: "blk-61", entry: "linux-6.1", kernel: "6.1.*", cmdlineAbsent: ["mitigations=off"], boot: BOOT }]);
    const blocks = spec("blocks.yaml", "calls: [getppid]\nfds: [valid]\nmechanisms: [none, ptrace]\nrounds: 21\ntrials: 4\ntimeoutSeconds: 120\nreboot: between-blocks\nblocksPerBoot: 2\n");
    const r = await tracetaxAsync(["run", blocks, "--hosts", inv, "--on", "blk", ...runArgs("blocks")], 30 * 60_000);
    assert.equal(r.status, 0, r.stderr);
    const { runDir, manifest } = manifestOf(r.stdout);
    assert.ok(manifest.cells.length === 2 && manifest.cells.every((c) => c.status === "done" && c.trials === 4), JSON.stringify(manifest.cells));
    const m = manifest.machines!.blk;
    assert.equal(m.reboot, "between-blocks");
    // The power-on is a boot this run started: the first window is measured in it, the second after a reboot.
    assert.deepEqual(m.switches.map((s) => [s.how, s.wanted, s.cameUp, s.outcome]), [["power-on", null, "p61", "up"], ["reboot", "p61", "p61", "up"]]);
    const [on, again] = m.switches.map((s) => s.bootId!);
    assert.notEqual(on, again, "the reboot is a new boot id");
    assert.deepEqual(m.windows!.map((w) => [w.personality, w.first, w.last, w.bootId]), [["p61", 1, 2, on], ["p61", 3, 4, again]]);
    const trials = readTrialsCsv(runDir);
    assert.equal(trials.length, 8);
    for (const t of trials) assert.equal(t.boot_id, t.block <= 2 ? on : again, `block ${t.block} ran in its window's boot, as the guest itself said`);
    const serial = readFileSync(join(runDir, "logs", "blk-serial.log"), "utf8");
    assert.equal(serial.match(/Linux version 6\.1\.0-/g)?.length, 2, "the console saw Linux 6.1 boot twice");

    const report = join(dir, "report-blocks");
    assert.equal(tracetax(["analyze", runDir]).status, 0);
    const rendered = tracetax(["report", runDir, "--out", report]);
    assert.equal(rendered.status, 0, rendered.stderr);
    for (const row of readSummaryCsv(join(runDir, "summary.csv"))) {
      assert.equal(row.boots, 2, `${row.tracer}: its trials ran in two boots`);
      assert.ok(row.between_boot_sd !== null, `${row.tracer}: the level between boots is estimated`);
    }
    const html = readFileSync(join(report, "index.html"), "utf8");
    assert.match(html, /SD between boots/);
    assert.match(html, /Blocks by boot/);
    assertNoQemu((m.power as { pids: number[] }).pids);
  });
});

test("a guest that never comes back: no answer within bootTimeoutSeconds, a power cycle, one more try, then the personality's cells fail with the console's last lines", async () => {
  await withMachineLock("lab VM: a guest that never comes back", async () => {
    const inv = inventory(
      "halt",
      [
        // A boot command that halts the machine instead of rebooting it: nothing ever answers again.
        { name: "pa", host: "halt-a", kernel: "6.1.*", boot: "systemctl halt" },
        { name: "ph", host: "halt-h", kernel: "6.12.*", boot: "systemctl reboot" },
      ],
      // Long enough for a cold boot after the power cycle on a busy machine: the wait itself is what is tested.
      { bootTimeoutSeconds: 180 },
    );
    // Only ph is measured: pa is what the VM boots into, and whose boot command is run.
    const small = spec("halt.yaml", "calls: [getppid]\nfds: [valid]\nmechanisms: [none]\nrounds: 5\ntrials: 1\n");
    const r = await tracetaxAsync(["run", small, "--hosts", inv, "--on", "halt-h", ...runArgs("halt")], 40 * 60_000);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /\[halt\] ph did not come back within 180 s: power-cycling, then trying once more/);
    const { manifest } = manifestOf(r.stdout);
    const [lost, ...more] = manifest.cells;
    assert.equal(more.length, 0);
    assert.equal(lost.status, "failed");
    assert.match(lost.reason!, /^halt: halt-h did not answer within 180 s of the boot command of pa: .*; its console's last lines: .*System halted.*, a second time after a power cycle$/);
    const m = manifest.machines!.halt;
    assert.deepEqual(
      m.switches.map((s) => [s.how, s.wanted, s.cameUp, s.outcome]),
      [["power-on", null, "pa", "up"], ["reboot", "ph", null, "no answer"], ["power-cycle", null, "pa", "up"], ["reboot", "ph", null, "no answer"]],
    );
    const pids = (m.power as { pids: number[] }).pids;
    assert.equal(pids.length, 2, "the power cycle ended one QEMU and started another");
    assertNoQemu(pids);
  });
});

test("QEMU killed in the middle of a cell: the cells measured before are kept, the rest fail with QEMU's end, the other host is measured", async () => {
  await withMachineLock("lab VM: QEMU killed mid-cell", async () => {
    // Two personalities that ask the same of a boot share it: the second is measured without a reboot.
    const same = { entry: "linux-6.1", kernel: "6.1.*", cmdlineAbsent: ["mitigations=off"], boot: BOOT };
    const inv = inventory("kill", [{ name: "ka", host: "kill-a", ...same }, { name: "kb", host: "kill-b", ...same }]);
    const rounds = 4000;
    const long = spec("kill.yaml", `calls: [getppid, write, close, open]\nfds: [valid]\nmechanisms: [ptrace]\nrounds: ${rounds}\ntrials: 1\ntimeoutSeconds: 300\n`);
    const results = join(dir, "results-kill");
    const run = startTracetax(["run", long, "--hosts", inv, "--on", "kill,local", "--results", results, "--no-report"]);
    let stdout = "";
    let stderr = "";
    run.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    run.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    let ended = false;
    const exited = new Promise<number | null>((resolve) => run.once("exit", (code) => ((ended = true), resolve(code))));

    // Wait until kb has finished a trial and others are under way, then pull the plug.
    let runDir = "";
    let killed = 0;
    for (let waited = 0; !killed && !ended && waited < 30 * 60_000; waited += 250) {
      await sleep(250);
      const runs = existsSync(results) ? readdirSync(results).filter((d) => d !== "reference") : [];
      if (runs.length !== 1) continue;
      runDir = join(results, runs[0]);
      const trialsOfKb = existsSync(join(runDir, "trials.csv")) ? readTrialsCsv(runDir).filter((t) => t.host === "kill-b").length : 0;
      if (trialsOfKb >= 1) {
        killed = Number(readFileSync(join(runDir, "logs", "kill-qemu.pid"), "utf8"));
        process.kill(killed, "SIGKILL");
      }
    }
    assert.ok(killed > 0, `kb began measuring: ${stderr}`);
    assert.equal(await exited, 1, stderr);
    assert.equal(/^results: (.+)$/m.exec(stdout)![1], runDir);
    const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MicroManifest;
    const cellsOf = (host: string) => manifest.cells.filter((c) => c.host === host);
    assert.ok(cellsOf("kill-a").every((c) => c.status === "done"), "ka's cells, measured before, are kept");
    assert.ok(cellsOf("local").every((c) => c.status === "done"), "the other host is measured");
    const lost = cellsOf("kill-b");
    assert.ok(lost.length === 4 && lost.every((c) => c.status === "failed"), JSON.stringify(lost));
    for (const c of lost) assert.match(c.reason!, new RegExp(`QEMU \\(pid ${killed}\\) ended while in use: killed by SIGKILL`));
    assert.match(stderr, new RegExp(`tracetax: host kill: QEMU \\(pid ${killed}\\) ended while in use: killed by SIGKILL`));

    // What was written before the end is whole: every finished trial's rounds, and no row of a trial that did not finish.
    const raw = readRawCsv(join(runDir, "raw.csv"));
    const trials = readTrialsCsv(runDir);
    for (const t of trials.filter((t) => t.host.startsWith("kill-"))) {
      assert.equal(raw.filter((x) => x.host === t.host && x.call === t.call && x.trial === t.trial).length, rounds, `${t.host} ${t.call}`);
    }
    assert.equal(trials.filter((t) => t.host === "kill-a").length, 4);
    assert.ok(trials.filter((t) => t.host === "kill-b").length < 4, "the plug was pulled before kb's last trial");
    assert.deepEqual(raw.filter((x) => x.host === "kill-b").length, trials.filter((t) => t.host === "kill-b").length * rounds);

    const m = manifest.machines!.kill;
    assert.deepEqual(m.switches.map((s) => [s.how, s.wanted, s.cameUp]), [["power-on", null, "ka"], ["found running", "kb", "kb"]]);
    assertNoQemu((m.power as { pids: number[] }).pids);
  });
});
