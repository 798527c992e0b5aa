/*
 * tt-macro: runs one workload command RUNS times under an interception
 * mechanism and prints, per run, the wall time and the CPU time of the
 * workload's process tree.
 *
 *   tt-macro -m MECHANISM [-c all|socket] [-b BUILD_DIR] [-n RUNS] [-T SECONDS] [-p]
 *            -- COMMAND [ARG...]
 *
 * BUILD_DIR holds tt-seccomp-notify and the preloaded libraries; by default
 * the directory this program was started from.
 *
 * Output: "run,real_s,user_s,sys_s,exit", then one row per run. real_s is
 * CLOCK_MONOTONIC from fork to the end of the workload's first process;
 * user_s and sys_s are that process's wait4 rusage, which includes every
 * descendant it waited for. exit is the exit status, "signal N", or
 * "timeout" when the run was killed after SECONDS (default 60).
 * The workload's stdout goes to /dev/null (as in "find ... >/dev/null"),
 * or with -p to this program's stdout, before that run's row. Where the
 * mechanism counts what it intercepted, the row is followed by
 * "#stops RUN N".
 *
 * -c chooses the calls intercepted: every system call (all, the default)
 * or the socket calls (accept, accept4, read, recvfrom, recvmsg, write,
 * sendto, sendmsg, close), for the mechanisms that can select (mechanisms[]).
 * Mechanisms:
 *   none            the workload alone;
 *   ptrace          this program stops every task of the tree at every
 *                   system call (PTRACE_SEIZE, following fork/vfork/clone);
 *   ptrace-seccomp  the workload's seccomp filter returns TRACE for the
 *                   chosen calls, this program is woken for those only;
 *   seccomp-allow   the filter runs on every call and allows it: its cost;
 *   seccomp-notify  the filter sends the chosen calls to tt-seccomp-notify,
 *                   which answers CONTINUE;
 *   sud             syscall user dispatch in every process (tt-sud.so);
 *   preload         tt-preload.so interposes libc's socket functions;
 *   strace          "strace -f -qq -o /dev/null", with -e trace= for socket;
 *   strace-seccomp  the same with --seccomp-bpf: only the chosen calls stop.
 * The time of this program, of strace and of the seccomp supervisor as
 * tracers is outside the row, except strace's: it is the root of the tree.
 * Leftover processes of a run (daemons, children not waited for) are
 * killed when its first process ends: a run never outlives its row.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#endif
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "seccomp_filter.h"

#if !defined(__WALL)
#define __WALL 0
#endif

#define ALL 1    /* -c all: every system call */
#define SOCKET 2 /* -c socket: the socket calls */

enum tracer { NO_TRACER, TRACE_EVERY_CALL, TRACE_SECCOMP_EVENTS };

struct mechanism {
	const char *name;
	int selections;        /* ALL and/or SOCKET: what it can be told to intercept */
	enum tracer tracer;    /* a ptrace tree tracer in this program */
	int filter;            /* the workload installs a seccomp filter ... */
	unsigned int action;   /* ... with this action for the chosen calls */
	int supervised;        /* tt-seccomp-notify answers the filter's notifications */
	const char *preload;   /* library of the build directory preloaded into every process */
	const char *strace;    /* extra strace option, or "" for plain strace */
};

#if defined(TT_HAVE_SECCOMP)
#define FILTER(action) 1, action
#else
#define FILTER(action) 1, 0 /* refused in main(): this build has no seccomp */
#endif

static const struct mechanism mechanisms[] = {
	{ "none", ALL | SOCKET, NO_TRACER, 0, 0, 0, NULL, NULL },
	{ "ptrace", ALL, TRACE_EVERY_CALL, 0, 0, 0, NULL, NULL },
	{ "ptrace-seccomp", ALL | SOCKET, TRACE_SECCOMP_EVENTS, FILTER(SECCOMP_RET_TRACE), 0, NULL, NULL },
	{ "seccomp-allow", ALL | SOCKET, NO_TRACER, FILTER(SECCOMP_RET_ALLOW), 0, NULL, NULL },
	{ "seccomp-notify", ALL | SOCKET, NO_TRACER, FILTER(SECCOMP_RET_USER_NOTIF), 1, NULL, NULL },
	{ "sud", ALL, NO_TRACER, 0, 0, 0, "tt-sud.so", NULL },
	{ "preload", SOCKET, NO_TRACER, 0, 0, 0, "tt-preload.so", NULL },
	{ "strace", ALL | SOCKET, NO_TRACER, 0, 0, 0, NULL, "" },
	{ "strace-seccomp", SOCKET, NO_TRACER, 0, 0, 0, NULL, "--seccomp-bpf" },
};

static const char socket_calls_strace[] = "trace=accept,accept4,read,recvfrom,recvmsg,write,sendto,sendmsg,close";

struct setup {
	const struct mechanism *m;
	int selection;
	const char *build_dir;
	int pass_stdout;
	char count_file[64]; /* where preloaded interposers report their counts */
};

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
	fprintf(stderr, "usage: tt-macro -m MECHANISM [-c all|socket] [-b BUILD_DIR] [-n RUNS] [-T SECONDS] [-p] -- COMMAND [ARG...]\n");
	exit(2);
}

/* The chosen calls as the filter takes them: NULL for every call. */
static const long *
filtered_calls(int selection, int *n)
{
#if defined(TT_HAVE_SECCOMP)
	static const long socket_calls[] = { SYS_accept, SYS_accept4, SYS_read, SYS_recvfrom, SYS_recvmsg,
		SYS_write, SYS_sendto, SYS_sendmsg, SYS_close };

	if (selection == SOCKET) {
		*n = (int)(sizeof socket_calls / sizeof socket_calls[0]);
		return socket_calls;
	}
#else
	(void)selection;
#endif
	*n = 0;
	return NULL;
}

/* In the child: its own process group (so a timeout kills the whole tree), stdout as asked, then the workload. */
static void
exec_workload(const struct setup *s, char **command)
{
	char *strace_argv[256] = { "strace", "-f", "-qq", "-o", "/dev/null" };
	char **argv = command, library[PATH_MAX];
	int i, k = 5;

	setpgid(0, 0);
#if defined(__linux__)
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (!s->pass_stdout) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
	}
	if (s->m->strace != NULL) {
		if (s->m->strace[0] != '\0')
			strace_argv[k++] = (char *)s->m->strace;
		if (s->selection == SOCKET) {
			strace_argv[k++] = "-e";
			strace_argv[k++] = (char *)socket_calls_strace;
		}
		strace_argv[k++] = "--";
		for (i = 0; command[i] != NULL && k < 255; i++)
			strace_argv[k++] = command[i];
		strace_argv[k] = NULL;
		argv = strace_argv;
	}
	if (s->m->preload != NULL) {
		snprintf(library, sizeof library, "%s/%s", s->build_dir, s->m->preload);
		setenv("LD_PRELOAD", library, 1);
		setenv("TT_COUNT_FILE", s->count_file, 1);
	}
	if (s->m->tracer != NO_TRACER)
		raise(SIGSTOP); /* held until the runner has seized it, so no call is missed */
#if defined(TT_HAVE_SECCOMP)
	if (s->m->filter) {
		int n;
		const long *calls = filtered_calls(s->selection, &n);
		if (tt_install_filter(s->m->action, calls, n, 0, NULL) < 0) {
			fprintf(stderr, "tt-macro: cannot install the %s filter: %s\n", s->m->name, strerror(errno));
			_exit(127);
		}
		/*
		 * The listener closes at exec: held here until the supervisor has
		 * taken it (under a filter on every call, this stop waits for it).
		 */
		if (s->m->supervised)
			raise(SIGSTOP);
	}
#endif
	execvp(argv[0], argv);
	fprintf(stderr, "tt-macro: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

#if defined(__linux__)
/*
 * Let a stopped tracee go on, delivering the signal it stopped for, if any:
 * to its next system call (every-call tracer) or its next seccomp event.
 */
static void
resume_tracee(enum tracer tracer, pid_t pid, int status, long *stops)
{
	int sig = WSTOPSIG(status), event = status >> 16, inject = 0;

	if (sig == (SIGTRAP | 0x80) || event == PTRACE_EVENT_SECCOMP)
		(*stops)++;
	else if (event == 0 && sig != SIGTRAP)
		inject = sig; /* a signal for the tracee, not a ptrace event */
	ptrace(tracer == TRACE_EVERY_CALL ? PTRACE_SYSCALL : PTRACE_CONT, pid, 0, (void *)(long)inject);
}

static int
seize(enum tracer tracer, pid_t pid)
{
	long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
	    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
	int status;

	if (tracer == TRACE_SECCOMP_EVENTS)
		options |= PTRACE_O_TRACESECCOMP;
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
		return -1;
	if (ptrace(PTRACE_SEIZE, pid, 0, (void *)options) != 0)
		return -1;
	kill(pid, SIGCONT);
	return 0;
}
#endif

/* tt-seccomp-notify for the workload, its report on a pipe; -1 if it cannot start. */
static pid_t
start_supervisor(const struct setup *s, pid_t workload, long timeout_s, int *report)
{
	char path[PATH_MAX], target[32], wait_s[32];
	int out[2];
	pid_t pid;

	if (pipe(out) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/tt-seccomp-notify", s->build_dir);
	snprintf(target, sizeof target, "%ld", (long)workload);
	snprintf(wait_s, sizeof wait_s, "%ld", timeout_s);
	if ((pid = fork()) == 0) {
		dup2(out[1], STDOUT_FILENO);
		close(out[0]);
		close(out[1]);
		execl(path, path, "-p", target, "-w", wait_s, (char *)NULL);
		fprintf(stderr, "tt-macro: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	*report = out[0];
	return pid;
}

/* Once the supervisor says it holds the listener, let the stopped workload go on to exec. */
static int
release_when_supervised(pid_t workload, int report)
{
	char c = 0;
	int status;

	while (c != '\n')
		if (read(report, &c, 1) != 1 && errno != EINTR)
			return -1; /* the supervisor failed; it said why on stderr */
	if (waitpid(workload, &status, WUNTRACED) != workload || !WIFSTOPPED(status))
		return -1;
	return kill(workload, SIGCONT);
}

/* What the supervisor's report ("attached", then "stops N ...") says it answered, or -1. */
static long
supervisor_stops(int report)
{
	char buf[512];
	size_t len = 0;
	ssize_t n;
	const char *at;

	while (len < sizeof buf - 1 && ((n = read(report, buf + len, sizeof buf - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	close(report);
	buf[len] = '\0';
	at = strstr(buf, "stops ");
	return at != NULL ? atol(at + 6) : -1;
}

/* The sum of the counts each process of the workload appended, -1 if none did; the file is emptied. */
static long
reported_counts(const char *count_file)
{
	FILE *f = fopen(count_file, "r+");
	long total = -1, count;

	if (f == NULL)
		return -1;
	while (fscanf(f, "%ld", &count) == 1)
		total = (total < 0 ? 0 : total) + count;
	if (ftruncate(fileno(f), 0) != 0)
		total = -1; /* the next run would count these again */
	fclose(f);
	return total;
}

/* One run: returns 0 and prints its row, or -1 when it could not start. */
static int
run_once(long run, const struct setup *s, long timeout_s, char **command)
{
	struct rusage ru;
	double start, real = 0;
	int status = 0, root_status = 0, root_done = 0, report = -1;
	long stops = 0;
	pid_t pid, root, supervisor = -1;

	fflush(stdout);
	start = now();
	root = fork();
	if (root < 0)
		return -1;
	if (root == 0)
		exec_workload(s, command);
	setpgid(root, root);
#if defined(__linux__)
	if (s->m->tracer != NO_TRACER && seize(s->m->tracer, root) != 0) {
		fprintf(stderr, "tt-macro: cannot trace the workload: %s\n", strerror(errno));
		kill(root, SIGKILL);
		waitpid(root, NULL, 0);
		return -1;
	}
#endif
	if (s->m->supervised &&
	    ((supervisor = start_supervisor(s, root, timeout_s, &report)) < 0 || release_when_supervised(root, report) != 0)) {
		fprintf(stderr, "tt-macro: the seccomp supervisor did not take over the workload\n");
		kill(root, SIGKILL);
		if (supervisor > 0)
			kill(supervisor, SIGKILL);
		while (wait4(-1, NULL, __WALL, NULL) > 0 || errno == EINTR)
			;
		return -1;
	}
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
			resume_tracee(s->m->tracer, pid, status, &stops);
#endif
	}
	alarm(0);
	/* Leftovers of the run are killed and reaped (tracees exit even while stopped), the supervisor told to report. */
	kill(-root, SIGKILL);
	if (supervisor > 0)
		kill(supervisor, SIGTERM);
	while (wait4(-1, &status, __WALL, NULL) > 0 || errno == EINTR)
		;
	if (supervisor > 0)
		stops = supervisor_stops(report);
	else if (s->m->preload != NULL)
		stops = reported_counts(s->count_file);
	printf("%ld,%.6f,%.6f,%.6f,", run, real, seconds(ru.ru_utime), seconds(ru.ru_stime));
	if (timed_out)
		printf("timeout\n");
	else if (WIFSIGNALED(root_status))
		printf("signal %d\n", WTERMSIG(root_status));
	else
		printf("%d\n", WEXITSTATUS(root_status));
	if (s->m->tracer != NO_TRACER || supervisor > 0 || s->m->preload != NULL)
		printf("#stops %ld %ld\n", run, stops);
	fflush(stdout);
	return 0;
}

static const char *
own_dir(const char *argv0)
{
	static char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof dir, "%s", argv0);
	if ((slash = strrchr(dir, '/')) == NULL)
		return ".";
	*slash = '\0';
	return dir;
}

static const struct mechanism *
find_mechanism(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof mechanisms / sizeof mechanisms[0]; i++)
		if (strcmp(mechanisms[i].name, name) == 0)
			return &mechanisms[i];
	fprintf(stderr, "tt-macro: unknown mechanism \"%s\" (known:", name);
	for (i = 0; i < sizeof mechanisms / sizeof mechanisms[0]; i++)
		fprintf(stderr, " %s", mechanisms[i].name);
	fprintf(stderr, ")\n");
	exit(2);
}

/* Whether this build and OS can run the mechanism at all; the kernel may still refuse at run time. */
static const char *
unavailable(const struct mechanism *m)
{
#if !defined(__linux__)
	if (m->tracer != NO_TRACER)
		return "the ptrace tree tracer needs Linux (PTRACE_SEIZE)";
#endif
#if !defined(TT_HAVE_SECCOMP)
	if (m->filter)
		return "seccomp filters need Linux on x86-64";
#endif
	(void)m;
	return NULL;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct setup s;
	long runs = 1, timeout_s = 60, i;
	int opt, fd = -1, failed = 0;
	const char *name = NULL, *selection = "all", *why;

	memset(&s, 0, sizeof s);
	s.build_dir = own_dir(argv[0]);
	while ((opt = getopt(argc, argv, "m:c:b:n:T:p")) != -1) {
		switch (opt) {
		case 'm': name = optarg; break;
		case 'c': selection = optarg; break;
		case 'b': s.build_dir = optarg; break;
		case 'n': runs = strtol(optarg, NULL, 10); break;
		case 'T': timeout_s = strtol(optarg, NULL, 10); break;
		case 'p': s.pass_stdout = 1; break;
		default: usage();
		}
	}
	if (name == NULL || optind >= argc || runs < 1 || timeout_s < 1)
		usage();
	s.m = find_mechanism(name);
	s.selection = strcmp(selection, "all") == 0 ? ALL : strcmp(selection, "socket") == 0 ? SOCKET : 0;
	if (s.selection == 0)
		usage();
	if ((s.m->selections & s.selection) == 0) {
		fprintf(stderr, "tt-macro: %s cannot be told to intercept %s (it takes %s)\n", name,
		    s.selection == ALL ? "every call" : "the socket calls only",
		    s.m->selections == ALL ? "every call" : "the socket calls only");
		return 2;
	}
	if ((why = unavailable(s.m)) != NULL) {
		fprintf(stderr, "tt-macro: %s: %s\n", name, why);
		return 2;
	}
	if (s.m->preload != NULL) {
		strcpy(s.count_file, "/tmp/tt-macro-counts.XXXXXX");
		if ((fd = mkstemp(s.count_file)) < 0) {
			fprintf(stderr, "tt-macro: cannot create %s: %s\n", s.count_file, strerror(errno));
			return 1;
		}
		close(fd);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm; /* no SA_RESTART: the alarm interrupts wait4 */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	printf("run,real_s,user_s,sys_s,exit\n");
	for (i = 1; i <= runs && !failed; i++)
		failed = run_once(i, &s, timeout_s, argv + optind) != 0;
	if (s.m->preload != NULL)
		unlink(s.count_file);
	return failed;
}
