/*
 * ftrace: the syscall trace events of the measured calls, for the
 * benchmark's PID only (set_event_pid), in a tracefs instance of its own,
 * read from its trace_pipe by tt-ftrace; a whole program is followed
 * through its forks (event-fork).
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_ftrace = {
	.name = "ftrace",
	.os = "Linux",
	.global = TT_GLOBAL_RUN,
	.selections = TT_SELECTS(TT_SELECT_ALL) | TT_SELECTS(TT_SELECT_SOCKET),
	.bench = { .observer = "tt-ftrace", .calls = 1 },
	.program = { .observer = "tt-ftrace", .calls = 1 },
};
