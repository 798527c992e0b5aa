/*
 * The one ptrace loop, what tt-ptrace does for the microbenchmark and
 * tt-macro for every task of a whole program: seize, then at each stop count
 * and inspect system-call stops and let the task go on. The caller waits.
 */
#ifndef TT_PTRACE_LOOP_H
#define TT_PTRACE_LOOP_H

#include <sys/types.h>

#include "inspect.h"

struct tt_ptrace {
	int seccomp_only;  /* stop only where the task's own filter says SECCOMP_RET_TRACE */
	int follow;        /* trace the tasks it makes too (fork, vfork, clone) */
	int inspect;       /* the inspect handler at each stop; else the null handler */
	unsigned long stops;
	const char *failed; /* the request ptrace refused */
#if defined(__linux__)
	struct tt_inspection seen;
#endif
};

#if defined(__linux__)

/* Become the task's tracer (PTRACE_SEIZE); if we die, the kernel kills it (PTRACE_O_EXITKILL). 0, or -1 with errno. */
int tt_ptrace_seize(const struct tt_ptrace *t, pid_t pid);

/*
 * A stop of a traced task, as waitpid reported it: count and inspect a
 * system-call stop, then let the task run on to its next one, or with
 * detach let go of it, delivering the signal it stopped for. A group stop
 * stays a stop (PTRACE_LISTEN). 0, or -1 with errno and t->failed set.
 */
int tt_ptrace_continue(struct tt_ptrace *t, pid_t pid, int status, int detach);

#endif
#endif
