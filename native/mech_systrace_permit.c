/* systrace-permit: systrace with every call PERMIT, decided in the kernel: its fast path alone. */
#include "mechanism.h"

const struct tt_mechanism tt_mech_systrace_permit = {
	.name = "systrace-permit",
	.os = "OpenBSD",
	.bench = { .observer = "tt-systrace", .observer_flag = "-k" },
};
