/*
 * A record of tt-ebpf's ring buffer, as the BPF programs (ebpf.bpf.c) write
 * it and the consumer (ebpf.c) reads it: one at a system call's entry, one
 * at its exit. The BPF side has the kernel's types from vmlinux.h.
 */
#ifndef TT_EBPF_EVENT_H
#define TT_EBPF_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Numbers above this are not counted (x86-64 has about 460). */
#define TT_EBPF_MAX_NR 1024

/* x86-64's open and openat, whose paths the inspect handler reads. */
#define TT_EBPF_NR_OPEN 2
#define TT_EBPF_NR_OPENAT 257

enum { TT_EBPF_ENTER = 1, TT_EBPF_EXIT = 2 };

struct tt_ebpf_event {
	__u32 kind;
	__u32 pid;
	__s64 nr;
	__u64 ns;
	__u64 args[6];
	__s64 ret;
	char path[256];
};

#endif
