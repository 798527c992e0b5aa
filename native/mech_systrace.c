/*
 * systrace: OpenBSD's /dev/systrace (up to 5.9), the paper's second tracer.
 * tt-systrace attaches by PID with a policy in which the measured calls are
 * ASK, each answered from user space. Not offered for whole programs.
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_systrace = {
	.name = "systrace",
	.os = "OpenBSD",
	.bench = { .observer = "tt-systrace" },
};
