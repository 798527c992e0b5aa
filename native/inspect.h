/*
 * The "inspect" handler of the tracers that run in their own process
 * (ptrace, seccomp-notify): read the path argument of open()/openat()/stat()
 * out of the tracee's memory and decide by the policy.
 */
#ifndef TT_INSPECT_H
#define TT_INSPECT_H

#if defined(__linux__)
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "policy.h"

struct tt_inspection {
	unsigned long paths;     /* paths read and decided on */
	char last[PATH_MAX];     /* the last of them, for checking what was seen */
};

/* The argument holding a path for the syscalls the benchmark measures, or -1. */
static inline int
tt_path_argument(long nr)
{
	switch (nr) {
#ifdef SYS_open
	case SYS_open:
	case SYS_stat:
		return 0;
#endif
	case SYS_openat:
	case SYS_newfstatat:
		return 1;
	default:
		return -1;
	}
}

/* Copy a path out of the tracee and judge it; 0 when it could not be read. */
static inline int
tt_inspect_call(pid_t pid, long nr, const uint64_t args[6], struct tt_inspection *seen)
{
	struct iovec local, remote;
	int arg = tt_path_argument(nr);
	ssize_t n;

	if (arg < 0)
		return 1;
	local.iov_base = seen->last;
	local.iov_len = sizeof seen->last - 1;
	remote.iov_base = (void *)(uintptr_t)args[arg];
	remote.iov_len = sizeof seen->last - 1;
	/* A path near the end of a mapping is short: fall back to one page. */
	if ((n = process_vm_readv(pid, &local, 1, &remote, 1, 0)) < 0) {
		remote.iov_len = local.iov_len = 4096 - ((uintptr_t)args[arg] & 4095);
		if ((n = process_vm_readv(pid, &local, 1, &remote, 1, 0)) < 0)
			return 0;
	}
	seen->last[n] = '\0';
	seen->last[strnlen(seen->last, (size_t)n)] = '\0';
	if (tt_policy_allows(seen->last))
		seen->paths++;
	return 1;
}
#endif
#endif
