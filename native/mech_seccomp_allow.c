/* seccomp-allow: a filter that matches the selected calls and allows them: the price of the kernel's seccomp path. */
#include "mechanism.h"
#include "seccomp_filter.h"

const struct tt_mechanism tt_mech_seccomp_allow = {
	.name = "seccomp-allow",
	.os = "Linux",
	.selections = TT_SELECTS(TT_SELECT_ALL) | TT_SELECTS(TT_SELECT_SOCKET),
	TT_FILTER(SECCOMP_RET_ALLOW),
	.bench = { .self = "seccomp-allow" },
};
