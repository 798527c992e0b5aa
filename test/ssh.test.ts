import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { hardwareFingerprint } from "../scripts/hosts/facts.ts";
import { shellQuote, remoteCommand } from "../scripts/hosts/shellQuote.ts";
import { SshConnection } from "../scripts/hosts/sshConnection.ts";
import { whyTracerUnavailable } from "../scripts/plan/servable.ts";
import { type MicroManifest } from "../scripts/model/manifest.ts";
import { readRawCsv } from "../scripts/results/rawCsv.ts";
import { readSummaryCsv } from "../scripts/results/summaryCsv.ts";
import { readTrialsCsv } from "../scripts/results/trialsCsv.ts";
import { readMacroCsv } from "../scripts/kinds/macro/macroRows.ts";
import type { MacroManifest } from "./support/syntheticRun.ts";
import { tracetax, tracetaxAsync } from "./support/cli.ts";
import { removeDir, tempDir } from "./support/native.ts";
import { withMachineLock } from "./support/machineLock.ts";
import { requireTool } from "./support/requireTool.ts";
import { killPids, makeKey, processesMentioning, TestNamespace, TestSshd, writeClientConfig } from "./support/sshd.ts";

// Real sshd's in network namespaces made here (see support/sshd.ts), reached
// by the real ssh client through an inventory whose sshConfig points at this
// test's own ssh_config, keys and known_hosts.

const dir = tempDir("ssh");
const namespaces: TestNamespace[] = [];
const daemons: TestSshd[] = [];
const key = { host: join(dir, "host_key"), client: join(dir, "client_key"), authorized: join(dir, "authorized_keys") };
const knownHosts = join(dir, "known_hosts");
const sshConfig = join(dir, "ssh_config");
let hostPublicKey: string;
let a: TestNamespace; // a host with an sshd, shared by several tests

/** A namespace, and in it an sshd unless `down`; its address goes into known_hosts. */
async function testHost(o: { down?: boolean; env?: Record<string, string> } = {}): Promise<{ ns: TestNamespace; sshd: TestSshd | null }> {
  const ns = await TestNamespace.create();
  namespaces.push(ns);
  appendFileSync(knownHosts, `${ns.address} ${hostPublicKey}\n`);
  return { ns, sshd: o.down ? null : await startSshd(ns, o.env) };
}

async function startSshd(ns: TestNamespace, env?: Record<string, string>): Promise<TestSshd> {
  const sshd = await TestSshd.start({ ns, dir, hostKey: key.host, authorizedKeys: key.authorized, env });
  daemons.push(sshd);
  return sshd;
}

/** An inventory entry for a test host; its native/ is built under this test's directory. */
function hostEntry(name: string, ns: TestNamespace, config = sshConfig): string {
  return `  ${name}:\n    ssh: root@${ns.address}\n    workdir: ${join(dir, `remote-${name}`)}\n    sshConfig: ${config}\n`;
}

function writeFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A small spec: plain and ptrace, 3 rounds. */
const SMALL_SPEC = `name: small
title: small
calls: [write, close]
fds: [invalid]
mechanisms: [none, ptrace]
rounds: 3
trials: 1
`;

function runArgs(tag: string): string[] {
  return ["--results", join(dir, `results-${tag}`), "--report-root", join(dir, `report-${tag}`), "--no-report"];
}

function manifestOf(stdout: string): { runDir: string; manifest: MicroManifest } {
  const runDir = /^results: (.+)$/m.exec(stdout)![1];
  return { runDir, manifest: JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MicroManifest };
}

/** ssh clients this test's runs started (a shared connection's master, say), after giving them 5 s to end. */
async function leftoverSsh(): Promise<number[]> {
  const clients = () => processesMentioning(dir, "ssh");
  for (let waited = 0; clients().length > 0 && waited < 5000; waited += 100) await sleep(100);
  return clients();
}

before(async () => {
  requireTool("ssh", "apt-get install openssh-client"); // tracetax reaches the test hosts with it
  hostPublicKey = makeKey(key.host);
  writeFileSync(key.authorized, `${makeKey(key.client)}\n`);
  writeFileSync(knownHosts, "");
  writeClientConfig(sshConfig, { identity: key.client, knownHosts });
  ({ ns: a } = await testHost());
});

after(async () => {
  for (const sshd of daemons) await sshd.stop();
  killPids(processesMentioning(dir)); // anything a failed test left running, by PID
  for (const ns of namespaces) ns.remove();
  removeDir(dir);
});

test("remote commands are quoted argument by argument: the remote shell sees exactly the arguments", async () => {
  const pwned = join(dir, "pwned");
  const nasty = ["plain", "two words", "it's", '"double"', `$(touch ${pwned})`, `\`touch ${pwned}\``, "a;b|c&d", "*", "~", "", "back\\slash", "tab\there"];
  assert.equal(shellQuote("/tmp/tracetax/native"), "/tmp/tracetax/native", "plain paths stay readable");
  assert.equal(remoteCommand(["cd", "/w"], ["make"]), "cd /w && make");
  const local = execFileSync("sh", ["-c", `printf '%s\\n' ${nasty.map(shellQuote).join(" ")}`], { encoding: "utf8" });
  assert.deepEqual(local.split("\n").slice(0, -1), nasty);
  const ssh = new SshConnection({ name: "a", ssh: a.address, workdir: "/tmp", sshConfig, acceptNewHostKey: false });
  try {
    const r = await ssh.run(remoteCommand(["printf", "%s\\n", ...nasty]), { timeoutMs: 30_000 });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(r.stdout.split("\n"), nasty, "through ssh and the remote login shell");
  } finally {
    await ssh.close();
  }
  assert.equal(existsSync(pwned), false, "nothing was run that was meant as an argument");
});

test("inventory errors name file, line, column and field; shell metacharacters are refused; exit 2", () => {
  const bad = writeFile(
    "bad-hosts.yaml",
    [
      "hosts:",
      '  "lab;rm":',
      "    ssh: root@lab",
      "  lab:",
      '    ssh: "-oProxyCommand=touch /tmp/x"',
      '    workdir: "/tmp/$(reboot)"',
      "    colour: red",
      "machines:",
      "  box:",
      "    personalities:",
      '      one: { host: lab, os: Linux, boot: "reboot" }',
      '      two: { host: nosuch, os: OpenBSD, boot: "reboot" }',
      "",
    ].join("\n"),
  );
  const r = tracetax(["plan", "experiments/zinke2009.yaml", "--hosts", bad]);
  assert.equal(r.status, 2, r.stderr);
  const at = (line: number, col: number) => `${bad}:${line}:${col}: `;
  assert.ok(r.stderr.includes(`${at(3, 5)}hosts.lab;rm: invalid host name "lab;rm"`), r.stderr);
  assert.ok(r.stderr.includes(`${at(5, 10)}hosts.lab.ssh: invalid ssh destination "-oProxyCommand=touch /tmp/x"`), r.stderr);
  assert.ok(r.stderr.includes(`${at(6, 14)}hosts.lab.workdir: invalid remote path "/tmp/$(reboot)"`), r.stderr);
  assert.ok(r.stderr.includes(`${at(7, 5)}hosts.lab.colour: unknown field`), r.stderr);
  assert.ok(r.stderr.includes(`${at(12, 20)}machines.box.personalities.two.host: unknown host "nosuch"`), r.stderr);

  const good = writeFile("one-host.yaml", `hosts:\n${hostEntry("tt-a", a)}`);
  const unknown = tracetax(["run", "experiments/zinke2009.yaml", "--hosts", good, "--on", "tt-a,lab-xeon", ...runArgs("unknown")]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /--on: unknown host "lab-xeon" \(known: local, tt-a\)/);
  assert.equal(existsSync(join(dir, "results-unknown")), false, "nothing written");
});

test("plan reads the example inventory: a dual-boot machine stands for both personalities, each skipping what its OS lacks", () => {
  const r = tracetax(["plan", "experiments/zinke2009.yaml", "--hosts", "experiments/hosts.example.yaml", "--on", "lab-xeon"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^lab-centos\/write\/invalid\/ptrace\/unpinned\t[^\t]+$/m);
  assert.match(r.stdout, /^lab-centos\/write\/invalid\/systrace\/unpinned\t.*\tskipped: systrace is an OpenBSD kernel facility/m);
  assert.match(r.stdout, /^lab-openbsd\/write\/invalid\/systrace\/unpinned\t[^\t]+$/m);
  assert.match(r.stdout, /^lab-openbsd\/write\/invalid\/ptrace\/unpinned\t.*\tskipped: ptrace with PTRACE_SYSCALL is Linux's/m);
  assert.match(r.stdout, /on 2 host\(s\)\n$/);
});

test("systrace and its kernel fast path are served by OpenBSD up to 5.9 only", () => {
  const openbsd = (release: string) => ({ os: "OpenBSD", osRelease: `OpenBSD ${release}`, kernel: `${release} GENERIC.MP#1` });
  for (const tracer of ["systrace", "systrace-permit"]) {
    assert.equal(whyTracerUnavailable(tracer, openbsd("4.3")), null);
    assert.equal(whyTracerUnavailable(tracer, openbsd("5.9")), null);
    assert.match(whyTracerUnavailable(tracer, openbsd("6.0"))!, /systrace was removed in OpenBSD 6\.0/);
  }
});

test("the hardware fingerprint ignores what differs between two OSes on one machine", () => {
  const xeon = { cpuModel: "Intel(R) Xeon(R) CPU  5120 @ 1.86GHz ", cores: 2 };
  const linux = hardwareFingerprint({ ...xeon, memoryBytes: 3.8 * 2 ** 30, tscHz: 1_862_001_000 });
  const openbsd = hardwareFingerprint({ ...xeon, cpuModel: "Intel(R) Xeon(R) CPU 5120 @ 1.86GHz", memoryBytes: 4 * 2 ** 30 - 2 ** 20, tscHz: 1_861_700_000 });
  assert.equal(linux, openbsd);
  assert.equal(linux, "Intel(R) Xeon(R) CPU 5120 @ 1.86GHz; 2 cores; 4 GiB; TSC 1.9 GHz");
  assert.notEqual(hardwareFingerprint({ ...xeon, memoryBytes: 8 * 2 ** 30, tscHz: 1.862e9 }), linux, "other memory, other machine");
  assert.notEqual(hardwareFingerprint({ ...xeon, cores: 4, memoryBytes: 4 * 2 ** 30, tscHz: 1.862e9 }), linux);
});

test("zinke2009 runs on two SSH hosts at once; the results carry each host's name and facts", async () => {
  const { ns: b } = await testHost();
  const inventory = writeFile("two-hosts.yaml", `hosts:\n${hostEntry("tt-a", a)}${hostEntry("tt-b", b)}`);
  const r = await tracetaxAsync(["run", "experiments/zinke2009.yaml", "--hosts", inventory, "--on", "tt-a,tt-b", "--rounds", "3", "--trials", "1", ...runArgs("two")]);
  assert.equal(r.status, 0, r.stderr);
  const { runDir, manifest } = manifestOf(r.stdout);
  for (const name of ["tt-a", "tt-b"]) {
    const facts = manifest.hosts[name];
    assert.equal(facts.name, name);
    assert.equal(facts.os, "Linux");
    assert.match(facts.compiler, /cc|gcc|clang/);
    assert.ok(facts.cores >= 1 && facts.tscHz! > 1e8);
    assert.match(facts.fingerprint!, /; \d+ cores; [\d.]+ GiB; TSC [\d.]+ GHz$/);
    assert.equal(facts.ptraceAttach?.allowed, true);
    const cells = manifest.cells.filter((c) => c.host === name);
    assert.equal(cells.length, 64);
    for (const c of cells) assert.notEqual(c.status, "failed", `${c.id}: ${c.reason}`);
    assert.ok(cells.filter((c) => c.tracer === "ptrace").every((c) => c.status === "done"));
    assert.match(readFileSync(join(runDir, "logs", `${name}-build.log`), "utf8"), /cc .*-o build\/tt-driver driver\.c/);
    assert.ok(existsSync(join(runDir, "logs", `${name}-driver.log`)));
  }
  assert.equal(manifest.hosts["tt-a"].fingerprint, manifest.hosts["tt-b"].fingerprint, "one physical machine behind both");
  const raw = readRawCsv(join(runDir, "raw.csv"));
  for (const name of ["tt-a", "tt-b"]) {
    const done = manifest.cells.filter((c) => c.host === name && c.status === "done");
    assert.equal(raw.filter((row) => row.host === name).length, done.length * 3);
  }
  assert.deepEqual(await leftoverSsh(), [], "every shared connection was closed");
});

test("an unreachable host and a changed host key fail their cells with ssh's words; the other host is measured; exit 1", async () => {
    const { ns: down } = await testHost({ down: true });
    const otherKey = makeKey(join(dir, "other_host_key"));
    const wrongKnownHosts = writeFile("known_hosts_wrong", `${a.address} ${otherKey}\n`);
    const wrongConfig = join(dir, "ssh_config_wrong");
    writeClientConfig(wrongConfig, { identity: key.client, knownHosts: wrongKnownHosts });
    const inventory = writeFile(
      "failing-hosts.yaml",
      `hosts:\n${hostEntry("tt-a", a)}${hostEntry("tt-down", down)}${hostEntry("tt-spoofed", a, wrongConfig)}`,
    );
    const spec = writeFile("small.yaml", SMALL_SPEC);
    const r = await tracetaxAsync(["run", spec, "--hosts", inventory, "--on", "tt-a,tt-down,tt-spoofed", ...runArgs("failing")]);
    assert.equal(r.status, 1, r.stderr);
    const { manifest } = manifestOf(r.stdout);
    const cellsOf = (host: string) => manifest.cells.filter((c) => c.host === host);
    assert.ok(cellsOf("tt-a").every((c) => c.status === "done"), "the reachable host is measured");
    for (const c of cellsOf("tt-down")) {
      assert.equal(c.status, "failed");
      assert.match(c.reason!, new RegExp(`cannot reach tt-down over ssh \\(root@${down.address.replaceAll(".", "\\.")}\\): .*Connection refused`));
    }
    for (const c of cellsOf("tt-spoofed")) {
      assert.equal(c.status, "failed");
      assert.match(c.reason!, /REMOTE HOST IDENTIFICATION HAS CHANGED.*Host key verification failed/);
    }
    assert.match(r.stderr, /tracetax: host tt-down: cannot reach tt-down over ssh/);
  assert.match(r.stderr, /tracetax: host tt-spoofed: cannot reach tt-spoofed over ssh/);
});

test("a key the host refuses and a host whose compiler fails fail their cells with the real messages; exit 1", async () => {
  // A lab host whose cc breaks on every file: gcc itself, told to include a header that does not exist.
  const brokenBin = join(dir, "broken-bin");
  execFileSync("mkdir", ["-p", brokenBin]);
  writeFileSync(join(brokenBin, "cc"), '#!/bin/sh\nexec gcc "$@" -include /nonexistent/lab-config.h\n', { mode: 0o755 });
  const { ns: broken } = await testHost({ env: { PATH: `${brokenBin}:/usr/sbin:/usr/bin:/sbin:/bin` } });
  const strangerConfig = join(dir, "ssh_config_stranger");
  writeClientConfig(strangerConfig, { identity: join(dir, "stranger_key"), knownHosts });
  makeKey(join(dir, "stranger_key")); // a key that is not in authorized_keys
  const inventory = writeFile(
    "refusing-hosts.yaml",
    `hosts:\n${hostEntry("tt-a", a)}${hostEntry("tt-stranger", a, strangerConfig)}${hostEntry("tt-broken", broken)}`,
  );
  const spec = writeFile("small.yaml", SMALL_SPEC);
  const r = await tracetaxAsync(["run", spec, "--hosts", inventory, "--on", "tt-a,tt-stranger,tt-broken", ...runArgs("refusing")]);
  assert.equal(r.status, 1, r.stderr);
  const { manifest } = manifestOf(r.stdout);
  const cellsOf = (host: string) => manifest.cells.filter((c) => c.host === host);
  assert.ok(cellsOf("tt-a").every((c) => c.status === "done"), "the host that works is measured");
  assert.ok(cellsOf("tt-stranger").length > 0 && cellsOf("tt-broken").length > 0);
  for (const c of cellsOf("tt-stranger")) {
    assert.equal(c.status, "failed");
    assert.match(c.reason!, /cannot reach tt-stranger over ssh .*Permission denied \(publickey\)/);
  }
  for (const c of cellsOf("tt-broken")) {
    assert.equal(c.status, "failed");
    assert.match(c.reason!, /\/nonexistent\/lab-config\.h: No such file or directory/);
  }
  assert.deepEqual(await leftoverSsh(), [], "every shared connection was closed");
});

test("a macro spec on an SSH host: inputs generated there from the seed, every workload measured there, the report per host", async () => {
  const inventory = writeFile("macro-hosts.yaml", `hosts:\n${hostEntry("tt-a", a)}`);
  const spec = writeFile(
    "macro.yaml",
    `kind: macro
name: remote-macro
title: macrobenchmarks on a lab host
hosts: [tt-a]
mechanisms: [none, ptrace, seccomp-notify]
repetitions: 2
timeoutSeconds: 30
workloads:
  - {type: find, dirs: 12, files: 90, maxFileBytes: 100, seed: 4}
  - {type: gzip, bytes: 100000, content: text, seed: 4}
  - {type: server, requests: 400, concurrency: 2, modes: [close], calls: [all, socket]}
`,
  );
  const r = await tracetaxAsync(["run", spec, "--hosts", inventory, "--keep-inputs", "--results", join(dir, "results-macro"), "--report-root", join(dir, "report-macro")]);
  assert.equal(r.status, 0, r.stderr);
  const runDir = /^results: (.+)$/m.exec(r.stdout)![1];
  const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MacroManifest;
  assert.equal(manifest.hosts["tt-a"].name, "tt-a");
  const skipped = manifest.cells.filter((m) => m.status !== "done");
  assert.deepEqual(skipped.map((m) => `${m.host} ${m.workload} ${m.mechanism} ${m.calls} ${m.status}`), ["tt-a server-close ptrace socket skipped"]);
  const rows = readMacroCsv(runDir);
  assert.equal(rows.length, (3 + 3 + 4) * 2);
  assert.ok(rows.every((x) => x.host === "tt-a" && x.exit === "0" && !x.errors));
  assert.ok(rows.filter((x) => x.mechanism !== "none").every((x) => x.stops! > 0));
  // The host's work directory is a path of this machine too (the namespaces share its files): the kept inputs are there.
  const tree = join(dir, "remote-tt-a", `${manifest.runId}-scratch`, "find");
  const entries = readdirSync(tree, { recursive: true, withFileTypes: true });
  assert.equal(entries.filter((e) => e.isDirectory()).length, 12);
  assert.equal(entries.filter((e) => e.isFile()).length, 90);
  const index = readFileSync(/^report: (.+)$/m.exec(r.stdout)![1], "utf8");
  assert.match(index, /<h2>Host tt-a<\/h2>/);
  assert.match(index, /figures\/tt-a-server\.svg/);
  assert.deepEqual(await leftoverSsh(), [], "every shared connection was closed");
});

test("hosts check says per host whether it is reachable, its OS and compiler, ptrace access and which mechanisms it serves", async () => {
  const { ns: down } = await testHost({ down: true });
  const inventory = writeFile("check-hosts.yaml", `hosts:\n${hostEntry("tt-a", a)}${hostEntry("tt-off", down)}`);
  // Its probes run the observers, which change machine-wide state (tracefs, BPF), and it replays their journals.
  const r = await withMachineLock("hosts check", () => tracetaxAsync(["hosts", "check", "--hosts", inventory, "--on", "tt-a,tt-off"]));
  assert.equal(r.status, 1, r.stderr);
  const [good, off] = r.stdout.split(/^(?=tt-off$)/m);
  assert.match(good, /^tt-a\n {2}reachable {3}yes\n/);
  assert.match(good, /^ {2}os {10}Linux: .+, kernel /m);
  assert.match(good, /^ {2}compiler {4}\S+/m);
  assert.match(good, /^ {2}ptrace {6}attach allowed: /m);
  assert.match(good, /^ {2}mechanisms {2}none: yes$/m);
  assert.match(good, /^ {14}ptrace: yes$/m, "probed on the host: the kernel lets the tracer attach");
  assert.match(good, /^ {14}systrace: no \(systrace is an OpenBSD kernel facility/m);
  assert.match(off, /^tt-off\n {2}reachable {3}no: cannot reach tt-off over ssh .*Connection refused/);
});

test("a connection lost in the middle of a block keeps every trial finished before it", async () => {
  const { ns, sshd } = await testHost();
  const inventory = writeFile("drop-host.yaml", `hosts:\n${hostEntry("tt-drop", ns)}`);
  // Enough traced rounds that the block is still running when its first trials have ended.
  const spec = writeFile("long.yaml", SMALL_SPEC.replace("rounds: 3", "rounds: 20000").replace("[write, close]", "[open, write, close, open-write-close]"));
  const results = join(dir, "results-drop");
  const run = tracetaxAsync(["run", spec, "--hosts", inventory, "--on", "tt-drop", ...runArgs("drop")]);
  let finished = 0;
  for (let waited = 0; finished === 0 && waited < 60_000; waited += 100) {
    await sleep(100);
    const runs = existsSync(results) ? readdirSync(results).filter((d) => d !== "reference") : [];
    finished = runs.length === 1 ? readTrialsCsv(join(results, runs[0])).length : 0;
  }
  assert.ok(finished > 0, "a first trial ended");
  await sshd!.stop(); // sshd and every session under it: the connection is gone
  const r = await run;
  assert.equal(r.status, 1, r.stderr);
  const { runDir, manifest } = manifestOf(r.stdout);
  const trials = readTrialsCsv(runDir);
  assert.ok(trials.length >= finished && trials.length < manifest.cells.length, `${trials.length} trials kept, none lost, the block cut short`);
  assert.equal(readRawCsv(join(runDir, "raw.csv")).length, trials.length * 20000, "each finished trial's rounds are in raw.csv");
  for (const c of manifest.cells) {
    assert.equal(c.status, "failed", "the run's one block did not end: no cell has all its trials");
    assert.match(c.reason!, /not measured: the connection to tt-drop failed: |the driver ended/);
  }
  assert.equal(tracetax(["analyze", runDir]).status, 0);
  const verified = tracetax(["verify", runDir]);
  assert.equal(verified.status, 0, `what was kept agrees with itself: ${verified.stdout}`);
});

/**
 * A dual-boot rig: two namespaces stand for the two personalities of one
 * machine. The boot command (run over ssh, as a real one would be) leaves a
 * request file naming the entry to boot; the test then "reboots": it kills
 * the running personality's sshd with its sessions and starts the one asked
 * for (the same one again, in a boot of its own: a new boot id).
 */
async function dualBootRig(tag: string, secondOs: string, spec = SMALL_SPEC) {
  const one = await testHost();
  const two = await testHost({ down: true });
  const request = join(dir, `boot-request-${tag}`);
  const boot = `echo {entry} > ${request}`;
  const inventory = writeFile(
    `machine-${tag}.yaml`,
    `hosts:\n${hostEntry(`${tag}-one`, one.ns)}${hostEntry(`${tag}-two`, two.ns)}` +
      `machines:\n  ${tag}:\n    personalities:\n` +
      `      one: { host: ${tag}-one, os: Linux, entry: one, boot: "${boot}" }\n` +
      `      two: { host: ${tag}-two, os: ${secondOs}, entry: two, boot: "${boot}" }\n` +
      "    switchBack: true\n    bootTimeoutSeconds: 60\n",
  );
  const rig = { boots: 0, up: "one" as "one" | "two", stop: false, sshd: { one: one.sshd, two: two.sshd } };
  const watcher = (async () => {
    while (!rig.stop) {
      await sleep(100);
      if (!existsSync(request)) continue;
      const next = readFileSync(request, "utf8").trim() as "one" | "two";
      unlinkSync(request);
      rig.boots++;
      await rig.sshd[rig.up]!.stop();
      rig.sshd[next] = await startSshd(next === "one" ? one.ns : two.ns);
      rig.up = next;
    }
  })();
  const run = async () => {
    const r = await tracetaxAsync(["run", writeFile(`spec-${tag}.yaml`, spec), "--hosts", inventory, "--on", tag, ...runArgs(tag)], 110_000);
    rig.stop = true;
    await watcher;
    return r;
  };
  return { rig, run };
}

test("a dual-boot machine: measure the personality that is up, boot the other, verify it, measure, boot back", async () => {
  const { rig, run } = await dualBootRig("duo", "Linux");
  const r = await run();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(rig.boots, 2, "booted the second personality, then back");
  assert.equal(rig.up, "one");
  assert.match(r.stderr, /\[duo\] booting two \(duo-two\): running the boot command of one on duo-one/);
  assert.match(r.stderr, /\[duo\] two is up \(Linux\) after \d+ s of 60 s/);
  const { manifest } = manifestOf(r.stdout);
  assert.ok(manifest.cells.length > 0 && manifest.cells.every((c) => c.status === "done"), JSON.stringify(manifest.cells.filter((c) => c.status !== "done")));
  assert.equal(manifest.hosts["duo-one"].fingerprint, manifest.hosts["duo-two"].fingerprint);
});

test("a macro run switches a dual-boot machine as a micro run does: every cell measured under its personality", async () => {
  const macro = "kind: macro\nname: dual\ntitle: dual\nmechanisms: [none, seccomp-allow]\nrepetitions: 2\nworkloads:\n  - {type: gzip, bytes: 100000, content: text, seed: 2}\n";
  const { rig, run } = await dualBootRig("mduo", "Linux", macro);
  const r = await run();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(rig.boots, 2, "booted the second personality, then back");
  const { manifest, runDir } = manifestOf(r.stdout);
  assert.equal(manifest.kind, "macro");
  assert.deepEqual(manifest.cells.map((c) => `${c.id} ${c.status}`).sort(), [
    "mduo-one/gzip/none/all done", "mduo-one/gzip/seccomp-allow/all done", "mduo-two/gzip/none/all done", "mduo-two/gzip/seccomp-allow/all done",
  ]);
  assert.deepEqual([...new Set(readMacroCsv(runDir).map((row) => row.host))].sort(), ["mduo-one", "mduo-two"]);
});

test("a dual-boot machine that comes up with the wrong OS is left alone; what was measured is kept", async () => {
  const { rig, run } = await dualBootRig("wrong", "OpenBSD");
  const r = await run();
  assert.equal(r.status, 1, r.stderr);
  assert.equal(rig.boots, 1, "no switching back from a machine that is not what it should be");
  const { manifest } = manifestOf(r.stdout);
  const one = manifest.cells.filter((c) => c.host === "wrong-one");
  const two = manifest.cells.filter((c) => c.host === "wrong-two");
  assert.ok(one.length > 0 && one.every((c) => c.status === "done"));
  assert.ok(two.length > 0);
  for (const c of two) {
    assert.equal(c.status, "failed");
    assert.match(c.reason!, /^wrong: after the boot command of one, wrong-two runs Linux, not OpenBSD; stopped measuring this machine$/);
  }
  assert.match(r.stderr, /tracetax: host wrong: after the boot command of one, wrong-two runs Linux, not OpenBSD/);
});

test("reboot: per-personality: a machine found running is rebooted before it is measured, each personality in a boot of its own, proven by its boot id", async () => {
  const { rig, run } = await dualBootRig("krun", "Linux", `${SMALL_SPEC}reboot: per-personality\n`);
  const r = await run();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(rig.boots, 2, "the other personality, then the one found running again");
  assert.equal(rig.up, "one");
  const { manifest } = manifestOf(r.stdout);
  assert.ok(manifest.cells.length > 0 && manifest.cells.every((c) => c.status === "done"));
  const m = manifest.machines!.krun;
  assert.equal(m.reboot, "per-personality");
  assert.deepEqual(
    m.switches.map((s) => [s.how, s.wanted, s.cameUp, s.outcome]),
    [["found running", null, "one", "up"], ["reboot", "two", "two", "up"], ["reboot", "one", "one", "up"]],
  );
  const [found, two, one] = m.switches.map((s) => s.bootId);
  assert.equal(new Set([found, two, one]).size, 3, "every boot has a boot id of its own");
  assert.equal(m.personalities.one.bootId, one, "one was measured in the boot it was rebooted into, not the one found running");
  assert.equal(m.personalities.one.bootIdAfter, one, "and was still in it when its cells had ended");
  assert.equal(m.personalities.two.bootIdAfter, two);
});

test("reboot: between-blocks: every window of blocks of every personality in a boot of its own, each trial in the boot its window was measured in", async () => {
  const spec = `${SMALL_SPEC.replace("trials: 1", "trials: 4")}reboot: between-blocks\nblocksPerBoot: 2\n`;
  const { rig, run } = await dualBootRig("blk", "Linux", spec);
  const r = await run();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(rig.boots, 4, "two windows of two personalities, each in a boot of its own, the one found running rebooted first");
  assert.equal(rig.up, "one");
  const { runDir, manifest } = manifestOf(r.stdout);
  assert.ok(manifest.cells.length > 0 && manifest.cells.every((c) => c.status === "done"), JSON.stringify(manifest.cells));
  const m = manifest.machines!.blk;
  assert.equal(m.reboot, "between-blocks");
  assert.deepEqual(
    m.switches.map((s) => [s.how, s.wanted, s.cameUp, s.outcome]),
    [["found running", null, "one", "up"], ["reboot", "one", "one", "up"], ["reboot", "two", "two", "up"], ["reboot", "two", "two", "up"], ["reboot", "one", "one", "up"]],
  );
  const boots = m.switches.slice(1).map((s) => s.bootId!);
  assert.equal(new Set([m.switches[0].bootId, ...boots]).size, 5, "every boot has a boot id of its own");
  // The second window takes the personalities in the other order.
  assert.deepEqual(
    m.windows!.map((w) => [w.personality, w.first, w.last, w.bootId]),
    [["one", 1, 2, boots[0]], ["two", 1, 2, boots[1]], ["two", 3, 4, boots[2]], ["one", 3, 4, boots[3]]],
  );
  const trials = readTrialsCsv(runDir);
  assert.equal(trials.length, manifest.cells.length * 4);
  for (const t of trials) {
    const w = m.windows!.find((w) => `blk-${w.personality}` === t.host && w.first <= t.block && t.block <= w.last)!;
    assert.equal(t.boot_id, w.bootId, `${t.host} block ${t.block} ran in the boot of its window`);
  }
  // Measured only (--no-report): the report asks for the analysis first, and writes nothing.
  const report = join(dir, "report-blk-out");
  const early = tracetax(["report", runDir, "--out", report]);
  assert.equal(early.status, 2);
  assert.equal(early.stderr.trim(), `tracetax: ${runDir}: not analysed yet (no summary.csv): run tracetax analyze ${runDir} first`);
  assert.equal(existsSync(report), false);
  assert.equal(tracetax(["analyze", runDir]).status, 0);
  const rendered = tracetax(["report", runDir, "--out", report]);
  assert.equal(rendered.status, 0, rendered.stderr);
  assert.match(readFileSync(join(report, "index.html"), "utf8"), /Blocks by boot/);
  for (const row of readSummaryCsv(join(runDir, "summary.csv"))) {
    assert.equal(row.boots, 2, `${row.tracer}: trials in two boots`);
    assert.ok(row.between_boot_sd !== null && row.between_boot_sd >= 0, `${row.tracer}: the level between boots is estimated`);
  }
});

test("a machine with power commands is powered on before it is measured and off at the end; a power-on that fails fails its cells with the command's words", async () => {
  const { ns } = await testHost({ down: true });
  const request = (what: string) => join(dir, `power-${what}`);
  const inventory = writeFile(
    "powered.yaml",
    `hosts:\n${hostEntry("pw-one", ns)}${hostEntry("tt-dead", ns)}` +
      "machines:\n  pw:\n    personalities:\n      one: { host: pw-one, os: Linux }\n" +
      `    power: { command: { on: "touch ${request("on")}", cycle: "touch ${request("cycle")}", off: "touch ${request("off")}" } }\n` +
      "  dead:\n    personalities:\n      one: { host: tt-dead, os: Linux }\n" +
      '    power: { command: { on: "echo the BMC does not answer >&2; exit 3", cycle: "exit 3" } }\n',
  );
  // The machine's power switch: "on" starts its sshd, "off" stops it.
  const rig = { on: 0, off: 0, stop: false, sshd: null as TestSshd | null };
  const watcher = (async () => {
    while (!rig.stop) {
      await sleep(100);
      if (existsSync(request("on"))) {
        unlinkSync(request("on"));
        rig.on++;
        rig.sshd = await startSshd(ns);
      }
      if (existsSync(request("off"))) {
        unlinkSync(request("off"));
        rig.off++;
        await rig.sshd?.stop();
      }
    }
  })();
  const r = await tracetaxAsync(["run", writeFile("small.yaml", SMALL_SPEC), "--hosts", inventory, "--on", "pw,dead", ...runArgs("powered")], 110_000);
  rig.stop = true;
  await watcher;
  assert.equal(r.status, 1, r.stderr);
  assert.deepEqual([rig.on, rig.off], [1, 1], "powered on once, off once");
  assert.equal(rig.sshd?.running, false);
  const { manifest } = manifestOf(r.stdout);
  const pw = manifest.cells.filter((c) => c.host === "pw-one");
  assert.ok(pw.length > 0 && pw.every((c) => c.status === "done"), JSON.stringify(pw));
  assert.deepEqual(manifest.machines!.pw.switches.map((s) => [s.how, s.cameUp, s.outcome]), [["power-on", "one", "up"]]);
  assert.equal(manifest.machines!.pw.power?.controller, "command");
  for (const c of manifest.cells.filter((c) => c.host === "tt-dead")) {
    assert.equal(c.status, "failed");
    assert.equal(c.reason, "dead: powering on failed: the power on command of dead exited with status 3: the BMC does not answer");
  }
});
