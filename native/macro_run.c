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
 * CLOCK_MONOTONIC from the moment the workload, set up and stopped just
 * before its exec, is let go, to the end of its first process;
 * user_s and sys_s are that process's wait4 rusage, which includes every
 * descendant it waited for. exit is the exit status, "signal N", or
 * "timeout" when the run was killed after SECONDS (default 60), or
 * "unstarted" when the mechanism could not be set up (why, on stderr).
 * The workload's stdout goes to /dev/null (as in "find ... >/dev/null"),
 * or with -p to this program's stdout, before that run's row. Where the
 * mechanism counts what it intercepted, the row is followed by
 * "#stops RUN N".
 *
 * -c chooses the calls intercepted: every system call (all, the default)
 * or the socket calls (tt_selections in calls.c), for the mechanisms that
 * can select (mechanisms[]).
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
 * Leftover processes of a run (children not waited for, daemons in other
 * process groups, which on Linux are reparented to this program) are killed
 * when its first process ends: a run never outlives its row. SIGINT, SIGTERM
 * or SIGHUP kill the run in progress, which gets no row, and end the program
 * with status 130.
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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calls.h"
#include "own_dir.h"
#include "seccomp_filter.h"

#if !defined(__WALL)
#define __WALL 0
#endif

#define ALL TT_SELECTS(TT_SELECT_ALL)       /* -c all: every system call */
#define SOCKET TT_SELECTS(TT_SELECT_SOCKET) /* -c socket: the socket calls */

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

struct setup {
	const struct mechanism *m;
	enum tt_selection selection;
	const char *build_dir;
	int pass_stdout;
	char count_file[64]; /* where preloaded interposers report their counts */
};

static volatile sig_atomic_t timed_out, terminated;
static volatile pid_t running; /* the process group of the workload while it runs, else 0 */

/*
 * SIGALRM: the run's time is up. SIGINT, SIGTERM, SIGHUP: end the run in
 * progress (its workload killed, no row) and stop. The handler kills the
 * workload itself: a flag alone could be set just after the loop looked at it.
 */
static void
on_signal(int sig)
{
	if (sig == SIGALRM)
		timed_out = 1;
	else
		terminated = 1;
	if (running > 0)
		kill(-running, SIGKILL);
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

/*
 * In the child: its own process group (so a timeout kills the whole tree),
 * stdout as asked, the mechanism's setup, and one stop before the exec,
 * where the runner takes over and starts the clock: a tracer seizes it
 * before the filter is installed, the supervisor takes the listener after.
 */
static void
exec_workload(const struct setup *s, char **command)
{
	char *strace_argv[256] = { "strace", "-f", "-qq", "-o", "/dev/null" };
	char **argv = command, library[PATH_MAX], trace[256];
	int i, k = 5;

	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
#if defined(__linux__)
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (!s->pass_stdout) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0 && dup2(null, STDOUT_FILENO) >= 0 && null != STDOUT_FILENO)
			close(null);
	}
	if (s->m->strace != NULL) {
		if (s->m->strace[0] != '\0')
			strace_argv[k++] = (char *)s->m->strace;
		if (tt_selections[s->selection].syscalls != NULL) {
			snprintf(trace, sizeof trace, "trace=%s", tt_selections[s->selection].syscalls);
			strace_argv[k++] = "-e";
			strace_argv[k++] = trace;
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
#if defined(__linux__) && defined(PR_SET_PTRACER)
	/* Yama (ptrace_scope 1) lets the supervisor, a descendant of tt-macro, take our listener. */
	if (s->m->supervised)
		prctl(PR_SET_PTRACER, getppid(), 0, 0, 0);
#endif
	/* A filter that traces needs its tracer before the first call it selects: stop before it. */
	if (s->m->tracer != NO_TRACER)
		raise(SIGSTOP);
#if defined(TT_HAVE_SECCOMP)
	if (s->m->filter) {
		if (tt_filter_calls(s->m->action, &tt_selections[s->selection], NULL) < 0) {
			fprintf(stderr, "tt-macro: cannot install the %s filter: %s\n", s->m->name, strerror(errno));
			_exit(127);
		}
	}
#endif
	/* The listener closes at exec: the supervisor takes it during this stop (which, on every call, waits for it). */
	if (s->m->tracer == NO_TRACER)
		raise(SIGSTOP);
	execvp(argv[0], argv);
	fprintf(stderr, "tt-macro: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

#if defined(__linux__)
/*
 * Let a stopped tracee go on: to its next system call (every-call tracer) or
 * its next seccomp event, delivering the signal it stopped for, if any. A
 * job-control stop of the tracee stays a stop (PTRACE_LISTEN).
 */
static void
resume_tracee(enum tracer tracer, pid_t pid, int status, long *stops)
{
	int sig = WSTOPSIG(status), event = status >> 16, inject = 0;

	if (sig == (SIGTRAP | 0x80) || event == PTRACE_EVENT_SECCOMP) {
		(*stops)++;
	} else if (event == PTRACE_EVENT_STOP && (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)) {
		ptrace(PTRACE_LISTEN, pid, 0, 0);
		return;
	} else if (event == 0) {
		inject = sig; /* a signal for the tracee, not a ptrace event */
	}
	ptrace(tracer == TRACE_EVERY_CALL ? PTRACE_SYSCALL : PTRACE_CONT, pid, 0, (void *)(long)inject);
}

/* Become the tracer of the stopped workload; every task it makes is traced too. */
static int
seize(enum tracer tracer, pid_t pid)
{
	long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
	    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;

	if (tracer == TRACE_SECCOMP_EVENTS)
		options |= PTRACE_O_TRACESECCOMP;
	return (int)ptrace(PTRACE_SEIZE, pid, 0, (void *)options);
}

/* Kill our children other than `spare`: leftovers of the workload in other process groups, reparented to us. */
static void
kill_children(pid_t spare)
{
	char path[64], stat[512], *end;
	struct dirent *e;
	DIR *d = opendir("/proc");
	FILE *f;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		long pid = strtol(e->d_name, &end, 10), ppid;
		if (*end != '\0' || pid <= 0 || pid == (long)spare)
			continue;
		snprintf(path, sizeof path, "/proc/%ld/stat", pid);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		/* After the command name, which may hold spaces and parentheses: " S PPID ..." */
		if (fgets(stat, sizeof stat, f) != NULL && (end = strrchr(stat, ')')) != NULL &&
		    sscanf(end + 1, " %*c %ld", &ppid) == 1 && ppid == (long)getpid())
			kill((pid_t)pid, SIGKILL);
		fclose(f);
	}
	closedir(d);
}
#else
static void
kill_children(pid_t spare)
{
	(void)spare; /* without a subreaper, leftovers outside the process group are not ours to find */
}
#endif

/* tt-seccomp-notify for the workload in its own process group, its report on a pipe; -1 if it cannot start. */
static pid_t
start_supervisor(const struct setup *s, pid_t workload, long timeout_s, int *report)
{
	char path[PATH_MAX], target[32], wait_s[32];
	int out[2];
	pid_t pid;

	if (pipe(out) != 0)
		return -1;
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	snprintf(path, sizeof path, "%s/tt-seccomp-notify", s->build_dir);
	snprintf(target, sizeof target, "%ld", (long)workload);
	snprintf(wait_s, sizeof wait_s, "%ld", timeout_s);
	if ((pid = fork()) == 0) {
		setpgid(0, 0); /* a Ctrl-C is for tt-macro, which ends the supervisor itself */
		dup2(out[1], STDOUT_FILENO);
		close(out[1]);
		execl(path, path, "-p", target, "-w", wait_s, (char *)NULL);
		fprintf(stderr, "tt-macro: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	if (pid < 0) {
		close(out[0]);
		return -1;
	}
	*report = out[0];
	return pid;
}

/* Wait for the supervisor's first line ("attached"): it holds the listener. */
static int
supervisor_attached(int report)
{
	char c = 0;
	ssize_t n;

	while (c != '\n') {
		n = read(report, &c, 1);
		if (n == 0 || (n < 0 && (errno != EINTR || terminated)))
			return -1; /* the supervisor failed (it said why on stderr), or we were told to stop */
	}
	return 0;
}

/* What the supervisor's report ("attached", then "stops N ...") says it answered, or -1. */
static long
supervisor_stops(int report)
{
	char buf[512];
	size_t len = 0;
	ssize_t n;
	const char *at;

	while (len < sizeof buf - 1) {
		n = read(report, buf + len, sizeof buf - 1 - len);
		if (n == 0 || (n < 0 && errno != EINTR))
			break;
		if (n > 0)
			len += (size_t)n;
	}
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

/*
 * Between fork and the start of the clock: wait for the workload's stop and
 * take it over (seize it, or have the supervisor take its listener).
 */
static int
take_over(const struct setup *s, pid_t root, long timeout_s, pid_t *supervisor, int *report)
{
	int status;

	if (s->m->supervised) {
		if ((*supervisor = start_supervisor(s, root, timeout_s, report)) < 0 || supervisor_attached(*report) != 0) {
			fprintf(stderr, "tt-macro: the seccomp supervisor did not take over the workload\n");
			return -1;
		}
	}
	while (waitpid(root, &status, WUNTRACED) != root)
		if (errno != EINTR || terminated)
			return -1;
	if (!WIFSTOPPED(status))
		return -1; /* it ended before its stop; it said why on stderr */
#if defined(__linux__)
	if (s->m->tracer != NO_TRACER && seize(s->m->tracer, root) != 0) {
		fprintf(stderr, "tt-macro: cannot trace the workload: %s\n", strerror(errno));
		return -1;
	}
#endif
	return 0;
}

/*
 * The end of every run: the workload's process group killed, then any other
 * process it left (Linux: we are their subreaper), the supervisor told to
 * report (killed if it has not within 10 s), and everything reaped.
 * `supervisor` is -1 when there is none or it was reaped already.
 */
static void
end_run(pid_t root, pid_t supervisor)
{
	int status, supervisor_killed = 0;
	pid_t pid;

	running = 0;
	kill(-root, SIGKILL);
	kill_children(supervisor);
	if (supervisor > 0)
		kill(supervisor, SIGTERM);
	timed_out = 0;
	alarm(10);
	while ((pid = wait4(-1, &status, __WALL, NULL)) > 0 || errno == EINTR) {
		if (pid == supervisor)
			supervisor = -1;
		if (timed_out && supervisor > 0 && !supervisor_killed) {
			kill(supervisor, SIGKILL);
			supervisor_killed = 1;
		}
		if (pid > 0 && WIFSTOPPED(status))
			kill(pid, SIGKILL);
		kill_children(supervisor);
	}
	alarm(0);
}

/* One run and its row: "unstarted" when the workload could not be set up (the reason is on stderr). */
static void
run_once(long run, const struct setup *s, long timeout_s, char **command)
{
	struct rusage ru;
	double start, real = 0;
	int status = 0, root_status = 0, root_done = 0, supervisor_done = 0, killed = 0, report = -1;
	long stops = 0;
	pid_t pid, root, supervisor = -1;

	fflush(stdout);
	memset(&ru, 0, sizeof ru);
	root = fork();
	if (root < 0) {
		fprintf(stderr, "tt-macro: fork: %s\n", strerror(errno));
		printf("%ld,0,0,0,unstarted\n", run);
		return;
	}
	if (root == 0)
		exec_workload(s, command);
	setpgid(root, root);
	if (take_over(s, root, timeout_s, &supervisor, &report) != 0) {
		end_run(root, supervisor);
		if (report >= 0)
			close(report);
		if (!terminated) /* an interrupted run has no row */
			printf("%ld,0,0,0,unstarted\n", run);
		return;
	}
	start = now();
	running = root;
	kill(root, SIGCONT);
	timed_out = 0;
	alarm((unsigned)timeout_s);
	/* Until the root ends: every task of the tree reports here when traced; only the root otherwise. */
	while (!root_done) {
		struct rusage r;

		if ((timed_out || terminated) && !killed) {
			kill(root, SIGKILL); /* its group is killed by the handler; the root may have left it */
			killed = 1;
		}
		pid = wait4(-1, &status, __WALL, &r);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (pid == root && (WIFEXITED(status) || WIFSIGNALED(status))) {
			real = now() - start;
			root_status = status;
			root_done = 1;
			ru = r;
		} else if (pid == supervisor && (WIFEXITED(status) || WIFSIGNALED(status))) {
			supervisor_done = 1; /* early: the run ends with its calls failing, and the row says how */
		}
#if defined(__linux__)
		else if (WIFSTOPPED(status))
			resume_tracee(s->m->tracer, pid, status, &stops);
#endif
	}
	alarm(0);
	killed |= timed_out; /* the alarm's handler may have killed it before the loop looked */
	end_run(root, supervisor_done ? -1 : supervisor);
	if (supervisor > 0) {
		stops = supervisor_stops(report);
		close(report);
	} else if (s->m->preload != NULL) {
		stops = reported_counts(s->count_file);
	}
	if (terminated)
		return; /* an interrupted run has no row */
	printf("%ld,%.6f,%.6f,%.6f,", run, real, seconds(ru.ru_utime), seconds(ru.ru_stime));
	/* Killed at the limit (by the loop or the alarm's handler), not a run that ended as the alarm rang. */
	if (killed && WIFSIGNALED(root_status) && WTERMSIG(root_status) == SIGKILL)
		printf("timeout\n");
	else if (WIFSIGNALED(root_status))
		printf("signal %d\n", WTERMSIG(root_status));
	else
		printf("%d\n", WEXITSTATUS(root_status));
	if (s->m->tracer != NO_TRACER || supervisor > 0 || s->m->preload != NULL)
		printf("#stops %ld %ld\n", run, stops);
	fflush(stdout);
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
	int opt, fd = -1;
	const char *name = NULL, *selection = "all", *why;

	memset(&s, 0, sizeof s);
	s.build_dir = tt_own_dir(argv[0]);
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
	if ((opt = tt_calls_named(tt_selections, TT_NSELECTIONS, selection)) < 0)
		usage();
	s.selection = (enum tt_selection)opt;
	if ((s.m->selections & TT_SELECTS(s.selection)) == 0) {
		fprintf(stderr, "tt-macro: %s cannot be told to intercept %s (it takes %s)\n", name, tt_selections[s.selection].words,
		    tt_selections[s.m->selections == ALL ? TT_SELECT_ALL : TT_SELECT_SOCKET].words);
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
	sa.sa_handler = on_signal; /* no SA_RESTART: a signal interrupts wait4 */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
#if defined(__linux__)
	prctl(PR_SET_CHILD_SUBREAPER, 1); /* what the workload leaves behind becomes ours to kill */
#endif
	printf("run,real_s,user_s,sys_s,exit\n");
	for (i = 1; i <= runs && !terminated; i++)
		run_once(i, &s, timeout_s, argv + optind);
	if (s.m->preload != NULL)
		unlink(s.count_file);
	if (terminated) {
		fprintf(stderr, "tt-macro: interrupted\n");
		return 130;
	}
	return 0;
}
