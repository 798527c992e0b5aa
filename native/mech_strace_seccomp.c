/*
 * strace-seccomp: strace --seccomp-bpf, stopped only by the calls it traces.
 * strace installs that filter only in processes it starts itself, so it
 * starts the measured process, and must be told which calls.
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_strace_seccomp = {
	.name = "strace-seccomp",
	.os = "Linux",
	.selections = TT_SELECTS(TT_SELECT_SOCKET),
	.tool = "strace",
	.bench = { .strace = "--seccomp-bpf" },
	.program = { .strace = "--seccomp-bpf" },
};
