/*
 * ptrace: the paper's tracer, stopping the traced process at the entry and
 * the exit of every system call (PTRACE_SYSCALL). tt-ptrace attaches to the
 * microbenchmark by PID; tt-macro traces every task of a whole program
 * itself, so it cannot be told to take only some calls.
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_ptrace = {
	.name = "ptrace",
	.os = "Linux",
	.handlers = 1,
	.selections = TT_SELECTS(TT_SELECT_ALL),
	.bench = { .observer = "tt-ptrace" },
	.program = { .tracer = TT_TRACE_EVERY_CALL },
};
