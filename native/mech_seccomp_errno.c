/*
 * seccomp-errno: the filter refuses the measured calls with EPERM, decided
 * in the kernel: systrace's NEVER. A whole program would only fail under it.
 */
#include "mechanism.h"
#include "seccomp_filter.h"

const struct tt_mechanism tt_mech_seccomp_errno = {
	.name = "seccomp-errno",
	.os = "Linux",
	TT_FILTER(SECCOMP_RET_ERRNO | TT_FILTER_ERRNO),
	.bench = { .self = "seccomp-errno" },
};
