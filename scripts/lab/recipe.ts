import { createHash } from "node:crypto";

/**
 * Everything that goes into the lab machine's disk image, as data: a build
 * is cached under the hash of this object, so a change here makes a new image
 * and nothing else does. (The user's ssh key is added when the image is
 * written out, so it is not part of the recipe.)
 */
export const LAB_RECIPE = {
  format: 1,
  suite: "bookworm",
  sources: ["deb http://deb.debian.org/debian bookworm main", "deb http://deb.debian.org/debian-security bookworm-security main"],
  packages: [
    "systemd-sysv", "udev", "dbus", "kmod", "iproute2",
    "openssh-server",
    "gcc", "make", "libc6-dev", "strace", // native/ is built and run there
    "initramfs-tools", "grub2-common", // grub-reboot picks the next boot
    "linux-image-amd64", // Linux 6.1, bookworm's own
    "linux-image-6.12-amd64", // Linux 6.12, from bookworm's security updates
  ],
  // A small initramfs (MODULES=list): what finds the root file system on a virtio disk, nothing else.
  initramfsModules: ["virtio_pci", "virtio_blk", "ext4"],
  // Jobs that would wake up in the middle of a measurement, and a wait the boot does not need.
  masked: [
    "apt-daily.timer", "apt-daily-upgrade.timer", "dpkg-db-backup.timer", "fstrim.timer", "e2scrub_all.timer", "man-db.timer",
    "systemd-networkd-wait-online.service",
  ],
  hostname: "tracetax-lab",
  diskMiB: 4096,
  rootUuid: "5a1d0c8e-7b4f-4c2e-9d3a-2f6e0b9c1a47",
  /** How each kernel's release looks (uname -r), to find it in /boot and to prove it booted. */
  kernels: { "6.1": "6.1.*", "6.12": "6.12.*" } as Record<string, string>,
  // tsc=reliable: the kernel trusts the emulated TSC instead of falling back to a slow clock source.
  commandLine: ["ro", "console=ttyS0,115200", "tsc=reliable"],
  /** GRUB's menu entries: each is a personality of the lab machine; the first is the default. */
  entries: [
    { id: "linux-6.1", kernel: "6.1", words: [] as string[] },
    { id: "linux-6.1-nomitigations", kernel: "6.1", words: ["mitigations=off"] },
    { id: "linux-6.12", kernel: "6.12", words: [] as string[] },
  ],
};

export type LabEntry = (typeof LAB_RECIPE.entries)[number];

/** The recipe's hash: the name of its build in the cache. */
export function recipeHash(recipe = LAB_RECIPE): string {
  return createHash("sha256").update(JSON.stringify(recipe)).digest("hex").slice(0, 16);
}

/** The words that set one entry apart from the others: those it must have, and those of others it must not. */
export function entryProof(entry: LabEntry, recipe = LAB_RECIPE): { kernel: string; cmdline: string[]; cmdlineAbsent: string[] } {
  const others = recipe.entries.flatMap((e) => e.words).filter((w) => !entry.words.includes(w));
  return { kernel: recipe.kernels[entry.kernel], cmdline: entry.words, cmdlineAbsent: [...new Set(others)] };
}
