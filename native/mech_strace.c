/*
 * strace: the real-world ptrace tracer, its output thrown away. tt-strace
 * attaches it to the microbenchmark by PID; a whole program runs under it.
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_strace = {
	.name = "strace",
	.os = "Linux",
	.selections = TT_SELECTS(TT_SELECT_ALL) | TT_SELECTS(TT_SELECT_SOCKET),
	.tool = "strace",
	.bench = { .observer = "tt-strace" },
	.program = { .strace = "" },
};
