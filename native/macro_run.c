/*
 * tt-macro: runs one workload command RUNS times under an interception
 * mechanism and prints, per run, the wall time and the CPU time of the
 * workload's process tree.
 *
 *   tt-macro -m none|ptrace|strace [-n RUNS] [-T SECONDS] [-p] -- COMMAND [ARG...]
 *
 * Output: "run,real_s,user_s,sys_s,exit", then one row per run. real_s is
 * CLOCK_MONOTONIC from fork to the end of the workload's first process;
 * user_s and sys_s are that process's wait4 rusage, which includes every
 * descendant it waited for. exit is the exit status, "signal N", or
 * "timeout" when the run was killed after SECONDS (default 60).
 * The workload's stdout goes to /dev/null (as in "find ... >/dev/null"),
 * or with -p to this program's stdout, before that run's row. Under ptrace
 * each row is followed by "#stops RUN N", the system-call stops of the tree.
 *
 * Mechanisms: none; ptrace, this program stops every task of the tree at
 * every system call (PTRACE_SEIZE, following fork/vfork/clone), so the
 * tracer's own time is not in the row; strace, the workload runs under
 * "strace -f -qq -o /dev/null", whose time is in the row (it is the root).
 * Leftover processes of a run (daemons, children not waited for) are
 * killed when its first process ends: a run never outlives its row.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/ptrace.h>
#endif
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if !defined(__WALL)
#define __WALL 0
#endif

enum mechanism { NONE, PTRACE, STRACE };

static volatile sig_atomic_t timed_out;

static void
on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static double
seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: tt-macro -m none|ptrace|strace [-n RUNS] [-T SECONDS] [-p] -- COMMAND [ARG...]\n");
	exit(2);
}

/* In the child: its own process group (so a timeout kills the whole tree), stdout as asked, then the workload. */
static void
exec_workload(enum mechanism m, int pass_stdout, char **command)
{
	static char *strace_argv[256] = { "strace", "-f", "-qq", "-o", "/dev/null", "--" };
	char **argv = command;
	int i;

	setpgid(0, 0);
#if defined(__linux__)
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (!pass_stdout) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
	}
	if (m == STRACE) {
		for (i = 0; command[i] != NULL && i + 7 < 256; i++)
			strace_argv[6 + i] = command[i];
		strace_argv[6 + i] = NULL;
		argv = strace_argv;
	}
	if (m == PTRACE)
		raise(SIGSTOP); /* held until the runner has seized it, so no call is missed */
	execvp(argv[0], argv);
	fprintf(stderr, "tt-macro: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

#if defined(__linux__)
/* Let a stopped tracee go on to its next system call, delivering the signal it stopped for, if any. */
static void
resume_tracee(pid_t pid, int status, long *stops)
{
	int sig = WSTOPSIG(status), event = status >> 16, inject = 0;

	if (sig == (SIGTRAP | 0x80))
		(*stops)++;
	else if (event == 0 && sig != SIGTRAP)
		inject = sig; /* a signal for the tracee, not a ptrace event */
	ptrace(PTRACE_SYSCALL, pid, 0, (void *)(long)inject);
}

static int
seize(pid_t pid)
{
	long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
	    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
	int status;

	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
		return -1;
	if (ptrace(PTRACE_SEIZE, pid, 0, (void *)options) != 0)
		return -1;
	kill(pid, SIGCONT);
	return 0;
}
#endif

/* One run: returns 0 and prints its row, or -1 when it could not start. */
static int
run_once(long run, enum mechanism m, int pass_stdout, long timeout_s, char **command)
{
	struct rusage ru;
	double start, real = 0;
	int status = 0, root_status = 0, root_done = 0;
	long stops = 0;
	pid_t pid, root;

	fflush(stdout);
	start = now();
	root = fork();
	if (root < 0)
		return -1;
	if (root == 0)
		exec_workload(m, pass_stdout, command);
	setpgid(root, root);
#if defined(__linux__)
	if (m == PTRACE && seize(root) != 0) {
		fprintf(stderr, "tt-macro: cannot trace the workload: %s\n", strerror(errno));
		kill(root, SIGKILL);
		waitpid(root, NULL, 0);
		return -1;
	}
#endif
	timed_out = 0;
	alarm((unsigned)timeout_s);
	memset(&ru, 0, sizeof ru);
	/* Until the root ends: every task of the tree reports here when traced; only the root otherwise. */
	while (!root_done) {
		struct rusage r;

		pid = wait4(-1, &status, __WALL, &r);
		if (pid < 0 && errno == EINTR && timed_out) {
			kill(-root, SIGKILL);
			kill(root, SIGKILL);
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (pid == root && (WIFEXITED(status) || WIFSIGNALED(status))) {
			real = now() - start;
			root_status = status;
			root_done = 1;
			ru = r;
		}
#if defined(__linux__)
		else if (WIFSTOPPED(status))
			resume_tracee(pid, status, &stops);
#endif
	}
	alarm(0);
	/* Leftovers of the run are killed and reaped (tracees exit even while stopped). */
	kill(-root, SIGKILL);
	while (wait4(-1, &status, __WALL, NULL) > 0 || errno == EINTR)
		;
	printf("%ld,%.6f,%.6f,%.6f,", run, real, seconds(ru.ru_utime), seconds(ru.ru_stime));
	if (timed_out)
		printf("timeout\n");
	else if (WIFSIGNALED(root_status))
		printf("signal %d\n", WTERMSIG(root_status));
	else
		printf("%d\n", WEXITSTATUS(root_status));
	if (m == PTRACE)
		printf("#stops %ld %ld\n", run, stops);
	fflush(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	enum mechanism m = NONE;
	long runs = 1, timeout_s = 60, i;
	int pass_stdout = 0, opt;
	const char *name = NULL;

	while ((opt = getopt(argc, argv, "m:n:T:p")) != -1) {
		switch (opt) {
		case 'm': name = optarg; break;
		case 'n': runs = strtol(optarg, NULL, 10); break;
		case 'T': timeout_s = strtol(optarg, NULL, 10); break;
		case 'p': pass_stdout = 1; break;
		default: usage();
		}
	}
	if (name == NULL || optind >= argc || runs < 1 || timeout_s < 1)
		usage();
	if (strcmp(name, "none") == 0)
		m = NONE;
	else if (strcmp(name, "ptrace") == 0)
		m = PTRACE;
	else if (strcmp(name, "strace") == 0)
		m = STRACE;
	else {
		fprintf(stderr, "tt-macro: unknown mechanism \"%s\" (known: none, ptrace, strace)\n", name);
		return 2;
	}
#if !defined(__linux__)
	if (m == PTRACE) {
		fprintf(stderr, "tt-macro: the ptrace tree tracer needs Linux (PTRACE_SEIZE)\n");
		return 2;
	}
#endif
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm; /* no SA_RESTART: the alarm interrupts wait4 */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	printf("run,real_s,user_s,sys_s,exit\n");
	for (i = 1; i <= runs; i++)
		if (run_once(i, m, pass_stdout, timeout_s, argv + optind) != 0)
			return 1;
	return 0;
}
