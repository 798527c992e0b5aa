/*
 * tt-ptrace: the paper's Linux tracer. Attaches to a running process by PID
 * (PTRACE_SEIZE) and stops it at every system call entry and exit
 * (PTRACE_SYSCALL), until SIGUSR1, SIGTERM or SIGINT asks it to detach;
 * the stops are handled by the ptrace loop tt-macro uses too (ptrace_loop.c).
 *
 *   tt-ptrace -p PID [-s] [-i]
 *
 * -s (ptrace-seccomp): stop only where the tracee's own seccomp filter says
 *    SECCOMP_RET_TRACE (PTRACE_O_TRACESECCOMP), and let everything else run.
 * -i (inspect handler): at each stop read the call's number and arguments
 *    and judge open()'s path by the policy; without it the tracer only
 *    resumes the tracee (the null handler).
 *
 * Prints "attached" once tracing is active and, after detaching,
 * "stops N paths M last=PATH". PTRACE_O_EXITKILL: if this tracer dies, the
 * kernel kills the tracee instead of leaving it stopped.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include "ptrace_loop.h"
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer.h"

#if !defined(__linux__)

int
main(void)
{
	fprintf(stderr, "tt-ptrace: tracing every system call with PTRACE_SYSCALL needs Linux\n");
	return 2;
}

#else

static pid_t tracee;
static volatile sig_atomic_t detach_requested;

/* Ask for a stop now, so a tracee blocked in a system call can be detached too. */
static void
request_detach(int sig)
{
	int saved = errno;

	(void)sig;
	detach_requested = 1;
	ptrace(PTRACE_INTERRUPT, tracee, 0, 0);
	errno = saved;
}

static void
die(const char *what)
{
	fprintf(stderr, "tt-ptrace: %s (pid %ld): %s\n", what, (long)tracee, strerror(errno));
	exit(1); /* PTRACE_O_EXITKILL ends the tracee */
}

int
main(int argc, char **argv)
{
	static struct tt_ptrace t;
	int status, opt, announced = 0;
	char *end;

	while ((opt = getopt(argc, argv, "p:si")) != -1) {
		switch (opt) {
		case 'p':
			tracee = (pid_t)strtol(optarg, &end, 10);
			if (*end != '\0' || tracee <= 0)
				goto usage;
			break;
		case 's': t.seccomp_only = 1; break;
		case 'i': t.inspect = 1; break;
		default: goto usage;
		}
	}
	if (tracee <= 0)
		goto usage;

	tt_on_detach_request(request_detach);

	if (tt_ptrace_seize(&t, tracee) != 0) {
		fprintf(stderr, "tt-ptrace: cannot attach to pid %ld: %s%s\n", (long)tracee, strerror(errno),
		    errno == EPERM ? " (ptrace not permitted: see /proc/sys/kernel/yama/ptrace_scope and CAP_SYS_PTRACE)" : "");
		return 1;
	}
	/* A seized tracee runs on; stop it once so it can be resumed our way. */
	if (ptrace(PTRACE_INTERRUPT, tracee, 0, 0) != 0)
		die("PTRACE_INTERRUPT");

	for (;;) {
		int detach;

		if (waitpid(tracee, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			die("waitpid");
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			fprintf(stderr, "tt-ptrace: tracee %ld ended while traced (%s %d)\n", (long)tracee,
			    WIFEXITED(status) ? "exit status" : "signal",
			    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			return 1;
		}
		if (!WIFSTOPPED(status))
			continue;
		detach = detach_requested; /* once: the handler may set it between the two uses below */
		if (tt_ptrace_continue(&t, tracee, status, detach) != 0)
			die(t.failed);
		if (detach) {
			printf("stops %lu paths %lu last=%s\n", t.stops, t.seen.paths, t.seen.last);
			return fflush(stdout) == 0 ? 0 : 1;
		}
		if (!announced) {
			/* The first stop is our interrupt's: tracing is active from here on. */
			printf("attached\n");
			fflush(stdout);
			announced = 1;
		}
	}
usage:
	fprintf(stderr, "usage: tt-ptrace -p PID [-s] [-i]\n");
	return 2;
}

#endif
