/*
 * preload: the paper's modified system library, tt-preload.so, preloaded to
 * interpose libc's functions for the measured calls and the socket calls;
 * what it does not wrap it cannot see, so it takes no "every call".
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_preload = {
	.name = "preload",
	.os = "Linux",
	.handlers = 1,
	.selections = TT_SELECTS(TT_SELECT_SOCKET),
	.bench = { .preload = "tt-preload.so" },
	.program = { .preload = "tt-preload.so" },
};
