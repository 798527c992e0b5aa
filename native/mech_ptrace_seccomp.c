/*
 * ptrace-seccomp: the measured process's own seccomp filter returns
 * SECCOMP_RET_TRACE for the selected calls, and the tracer, woken for those
 * only (PTRACE_O_TRACESECCOMP), lets everything else run.
 */
#include "mechanism.h"
#include "seccomp_filter.h"

const struct tt_mechanism tt_mech_ptrace_seccomp = {
	.name = "ptrace-seccomp",
	.os = "Linux",
	.handlers = 1,
	.selections = TT_SELECTS(TT_SELECT_ALL) | TT_SELECTS(TT_SELECT_SOCKET),
	TT_FILTER(SECCOMP_RET_TRACE),
	.bench = { .self = "seccomp-trace", .observer = "tt-ptrace", .observer_flag = "-s" },
	.program = { .tracer = TT_TRACE_SECCOMP_EVENTS },
};
