/*
 * perf-trace: `perf trace -p PID`, every system call of the measured
 * process printed as it happens, from the syscall tracepoints through
 * perf's ring buffers (tt-perf-trace reads and counts its lines). Only for
 * the microbenchmark: attached by PID, it would miss the processes a whole
 * program starts.
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_perf_trace = {
	.name = "perf-trace",
	.os = "Linux",
	.tool = "perf",
	.global = TT_GLOBAL_RUN,
	.bench = { .observer = "tt-perf-trace", .calls = 1 },
};
