#if defined(__linux__)
#define _GNU_SOURCE
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <signal.h>

#include "ptrace_loop.h"

int
tt_ptrace_seize(const struct tt_ptrace *t, pid_t pid)
{
	long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL;

	if (t->seccomp_only)
		options |= PTRACE_O_TRACESECCOMP;
	if (t->follow)
		options |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
	return (int)ptrace(PTRACE_SEIZE, pid, 0, (void *)options);
}

/* The inspect handler: the call as the kernel reports it, at entry or at a seccomp stop. */
static int
inspect_stop(struct tt_ptrace *t, pid_t pid)
{
	struct __ptrace_syscall_info info; /* glibc 2.31+ */

	if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info) <= 0) {
		t->failed = "PTRACE_GET_SYSCALL_INFO";
		return -1;
	}
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
		tt_inspect_call(pid, (long)info.entry.nr, info.entry.args, &t->seen);
	else if (info.op == PTRACE_SYSCALL_INFO_SECCOMP)
		tt_inspect_call(pid, (long)info.seccomp.nr, info.seccomp.args, &t->seen);
	return 0;
}

int
tt_ptrace_continue(struct tt_ptrace *t, pid_t pid, int status, int detach)
{
	int sig = WSTOPSIG(status), event = status >> 16, inject = 0;
	int next = t->seccomp_only ? PTRACE_CONT : PTRACE_SYSCALL;

	if (sig == (SIGTRAP | 0x80) || event == PTRACE_EVENT_SECCOMP) {
		t->stops++;
		if (t->inspect && inspect_stop(t, pid) != 0)
			return -1;
	} else if (event == PTRACE_EVENT_STOP && !detach && (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)) {
		t->failed = "PTRACE_LISTEN";
		return (int)ptrace(PTRACE_LISTEN, pid, 0, 0);
	} else if (event == 0) {
		inject = sig; /* a signal for the task, not a ptrace event */
	}
	/* else another event (our interrupt, a fork, an exec): nothing to deliver */
	if (detach)
		next = PTRACE_DETACH;
	t->failed = next == PTRACE_DETACH ? "PTRACE_DETACH" : next == PTRACE_CONT ? "PTRACE_CONT" : "PTRACE_SYSCALL";
	return (int)ptrace(next, pid, 0, (void *)(long)inject);
}
#else
typedef int tt_no_ptrace_loop; /* ISO C wants something in a translation unit */
#endif
