/*
 * sud: Syscall User Dispatch (sud.h): every call raises SIGSYS and a handler
 * in the process performs it. The microbenchmark turns it on around its
 * rounds; in a whole program tt-sud.so turns it on in every process.
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_sud = {
	.name = "sud",
	.os = "Linux",
	.handlers = 1,
	.selections = TT_SELECTS(TT_SELECT_ALL),
	.dispatch = 1,
	.bench = { .self = "sud" },
	.program = { .preload = "tt-sud.so" },
};
