/*
 * tt-strace: the real-world ptrace tracer, strace, attached to a running
 * process by PID with its output thrown away, in the driver's tracer
 * protocol: prints "attached" once strace reports the attach, and on
 * SIGUSR1, SIGTERM or SIGINT makes strace detach (SIGINT) and prints
 * "detached". strace counts nothing we could report as stops.
 *
 *   tt-strace -p PID
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer.h"
#if defined(__linux__)
#include <sys/prctl.h>
#endif

static volatile sig_atomic_t detach_requested;

static void
request_detach(int sig)
{
	(void)sig;
	detach_requested = 1;
}

int
main(int argc, char **argv)
{
	sigset_t stop_signals, waiting;
	char line[512];
	int err[2], status, attached = 0;
	pid_t strace;
	FILE *messages;

	if (argc != 3 || strcmp(argv[1], "-p") != 0 || atol(argv[2]) <= 0) {
		fprintf(stderr, "usage: tt-strace -p PID\n");
		return 2;
	}
	tt_on_detach_request(request_detach);
	/* Held back until sigsuspend, so a request cannot slip in between the check and the wait. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGUSR1);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	sigprocmask(SIG_BLOCK, &stop_signals, &waiting);

	if (pipe(err) != 0 || (strace = fork()) < 0) {
		perror("tt-strace");
		return 1;
	}
	if (strace == 0) {
		/* If this wrapper is killed, strace goes too, and the kernel detaches the tracee. */
#if defined(__linux__)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		sigprocmask(SIG_SETMASK, &waiting, NULL);
		dup2(err[1], STDERR_FILENO);
		close(err[0]);
		close(err[1]);
		execlp("strace", "strace", "-o", "/dev/null", "-p", argv[2], (char *)NULL);
		fprintf(stderr, "cannot run strace: %s\n", strerror(errno));
		_exit(127);
	}
	close(err[1]);
	messages = fdopen(err[0], "r");
	/* strace says "Process N attached" after seizing and interrupting the tracee. */
	while (!attached && fgets(line, sizeof line, messages) != NULL) {
		if (strstr(line, " attached") != NULL)
			attached = 1;
		else
			fputs(line, stderr);
	}
	if (!attached) {
		waitpid(strace, &status, 0);
		fprintf(stderr, "tt-strace: strace did not attach to pid %s\n", argv[2]);
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	while (!detach_requested)
		sigsuspend(&waiting);
	kill(strace, SIGINT);
	while (waitpid(strace, &status, 0) < 0 && errno == EINTR)
		;
	/* strace detaches on SIGINT, then ends by that signal itself. */
	if (!(WIFEXITED(status) || (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT))) {
		fprintf(stderr, "tt-strace: strace ended by signal %d\n", WTERMSIG(status));
		return 1;
	}
	printf("detached\n");
	return fflush(stdout) == 0 ? 0 : 1;
}
