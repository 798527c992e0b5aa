/*
 * bpftrace: the tool itself, a one-liner counting the measured process's
 * system calls on the raw_syscalls:sys_enter tracepoint (tt-bpftrace); a
 * whole program is filtered by the cgroup tt-macro puts it in.
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_bpftrace = {
	.name = "bpftrace",
	.os = "Linux",
	.tool = "bpftrace",
	.global = TT_GLOBAL_RUN,
	.selections = TT_SELECTS(TT_SELECT_ALL) | TT_SELECTS(TT_SELECT_SOCKET),
	.bench = { .observer = "tt-bpftrace", .calls = 1 },
	.program = { .observer = "tt-bpftrace", .calls = 1, .cgroup = 1 },
};
