import { randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { entryProof, LAB_RECIPE, recipeHash, type LabEntry } from "./recipe.ts";
import { needTool } from "../hosts/tools.ts";

const GRUB_DIR = "/usr/lib/grub/i386-pc";
// The file system starts 1 MiB into the disk; GRUB's core image lives in the sectors before it.
const PARTITION_OFFSET = 1024 * 1024;

/** Where built images are kept: $XDG_CACHE_HOME/tracetax/lab, else ~/.cache/tracetax/lab. */
function labCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tracetax", "lab");
}

/** Run a program; its output goes to the build log, and a failure says what failed and how it ended. */
async function step(log: string, program: string, args: string[], input?: string): Promise<void> {
  writeFileSync(log, `$ ${program} ${args.join(" ")}\n`, { flag: "a" });
  const r = await execa(program, args, { input, stdin: input === undefined ? "ignore" : undefined, all: true, reject: false, maxBuffer: 256 << 20 });
  writeFileSync(log, r.all ? `${r.all}\n` : "", { flag: "a" });
  if (r.exitCode !== 0) {
    const last = (r.all ?? "").trim().split("\n").slice(-3).join(" | ");
    throw new Error(`${program} ${r.signal ? `was killed by ${r.signal}` : `exited with status ${r.exitCode}`}: ${last || "no output"} (log: ${log})`);
  }
}

/** The release of the one kernel in /boot whose release matches a pattern ("6.1.*"). */
function kernelRelease(root: string, pattern: string): string {
  const regex = new RegExp(`^vmlinuz-(${pattern.replace(/[.+]/g, "\\$&").replaceAll("*", ".*")})$`);
  const found = readdirSync(join(root, "boot")).flatMap((f) => regex.exec(f)?.[1] ?? []);
  if (found.length !== 1) throw new Error(`expected one kernel ${pattern} in the image's /boot, found ${found.length}: ${found.join(", ")}`);
  return found[0];
}

/** GRUB's configuration: a named entry per personality; grub-reboot's next_entry picks the next boot once. */
function grubConfig(root: string): string {
  const r = LAB_RECIPE;
  const entry = (e: LabEntry) => {
    const release = kernelRelease(root, r.kernels[e.kernel]);
    const args = [`root=UUID=${r.rootUuid}`, ...r.commandLine, ...e.words].join(" ");
    return `menuentry '${e.id}' --id ${e.id} {\n  linux /boot/vmlinuz-${release} ${args}\n  initrd /boot/initrd.img-${release}\n}\n`;
  };
  return [
    "serial --unit=0 --speed=115200",
    "terminal_input serial",
    "terminal_output serial",
    "set timeout=0",
    `set default=${r.entries[0].id}`,
    "load_env",
    'if [ "${next_entry}" ]; then',
    '  set default="${next_entry}"',
    "  set next_entry=",
    "  save_env next_entry",
    "fi",
    ...r.entries.map(entry),
  ].join("\n");
}

/** The files the recipe puts into the tree after the packages: names, network, sshd, GRUB. */
function customize(root: string): void {
  const r = LAB_RECIPE;
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("etc/hostname", `${r.hostname}\n`);
  write("etc/hosts", `127.0.0.1 localhost\n127.0.1.1 ${r.hostname}\n`);
  write("etc/fstab", `UUID=${r.rootUuid} / ext4 errors=remount-ro 0 1\n`);
  write("etc/systemd/network/50-lab.network", "[Match]\nName=en*\n\n[Network]\nDHCP=ipv4\n");
  write("etc/ssh/sshd_config.d/tracetax-lab.conf", "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUseDNS no\n");
  mkdirSync(join(root, "root/.ssh"), { recursive: true });
  chmodSync(join(root, "root/.ssh"), 0o700);
  mkdirSync(join(root, "boot/grub/i386-pc"), { recursive: true });
  for (const f of readdirSync(GRUB_DIR).filter((f) => /\.(mod|lst)$/.test(f))) copyFileSync(join(GRUB_DIR, f), join(root, "boot/grub/i386-pc", f));
  write("boot/grub/grub.cfg", grubConfig(root));
}

/**
 * The recipe's root file system, built once and kept in the cache: mmdebstrap
 * (as root, from Debian's mirrors) with the recipe's packages, then the
 * recipe's files; GRUB's boot and core images beside it, made from the same
 * GRUB as its modules. Returns the cache directory.
 */
async function buildTree(say: (text: string) => void): Promise<string> {
  const dir = join(labCacheDir(), recipeHash());
  if (existsSync(join(dir, "rootfs"))) {
    say(`reusing the image's root file system built before: ${dir}`);
    return dir;
  }
  const tools = [["mmdebstrap", "mmdebstrap"], ["grub-mkimage", "grub-pc-bin"], ["grub-editenv", "grub-common"]] as const;
  for (const [tool, pkg] of tools) needTool(tool, pkg);
  if (!existsSync(join(GRUB_DIR, "boot.img"))) throw new Error(`${GRUB_DIR}/boot.img is missing: apt-get install grub-pc-bin`);
  mkdirSync(dir, { recursive: true });
  const partial = join(dir, `rootfs.partial-${randomBytes(4).toString("hex")}`);
  const log = join(dir, "build.log");
  say(`building the image's root file system with mmdebstrap (a few minutes; log: ${log})`);
  const r = LAB_RECIPE;
  const setup = [
    'mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"',
    'echo MODULES=list > "$1/etc/initramfs-tools/conf.d/tracetax-lab.conf"',
    `printf '%s\\n' ${r.initramfsModules.join(" ")} > "$1/usr/share/initramfs-tools/modules.d/tracetax-lab"`,
  ].join(" && ");
  const units = ['chroot "$1" systemctl enable systemd-networkd', `chroot "$1" systemctl mask ${r.masked.join(" ")}`].join(" && ");
  try {
    await step(log, "mmdebstrap", [
      "--mode=root", "--variant=apt", `--include=${r.packages.join(",")}`,
      `--setup-hook=${setup}`, `--customize-hook=${units}`,
      r.suite, partial, ...r.sources,
    ]);
    customize(partial);
    await step(log, "grub-editenv", [join(partial, "boot/grub/grubenv"), "create"]);
    await step(log, "grub-mkimage", ["-O", "i386-pc", "-o", join(dir, "core.img"), "-p", "(hd0,msdos1)/boot/grub", "biosdisk", "part_msdos", "ext2"]);
    copyFileSync(join(GRUB_DIR, "boot.img"), join(dir, "boot.img"));
    writeFileSync(join(dir, "recipe.json"), `${JSON.stringify(r, null, 2)}\n`);
    renameSync(partial, join(dir, "rootfs"));
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return dir;
}

/**
 * A bootable raw disk: an MBR with one partition from 1 MiB, an ext4 file
 * system made from a copy of the tree (hard links, so the cache stays as
 * built) holding the user's key, GRUB's boot code in the MBR and its core
 * image in the sectors before the partition. No loop device, no mount.
 */
async function writeDisk(cache: string, publicKey: string, disk: string): Promise<void> {
  for (const [tool, pkg] of [["sfdisk", "fdisk"], ["mkfs.ext4", "e2fsprogs"]] as const) needTool(tool, pkg);
  const r = LAB_RECIPE;
  const log = join(cache, "build.log");
  const tree = join(cache, `disk-tree-${randomBytes(4).toString("hex")}`);
  const partial = `${disk}.partial`;
  try {
    await step(log, "cp", ["-al", join(cache, "rootfs"), tree]);
    const keys = join(tree, "root/.ssh/authorized_keys");
    if (existsSync(keys)) unlinkSync(keys); // a link into the cache: replaced, not written through
    writeFileSync(keys, `${publicKey.trim()}\n`, { mode: 0o600 });
    rmSync(partial, { force: true });
    writeFileSync(partial, "");
    await step(log, "truncate", ["-s", `${r.diskMiB}M`, partial]);
    await step(log, "sfdisk", ["-q", partial], `label: dos\nlabel-id: 0x7ac3b10c\nstart=${PARTITION_OFFSET / 512}, type=83, bootable\n`);
    const sizeKiB = r.diskMiB * 1024 - PARTITION_OFFSET / 1024;
    await step(log, "mkfs.ext4", ["-q", "-F", "-U", r.rootUuid, "-L", r.hostname, "-E", `offset=${PARTITION_OFFSET}`, "-d", tree, partial, `${sizeKiB}k`]);
    // GRUB's boot code goes before the disk signature and partition table at byte 440; its core image from sector 1.
    await step(log, "dd", [`if=${join(cache, "boot.img")}`, `of=${partial}`, "bs=440", "count=1", "conv=notrunc", "status=none"]);
    await step(log, "dd", [`if=${join(cache, "core.img")}`, `of=${partial}`, "bs=512", "seek=1", "conv=notrunc", "status=none"]);
    renameSync(partial, disk);
  } finally {
    rmSync(tree, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}

export interface LabBuild {
  dir: string; // the out directory
  image: string;
  inventory: string;
  key: string; // the private key the inventory uses
  port: number;
  cache: string;
}

/** The tree's host keys, as known_hosts lines under the name the ssh_config gives the machine. */
function knownHosts(cache: string, alias: string): string {
  const sshDir = join(cache, "rootfs/etc/ssh");
  return readdirSync(sshDir)
    .filter((f) => /^ssh_host_.*_key\.pub$/.test(f))
    .sort()
    .map((f) => {
      const [type, key] = readFileSync(join(sshDir, f), "utf8").trim().split(/\s+/);
      return `${alias} ${type} ${key}\n`;
    })
    .join("");
}

/** The user's key pair: --key's (its .pub beside it, or derived), else one made once in the out directory. */
async function keyPair(out: string, given: string | undefined): Promise<{ key: string; publicKey: string }> {
  needTool("ssh-keygen", "openssh-client");
  if (given) {
    const pub = `${given}.pub`;
    if (existsSync(pub)) return { key: given, publicKey: readFileSync(pub, "utf8") };
    const r = await execa("ssh-keygen", ["-y", "-f", given], { reject: false, stdin: "ignore" });
    if (r.exitCode !== 0) throw new Error(`cannot read the public key of ${given}: ${r.stderr.trim()}`);
    return { key: given, publicKey: r.stdout };
  }
  const key = join(out, "id_ed25519");
  if (!existsSync(key)) await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "tracetax-lab", "-f", key], { stdin: "ignore" });
  return { key, publicKey: readFileSync(`${key}.pub`, "utf8") };
}

export interface LabBuildOptions {
  out: string; // absolute
  key?: string; // absolute
  port: number;
  machine: string;
  say: (text: string) => void;
}

/**
 * `tracetax lab build`: the image (from the cache, or built), written into
 * `out` with the user's key, beside an inventory naming the machine, its
 * personalities and its QEMU, an ssh_config and a known_hosts holding the
 * image's host keys: the same keys whatever personality boots.
 */
export async function buildLab(o: LabBuildOptions): Promise<LabBuild> {
  if (process.getuid?.() !== 0) throw new Error("tracetax lab build must run as root: mmdebstrap builds the image's files owned by root");
  mkdirSync(o.out, { recursive: true });
  const cache = await buildTree(o.say);
  const { key, publicKey } = await keyPair(o.out, o.key);
  const image = join(o.out, `${o.machine}.img`);
  o.say(`writing the disk image ${image}`);
  await writeDisk(cache, publicKey, image);
  const alias = `tracetax-lab-${recipeHash()}`;
  writeFileSync(join(o.out, "known_hosts"), knownHosts(cache, alias));
  writeFileSync(
    join(o.out, "ssh_config"),
    [
      "# The lab machine's own ssh settings: its key, and its host keys (the image's, the same in every personality).",
      "Host *",
      "  User root",
      `  IdentityFile ${key}`,
      "  IdentitiesOnly yes",
      `  HostKeyAlias ${alias}`,
      `  UserKnownHostsFile ${join(o.out, "known_hosts")}`,
      "  GlobalKnownHostsFile /dev/null",
      "",
    ].join("\n"),
  );
  chmodSync(key, 0o600);
  const inventory = join(o.out, `${o.machine}.yaml`);
  writeFileSync(inventory, labInventory(o.machine, o.port));
  return { dir: o.out, image, inventory, key, port: o.port, cache };
}

/** The host name of a personality: the machine's name and what sets the entry apart ("lab-6.1-nomitigations"). */
function labHostName(machine: string, entry: LabEntry): string {
  return `${machine}-${entry.id.replace(/^linux-/, "")}`;
}

function labInventory(machine: string, port: number): string {
  const hosts = LAB_RECIPE.entries.map((e) => `  ${labHostName(machine, e)}: { ssh: root@127.0.0.1, port: ${port}, sshConfig: ssh_config }`);
  const personalities = LAB_RECIPE.entries.map((e) => {
    const { kernel, cmdline, cmdlineAbsent } = entryProof(e);
    return (
      `      ${e.id}:\n        host: ${labHostName(machine, e)}\n        os: Linux\n        entry: ${e.id}\n` +
      `        kernel: "${kernel}"\n        cmdline: [${cmdline.join(", ")}]\n        cmdlineAbsent: [${cmdlineAbsent.join(", ")}]\n` +
      `        boot: "grub-reboot {entry} && systemctl reboot"`
    );
  });
  return [
    `# Made by tracetax lab build: a Debian 12 VM run by QEMU, one personality per GRUB entry.`,
    `#   npx tracetax run experiments/mitigations.yaml --hosts ${machine}.yaml --on ${machine}`,
    "hosts:",
    ...hosts,
    "machines:",
    `  ${machine}:`,
    "    personalities:",
    ...personalities,
    "    bootTimeoutSeconds: 600",
    "    power:",
    "      qemu: { image: " + `${machine}.img, accelerator: tcg, cpus: 2, memoryMiB: 2048 }`,
    "",
  ].join("\n");
}
