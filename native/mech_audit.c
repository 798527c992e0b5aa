/*
 * audit: an always,exit rule on the measured system calls, filtered by the
 * benchmark's PID, with auditd as the consumer (tt-audit). The kernel
 * audits only processes created while audit is on, so tt-audit is armed
 * before the benchmark exists; and once audit has been on, every process
 * created later in the boot pays for an audit context unless a
 * "never,task" rule is in place, which tt-audit leaves there at the end:
 * hence TT_GLOBAL_BOOT, and runs put these cells last. Not offered for
 * whole programs: the rule follows one PID.
 */
#include "mechanism.h"

const struct tt_mechanism tt_mech_audit = {
	.name = "audit",
	.os = "Linux",
	.tool = "auditd",
	.global = TT_GLOBAL_BOOT,
	.bench = { .observer = "tt-audit", .calls = 1, .arms_first = 1 },
};
