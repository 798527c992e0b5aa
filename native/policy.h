/*
 * The "inspect" handler's policy, shared by every user-space mechanism: the
 * analysis half of interception cost (the paper's [Chu] split). It looks at a
 * path the way a sandbox would and decides; the benchmark's own paths are
 * always allowed, so the decision costs time but never changes the result.
 */
#ifndef TT_POLICY_H
#define TT_POLICY_H

#include <stddef.h>

static const char *const tt_denied_prefixes[] = {
	"/etc/shadow", "/etc/gshadow", "/root/.ssh/", "/proc/kcore", "/dev/mem", "/boot/",
};

/* 1 when the path may be opened. Plain loops: this also runs inside a SIGSYS handler. */
static inline int
tt_policy_allows(const char *path)
{
	size_t i, j;

	for (i = 0; i < sizeof tt_denied_prefixes / sizeof tt_denied_prefixes[0]; i++) {
		const char *p = tt_denied_prefixes[i];
		for (j = 0; p[j] != '\0' && path[j] == p[j]; j++)
			;
		if (p[j] == '\0')
			return 0;
	}
	return 1;
}

#endif
