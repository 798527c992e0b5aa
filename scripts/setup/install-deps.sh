#!/bin/sh
# Install the Debian packages that `make run` or `make test` needs, and only
# those that are missing. Runs before every `make run` and `make test`, so the
# common case (all there) is one dpkg-query and nothing else: no stamp file
# that could go stale when a package is removed.
#
# Usage: install-deps.sh run|test   (test installs the run's packages too)
set -eu

# One package a line: the purpose that needs it, the Debian package (a real
# one, not a virtual name: dpkg-query would never see it installed), and why
# (no single quote inside: the list is one single-quoted string).
PACKAGES='
run   gcc             cc builds native/
run   make            builds native/
run   libc6-dev       the C headers and start files native/ is built with
run   strace          the strace and strace-seccomp mechanisms run it
run   clang           compiles the BPF programs of ebpf-count and ebpf-ringbuf (-target bpf)
run   bpftool         dumps the kernel BTF (vmlinux.h) and makes the libbpf skeleton
run   libbpf-dev      the library and headers tt-ebpf loads its BPF programs with
run   libelf-dev      libbpf links against libelf
run   zlib1g-dev      libbpf links against zlib
run   bpftrace        the bpftrace mechanism runs it
run   linux-perf      the perf-trace mechanism runs perf trace
run   auditd          the consumer of the audit mechanism (installed, never started as a service)
test  bmake           the test that native/ builds with BSD make
test  chromium        the browser test of the report opens /usr/bin/chromium
test  openssh-server  the SSH tests start real sshds as test hosts
test  openssh-client  ssh reaches those hosts; ssh-keygen makes their keys
test  iproute2        ip makes the network namespaces the test hosts live in
test  qemu-system-x86 the lab VM tests boot the lab image with QEMU, the qemu power controller of lab machines
test  qemu-utils      qemu-img makes the copy-on-write disk each lab VM runs on
test  mmdebstrap      tracetax lab build makes the root file system of the lab image (Debian 12)
test  fdisk           sfdisk writes the partition table of the lab image, without a loop device
test  grub-pc-bin     the BIOS boot code, core image and modules of GRUB for the lab image
'

case ${1:-} in
run) purposes=' run ' ;;
test) purposes=' run test ' ;;
*)
	echo "usage: $0 run|test" >&2
	exit 2
	;;
esac

say() { echo "install-deps: $*" >&2; }

# Debian's own nodejs is 18; tracetax needs 20, so apt cannot help here.
node_version=$(node --version 2>/dev/null || true)
node_major=$(echo "$node_version" | sed -n 's/^v\([0-9][0-9]*\)\..*/\1/p')
if [ "${node_major:-0}" -lt 20 ]; then
	say "tracetax needs Node.js 20 or later with npm (found: ${node_version:-no node on PATH}); Debian 12's nodejs package is 18, install a newer Node.js first"
	exit 1
fi

wanted=$(echo "$PACKAGES" | awk -v p="$purposes" 'NF && index(p, " " $1 " ") { print $2 }')

if ! command -v dpkg-query >/dev/null 2>&1; then
	say "not a Debian system: cannot check for the packages make $1 needs; make sure these (or your system's equivalents) are installed:" $wanted
	exit 0
fi

# Unknown packages make dpkg-query complain and exit 1; they count as missing.
installed=" $(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $wanted 2>/dev/null | awk '$2 == "ii" { printf "%s ", $1 }')"
missing=
for p in $wanted; do
	case $installed in
	*" $p "*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	say "make $1 needs Debian packages that are not installed:$missing"
	say "install them as root: apt-get update && apt-get install -y --no-install-recommends$missing"
	exit 1
fi
say "installing what make $1 needs:$missing"
export DEBIAN_FRONTEND=noninteractive
# auditd's package starts the daemon, which would load the system's rules and
# enable audit for the rest of the boot: masked first where systemd runs
# (elsewhere invoke-rc.d finds no runlevel, or policy-rc.d refuses, and
# nothing starts); the audit mechanism starts its own auditd.
case " $missing " in
*" auditd "*) [ -d /run/systemd/system ] && systemctl mask auditd.service >/dev/null 2>&1 ;;
esac
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
