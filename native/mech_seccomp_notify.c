/*
 * seccomp-notify: the filter sends the selected calls to a supervisor
 * (SECCOMP_RET_USER_NOTIF), tt-seccomp-notify, which takes the listener out
 * of the measured process and answers each call CONTINUE: systrace's ASK.
 */
#include "mechanism.h"
#include "seccomp_filter.h"

const struct tt_mechanism tt_mech_seccomp_notify = {
	.name = "seccomp-notify",
	.os = "Linux",
	.handlers = 1,
	.selections = TT_SELECTS(TT_SELECT_ALL) | TT_SELECTS(TT_SELECT_SOCKET),
	TT_FILTER(SECCOMP_RET_USER_NOTIF),
	.bench = { .self = "seccomp-notify", .observer = "tt-seccomp-notify" },
	.program = { .observer = "tt-seccomp-notify" },
};
