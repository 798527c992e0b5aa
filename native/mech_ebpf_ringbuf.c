/*
 * ebpf-ringbuf: BPF programs at every entry and exit of the measured
 * process's system calls write a record each into a ring buffer, which a
 * consumer process (tt-ebpf -r) drains, placed like a tracer; the inspect
 * handler has the program copy open()'s path too, judged by the consumer.
 * The shape of Falco's and Tracee's sensors.
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_ebpf_ringbuf = {
	.name = "ebpf-ringbuf",
	.os = "Linux",
	.handlers = 1,
	.global = TT_GLOBAL_RUN,
	.selections = TT_SELECTS(TT_SELECT_ALL) | TT_SELECTS(TT_SELECT_SOCKET),
	.bench = { .observer = "tt-ebpf", .observer_flag = "-r", .calls = 1 },
	.program = { .observer = "tt-ebpf", .observer_flag = "-r", .calls = 1, .cgroup = 1 },
};
