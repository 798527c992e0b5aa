/*
 * ebpf-count: a BPF program on the raw_syscalls:sys_enter raw tracepoint
 * counts the measured process's calls per system call in a map, read once
 * at the end: observation with nothing leaving the kernel while it runs.
 * tt-ebpf (ebpf.c) loads it; a whole program is filtered by the cgroup
 * tt-macro puts it in.
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_ebpf_count = {
	.name = "ebpf-count",
	.os = "Linux",
	.global = TT_GLOBAL_RUN,
	.selections = TT_SELECTS(TT_SELECT_ALL) | TT_SELECTS(TT_SELECT_SOCKET),
	.bench = { .observer = "tt-ebpf", .calls = 1 },
	.program = { .observer = "tt-ebpf", .calls = 1, .cgroup = 1 },
};
