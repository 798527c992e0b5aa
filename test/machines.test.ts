import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bootMismatch, parseBootState } from "../scripts/hosts/bootState.ts";
import { parseFacts, sameHardware } from "../scripts/hosts/facts.ts";
import { loadInventory, type Personality } from "../scripts/hosts/inventory.ts";
import { tracetax } from "./support/cli.ts";
import { removeDir, tempDir } from "./support/native.ts";

// Machines with personalities and power controllers, as far as they can be
// checked without booting anything: what an inventory may say, and how a
// boot is told from the personality asked for.

const dir = tempDir("machines");
after(() => removeDir(dir));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SPEC = file("spec.yaml", "name: t\ntitle: t\ncalls: [getppid]\nfds: [valid]\nmechanisms: [none]\nrounds: 3\ntrials: 1\n");

const HOSTS = `hosts:
  vm-a: { ssh: root@127.0.0.1, port: 2222 }
  vm-b: { ssh: root@127.0.0.1, port: 2222 }
  vm-c: { ssh: root@127.0.0.1, port: 2222 }
  far: { ssh: root@10.1.2.3 }
`;

/** A bad inventory: status 2, nothing written; what it said on stderr. */
function refused(inventory: string): string {
  const results = join(dir, "results-refused");
  const r = tracetax(["run", SPEC, "--hosts", inventory, "--on", "vm", "--results", results, "--no-report"]);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(existsSync(results), false, "nothing written");
  return r.stderr;
}

test("an inventory's machine: wrong fields are named with file, line and column; exit 2, nothing written", () => {
  const bad = file(
    "bad-fields.yaml",
    HOSTS +
      [
        "machines:",
        "  vm:",
        "    personalities:",
        '      a: { host: vm-a, os: Linux, boot: "systemctl reboot" }',
        '      b: { host: vm-b, os: Linux, entry: b, kernel: "6.1 *", boot: "grub-reboot {entry} && reboot" }',
        '      c: { host: vm-c, os: Linux, entry: c, cmdline: ["a b"], boot: "grub-reboot {entry} && reboot" }',
        "    power:",
        "      qemu: { image: lab.img, accelerator: hvf }",
        "",
      ].join("\n"),
  );
  const err = refused(bad);
  const at = (line: number, col: number) => `${bad}:${line}:${col}: `;
  assert.ok(err.includes(`${at(10, 53)}machines.vm.personalities.b.kernel: invalid kernel release pattern "6.1 *"`), err);
  assert.ok(err.includes(`${at(11, 55)}machines.vm.personalities.c.cmdline[0]: invalid kernel command-line word "a b"`), err);
  assert.ok(err.includes(`${at(13, 44)}machines.vm.power.qemu.accelerator: unknown accelerator "hvf" (known: tcg, kvm)`), err);
});

test("an inventory's machine: more than two personalities must name the next one's entry; a VM is reached at a loopback port; one power switch", () => {
  const bad = file(
    "bad-machine.yaml",
    HOSTS +
      [
        "machines:",
        "  vm:",
        "    personalities:",
        '      a: { host: vm-a, os: Linux, boot: "systemctl reboot" }',
        '      b: { host: vm-b, os: Linux, entry: b, boot: "grub-reboot {entry} && reboot" }',
        '      c: { host: far, os: Linux, entry: c, boot: "grub-reboot {entry} && reboot" }',
        "    power:",
        "      qemu: { image: lab.img }",
        "  box:",
        "    personalities:",
        "      only: { host: vm-c, os: Linux }",
        "    power:",
        "      qemu: { image: lab.img }",
        "      command: { on: poweron, cycle: cycle }",
        "",
      ].join("\n"),
  );
  const err = refused(bad);
  const at = (line: number, col: number) => `${bad}:${line}:${col}: `;
  assert.ok(err.includes(`${at(9, 41)}machines.vm.personalities.a.boot: with 3 personalities the boot command must say which one to boot`), err);
  assert.ok(err.includes(`${at(9, 10)}machines.vm.personalities.a.entry: required field missing: expected the boot entry`), err);
  assert.ok(err.includes(`${at(11, 18)}machines.vm.personalities.c.host: host "far" is reached at "root@10.1.2.3": a qemu machine is reached at a loopback address`), err);
  assert.ok(err.includes(`${at(18, 7)}machines.box.power: expected exactly one of qemu: and command:`), err);
});

test("a VM's personalities share its forwarded port; the inventory gives QEMU that port and the image's absolute path", () => {
  const good = file(
    "vm.yaml",
    HOSTS +
      [
        "machines:",
        "  vm:",
        "    personalities:",
        '      a: { host: vm-a, os: Linux, entry: linux-6.1, kernel: "6.1.*", cmdlineAbsent: [mitigations=off], boot: "grub-reboot {entry} && systemctl reboot" }',
        '      b: { host: vm-b, os: Linux, entry: linux-6.1-off, kernel: "6.1.*", cmdline: [mitigations=off], boot: "grub-reboot {entry} && systemctl reboot" }',
        '      c: { host: vm-c, os: Linux, entry: linux-6.12, kernel: "6.12.*", boot: "grub-reboot {entry} && systemctl reboot" }',
        "    power:",
        "      qemu: { image: images/lab.img, cpus: 1 }",
        "",
      ].join("\n"),
  );
  const machine = loadInventory(good).machines.get("vm")!;
  assert.deepEqual(machine.power, { kind: "qemu", image: join(dir, "images/lab.img"), accelerator: "tcg", cpus: 1, memoryMiB: 2048, forward: { address: "127.0.0.1", port: 2222 } });
  assert.deepEqual(machine.personalities.map((p) => p.name), ["a", "b", "c"]);
  const plan = tracetax(["plan", SPEC, "--hosts", good, "--on", "vm"]);
  assert.equal(plan.status, 0, plan.stderr);
  assert.match(plan.stdout, /^vm-a\/getppid\/valid\/none\/unpinned\t/m);
  assert.match(plan.stdout, /^vm-c\/getppid\/valid\/none\/unpinned\t/m);

  const apart = HOSTS.replace("vm-b: { ssh: root@127.0.0.1, port: 2222 }", "vm-b: { ssh: root@127.0.0.2, port: 2223 }");
  const split = file(
    "split.yaml",
    `${apart}machines:\n  vm:\n    personalities:\n      a: { host: vm-a, os: Linux, boot: reboot }\n      b: { host: vm-b, os: Linux, boot: reboot }\n    power:\n      qemu: { image: lab.img }\n`,
  );
  const r = tracetax(["plan", SPEC, "--hosts", split, "--on", "vm"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /machines\.vm\.power\.qemu: the personalities of one VM are reached at one address and port, got 127\.0\.0\.1 port 2222, 127\.0\.0\.2 port 2223/);
});

test("a boot is the personality asked for only with its OS, its kernel release and its command-line words", () => {
  const p: Personality = { name: "p", host: "h", os: "Linux", boot: null, entry: null, kernel: "6.1.*", cmdline: ["tsc=reliable"], cmdlineAbsent: ["mitigations=off"] };
  const boot = (release: string, cmdline: string, os = "Linux") =>
    parseBootState(`os=${os}\nrelease=${release}\nboot_id=0f1e\ncmdline=${cmdline}\nvulnerability.meltdown=Mitigation: PTI\n`);
  const good = boot("6.1.0-57-amd64", "BOOT_IMAGE=/boot/vmlinuz ro tsc=reliable");
  assert.equal(good.vulnerabilities.meltdown, "Mitigation: PTI");
  assert.equal(bootMismatch(p, good), null);
  assert.equal(bootMismatch(p, boot("6.12.41+deb12-amd64", "ro tsc=reliable")), "runs kernel 6.12.41+deb12-amd64, not 6.1.*");
  assert.equal(bootMismatch(p, boot("6.1.0-57-amd64", "ro tsc=reliable", "OpenBSD")), "runs OpenBSD, not Linux");
  assert.equal(
    bootMismatch(p, boot("6.1.0-57-amd64", "ro mitigations=off")),
    'runs kernel 6.1.0-57-amd64 booted without tsc=reliable and with mitigations=off (command line "ro mitigations=off")',
  );
  assert.notEqual(bootMismatch(p, boot("6.1.0-57-amd64", "ro tsc=reliable2")), null, "whole words only");
});

test("one machine under two kernels is the same hardware although each keeps a different share of memory; other memory, CPUs or TSC is not", () => {
  const linux61 = parseFacts("a", "os=Linux\ncpu_model=QEMU TCG CPU version 2.5+\ncores=2\nmemory_bytes=998432768\ntsc_hz=2596143000\n");
  const linux612 = parseFacts("b", "os=Linux\ncpu_model=QEMU TCG CPU  version 2.5+\ncores=2\nmemory_bytes=1021177856\ntsc_hz=2596139000\n");
  assert.notEqual(linux61.fingerprint, linux612.fingerprint, "the rounded fingerprints fall on either side of a boundary");
  assert.equal(sameHardware(linux61, linux612), true);
  assert.equal(sameHardware(linux61, { ...linux612, memoryBytes: 2 * linux612.memoryBytes! }), false);
  assert.equal(sameHardware(linux61, { ...linux612, cores: 4 }), false);
  assert.equal(sameHardware(linux61, { ...linux612, tscHz: 2.2e9 }), false);
  assert.equal(sameHardware(linux61, { ...linux612, cpuModel: "Intel(R) Xeon(R) CPU 5120 @ 1.86GHz" }), false);
});

test("lab build refuses a key file that is not there, a bad machine name and a port out of range: exit 2, nothing written", () => {
  const out = join(dir, "lab-out");
  for (const [args, message] of [
    [["--key", join(dir, "no-such-key")], /--key .*no-such-key: no such file/],
    [["--name", "lab;rm"], /--name lab;rm: expected letters, digits/],
    [["--port", "70000"], /--port 70000: expected a port number 1-65535/],
  ] as const) {
    const r = tracetax(["lab", "build", "--out", out, ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  assert.equal(existsSync(out), false, "nothing written");
});
