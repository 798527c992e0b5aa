#!/bin/sh
# Build tt-ebpf: its BPF programs with clang -target bpf against this host's
# kernel types (vmlinux.h dumped from /sys/kernel/btf/vmlinux), a libbpf
# skeleton of them (bpftool gen skeleton), and the loader linked with
# libbpf. A host without one of these gets no tt-ebpf and a file
# tt-ebpf.why saying what is missing; the ebpf mechanisms are then skipped
# with that reason, and the rest of native/ builds as ever.
#
# Usage: build_bpf.sh BUILD_DIR CC CFLAGS
set -u
b=$1 cc=$2 cflags=$3
why=$b/tt-ebpf.why
rm -f "$b/tt-ebpf" "$why"

missing() {
	echo "$1" >"$why"
	echo "tt-ebpf not built: $1"
	exit 0
}

[ "$(uname -s)" = Linux ] || missing "eBPF needs Linux; this host runs $(uname -s)"
[ "$(uname -m)" = x86_64 ] || missing "the BPF programs read x86-64 registers; this host is $(uname -m)"
command -v clang >/dev/null 2>&1 || missing "clang is not on PATH (apt-get install clang)"
command -v bpftool >/dev/null 2>&1 || missing "bpftool is not on PATH (apt-get install bpftool)"
[ -r /sys/kernel/btf/vmlinux ] || missing "the kernel has no BTF (/sys/kernel/btf/vmlinux): it needs CONFIG_DEBUG_INFO_BTF"
printf '#include <bpf/libbpf.h>\n' | $cc -E - >/dev/null 2>&1 || missing "libbpf's headers are not installed (apt-get install libbpf-dev)"

bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$b/vmlinux.h" || missing "bpftool could not dump the kernel's BTF"
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$b" -c ebpf.bpf.c -o "$b/ebpf.bpf.o" || missing "clang could not compile ebpf.bpf.c"
bpftool gen skeleton "$b/ebpf.bpf.o" name ebpf_bpf >"$b/ebpf.skel.h" || missing "bpftool could not make the skeleton"
# shellcheck disable=SC2086 # CFLAGS is a list of flags
$cc $cflags -I"$b" -o "$b/tt-ebpf" ebpf.c watch.c calls.c -lbpf -lelf -lz || missing "tt-ebpf did not compile or link against libbpf"
