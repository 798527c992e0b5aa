/*
 * tt-macro: runs one workload command RUNS times under an interception
 * mechanism and prints, per run, the wall time and the CPU time of the
 * workload's process tree.
 *
 *   tt-macro -m MECHANISM [-c all|socket] [-b BUILD_DIR] [-n RUNS] [-T SECONDS] [-p]
 *            -- COMMAND [ARG...]
 *   tt-macro --list-mechanisms
 *
 * MECHANISM is one of the registry (mechanisms.c) offered for whole
 * programs: how each intercepts a program is its module's `program` setup.
 * BUILD_DIR holds the observers and the preloaded libraries; by default the
 * directory this program was started from.
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
 * -c chooses the calls intercepted, for the mechanisms that can select:
 * every system call (all, the default) or the socket calls (tt_selections
 * in calls.c). A mechanism that traces the tree (ptrace) is this program
 * itself, stopping every task (PTRACE_SEIZE, following fork, vfork, clone).
 * The time of this program, of strace and of an observer (the seccomp
 * supervisor) as tracers is outside the row, except strace's: it is the
 * root of the tree.
 * Leftover processes of a run (children not waited for, daemons in other
 * process groups, which on Linux are reparented to this program) are killed
 * when its first process ends: a run never outlives its row. SIGINT, SIGTERM
 * or SIGHUP kill the run in progress, which gets no row, and end the program
 * with status 130.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#include <sys/prctl.h>
#endif
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>
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
#include "mechanism.h"
#include "observer.h"
#include "own_dir.h"
#include "ptrace_loop.h"
#include "seccomp_filter.h"
#include "journal.h"
#include "watch.h"

#if !defined(__WALL)
#define __WALL 0
#endif

struct setup {
	const struct tt_mechanism *m;
	const struct tt_setup *how; /* m's setup for a whole program */
	enum tt_selection selection;
	const char *build_dir;
	int pass_stdout;
	char count_file[64]; /* where preloaded interposers report their counts */
	char cgroup[PATH_MAX]; /* the cgroup v2 the program runs in, for an observer that filters by it */
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
	fprintf(stderr, "usage: tt-macro -m MECHANISM [-c all|socket] [-b BUILD_DIR] [-n RUNS] [-T SECONDS] [-p] -- COMMAND [ARG...]\n"
	    "       tt-macro --list-mechanisms\n");
	exit(2);
}

/* Move the workload's first process into the cgroup, before the observer looks; its children follow it there. */
static int
put_in_cgroup(const char *cgroup, pid_t pid)
{
	char procs[PATH_MAX + 16], id[32];

	snprintf(procs, sizeof procs, "%s/cgroup.procs", cgroup);
	snprintf(id, sizeof id, "%ld", (long)pid);
	if (tt_write_file(procs, id) == 0)
		return 0;
	fprintf(stderr, "tt-macro: cannot join the cgroup %s: %s\n", cgroup, strerror(errno));
	return -1;
}

/*
 * A cgroup v2 of our own beside ours, for the observer to filter by,
 * journaled (journal.h) so that it goes even if this program is killed.
 */
static int
make_cgroup(struct setup *s, struct tt_journal *j)
{
	char mine[PATH_MAX];

	tt_journal_replay(stderr);
	if (tt_watch_cgroup(getpid(), mine, sizeof mine) != 0 || tt_journal_open(j, "cgroup") != 0)
		return -1;
	snprintf(s->cgroup, sizeof s->cgroup, "%.*s/tracetax-macro-%ld", (int)(sizeof s->cgroup - 40), mine, (long)getpid());
	/* A cgroup with processes in it cannot have children under cgroup v2: beside ours, at its parent, then. */
	if (tt_watch_cgroup(1, mine, sizeof mine) == 0 && strncmp(s->cgroup, mine, strlen(mine)) == 0)
		snprintf(s->cgroup, sizeof s->cgroup, "%.*s/tracetax-macro-%ld", (int)(sizeof s->cgroup - 40), mine, (long)getpid());
	if (tt_journal_note(j, "cgroup %s", s->cgroup) != 0)
		return -1;
	if (mkdir(s->cgroup, 0755) == 0)
		return 0;
	fprintf(stderr, "tt-macro: cannot create the cgroup %s: %s\n", s->cgroup, strerror(errno));
	return -1;
}

/*
 * In the child: its own process group (so a timeout kills the whole tree),
 * stdout as asked, the mechanism's setup, and one stop before the exec,
 * where the runner takes over and starts the clock: a tracer seizes it
 * before the filter is installed, an observer takes the listener after.
 */
static void
exec_workload(const struct setup *s, char **command)
{
	char **argv;

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
	argv = tt_mechanism_command(s->how, &tt_selections[s->selection], s->build_dir, command);
	if (s->how->preload != NULL)
		setenv("TT_COUNT_FILE", s->count_file, 1);
#if defined(__linux__) && defined(PR_SET_PTRACER)
	/* Yama (ptrace_scope 1) lets the observer, a descendant of tt-macro, take our listener. */
	if (s->how->observer != NULL)
		prctl(PR_SET_PTRACER, getppid(), 0, 0, 0);
#endif
	/* A filter that traces needs its tracer before the first call it selects: stop before it. */
	if (s->how->tracer != TT_NO_TREE_TRACER)
		raise(SIGSTOP);
#if defined(TT_HAVE_SECCOMP)
	if (s->m->filter && tt_filter_calls(s->m->action, &tt_selections[s->selection], NULL) < 0) {
		fprintf(stderr, "tt-macro: cannot install the %s filter: %s\n", s->m->name, strerror(errno));
		_exit(127);
	}
#endif
	/* The listener closes at exec: the observer takes it during this stop (which, on every call, waits for it). */
	if (s->how->tracer == TT_NO_TREE_TRACER)
		raise(SIGSTOP);
	execvp(argv[0], argv);
	fprintf(stderr, "tt-macro: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

#if defined(__linux__)
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

/* In the observer's child: a process group of its own, as a Ctrl-C is for tt-macro, which ends the observer itself. */
static void
own_group(void *unused)
{
	(void)unused;
	setpgid(0, 0);
}

/*
 * The observer of the workload, started on its first process: it waits up
 * to timeout_s for what it intercepts to be set up (tracer.h), then says
 * "attached". 0 once it has, else -1.
 */
static int
start_observer(const struct setup *s, pid_t workload, long timeout_s, struct tt_observer *o)
{
	char path[PATH_MAX], wait_s[32], line[128], *args[6];
	int i = 0;

	snprintf(path, sizeof path, "%s/%s", s->build_dir, s->how->observer);
	snprintf(wait_s, sizeof wait_s, "%ld", timeout_s);
	if (s->how->observer_flag != NULL)
		args[i++] = (char *)s->how->observer_flag;
	args[i++] = "-w";
	args[i++] = wait_s;
	if (s->how->calls && tt_selections[s->selection].syscalls != NULL) {
		args[i++] = "-e";
		args[i++] = (char *)tt_selections[s->selection].syscalls;
	}
	args[i] = NULL;
	if (tt_observer_fork(o, path, args, own_group, NULL) != 0 || tt_observer_release(o, workload) != 0)
		return -1;
	if (tt_read_line(o->report, line, sizeof line, time(NULL) + timeout_s) != 1 || strcmp(line, "attached") != 0)
		return -1; /* it said why on stderr, or we were told to stop */
	return 0;
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
 * take it over (seize it, or have the observer take its listener).
 */
static int
take_over(const struct setup *s, pid_t root, long timeout_s, struct tt_observer *observer, struct tt_ptrace *tracer)
{
	int status;

	if (s->how->observer != NULL && start_observer(s, root, timeout_s, observer) != 0) {
		fprintf(stderr, "tt-macro: %s did not take over the workload\n", s->how->observer);
		return -1;
	}
	while (waitpid(root, &status, WUNTRACED) != root)
		if (errno != EINTR || terminated)
			return -1;
	if (!WIFSTOPPED(status))
		return -1; /* it ended before its stop; it said why on stderr */
#if defined(__linux__)
	if (s->how->tracer != TT_NO_TREE_TRACER && tt_ptrace_seize(tracer, root) != 0) {
		fprintf(stderr, "tt-macro: cannot trace the workload: %s\n", strerror(errno));
		return -1;
	}
#else
	(void)tracer;
#endif
	return 0;
}

/*
 * The end of every run: the workload's process group killed, then any other
 * process it left (Linux: we are their subreaper), the observer told to
 * report (killed if it has not within 10 s), and everything reaped. Returns
 * what the observer counted, -1 when there is none or it did not say.
 */
static long
end_run(pid_t root, struct tt_observer *observer)
{
	char line[128];
	unsigned long stops;
	long counted = -1;
	int status, r;
	pid_t pid;

	running = 0;
	kill(-root, SIGKILL);
	kill_children(observer->pid);
	if (observer->report >= 0) {
		r = tt_observer_report(observer, SIGTERM, line, sizeof line, time(NULL) + 10, &stops);
		if (r == 1)
			counted = (long)stops;
		else if (observer->pid > 0)
			kill(observer->pid, SIGKILL);
	}
	while ((pid = wait4(-1, &status, __WALL, NULL)) > 0 || errno == EINTR) {
		if (pid > 0 && pid == observer->pid)
			observer->pid = 0;
		if (pid > 0 && WIFSTOPPED(status))
			kill(pid, SIGKILL);
		kill_children(observer->pid);
	}
	tt_observer_close(observer);
	return counted;
}

/* One run and its row: "unstarted" when the workload could not be set up (the reason is on stderr). */
static void
run_once(long run, const struct setup *s, long timeout_s, char **command)
{
	struct tt_observer observer = { 0, -1, -1 };
	struct tt_ptrace tracer;
	struct rusage ru;
	double start, real = 0;
	int status = 0, root_status = 0, root_done = 0, killed = 0;
	long stops;
	pid_t pid, root;

	fflush(stdout);
	memset(&ru, 0, sizeof ru);
	memset(&tracer, 0, sizeof tracer);
	tracer.seccomp_only = s->how->tracer == TT_TRACE_SECCOMP_EVENTS;
	tracer.follow = 1;
	root = fork();
	if (root < 0) {
		fprintf(stderr, "tt-macro: fork: %s\n", strerror(errno));
		printf("%ld,0,0,0,unstarted\n", run);
		return;
	}
	if (root == 0)
		exec_workload(s, command);
	setpgid(root, root);
	if (s->cgroup[0] != '\0' && put_in_cgroup(s->cgroup, root) != 0)
		kill(root, SIGKILL); /* it then never stops for the take-over, which says so */
	running = root; /* a signal during the set-up ends it: the workload killed, the observer loses its target */
	if (take_over(s, root, timeout_s, &observer, &tracer) != 0) {
		end_run(root, &observer);
		if (!terminated) /* an interrupted run has no row */
			printf("%ld,0,0,0,unstarted\n", run);
		return;
	}
	start = now();
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
		} else if (pid == observer.pid && (WIFEXITED(status) || WIFSIGNALED(status))) {
			observer.pid = 0; /* early: the run ends with its calls failing, and the row says how */
		}
#if defined(__linux__)
		else if (WIFSTOPPED(status))
			tt_ptrace_continue(&tracer, pid, status, 0); /* a task that has gone needs nothing more */
#endif
	}
	alarm(0);
	killed |= timed_out; /* the alarm's handler may have killed it before the loop looked */
	stops = end_run(root, &observer);
	if (s->how->tracer != TT_NO_TREE_TRACER)
		stops = (long)tracer.stops;
	else if (s->how->preload != NULL)
		stops = reported_counts(s->count_file);
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
	if (s->how->tracer != TT_NO_TREE_TRACER || s->how->observer != NULL || s->how->preload != NULL)
		printf("#stops %ld %ld\n", run, stops);
	fflush(stdout);
}

/* The mechanism called name that can run a whole program; else exits, naming those that can. */
static const struct tt_mechanism *
find_mechanism(const char *name)
{
	const struct tt_mechanism *m = tt_mechanism_named(name);

	if (m != NULL && m->selections != 0)
		return m;
	fprintf(stderr, "tt-macro: unknown mechanism \"%s\" (known:", name);
	tt_mechanism_names(stderr, 1);
	fprintf(stderr, ")\n");
	exit(2);
}

/* The selections of a mechanism, in words, for a message. */
static void
print_selections(FILE *out, unsigned int selections)
{
	int i, printed = 0;

	for (i = 0; i < TT_NSELECTIONS; i++)
		if (selections & TT_SELECTS(i))
			fprintf(out, "%s%s", printed++ > 0 ? " or " : "", tt_selections[i].words);
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct setup s;
	struct tt_journal cgroup = { "", -1 };
	long runs = 1, timeout_s = 60, i;
	int opt, fd = -1;
	const char *name = NULL, *selection = "all", *why;

	if (tt_list_mechanisms_asked(argc, argv)) {
		tt_list_mechanisms(stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
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
	s.how = &s.m->program;
	if ((opt = tt_calls_named(tt_selections, TT_NSELECTIONS, selection)) < 0)
		usage();
	s.selection = (enum tt_selection)opt;
	if ((s.m->selections & TT_SELECTS(s.selection)) == 0) {
		fprintf(stderr, "tt-macro: %s cannot be told to intercept %s (it takes ", name, tt_selections[s.selection].words);
		print_selections(stderr, s.m->selections);
		fprintf(stderr, ")\n");
		return 2;
	}
	if ((why = tt_mechanism_unavailable(s.m, s.how, s.build_dir)) != NULL) {
		fprintf(stderr, "tt-macro: %s\n", why);
		return 2;
	}
	if (s.how->cgroup && make_cgroup(&s, &cgroup) != 0) {
		tt_journal_undo(&cgroup);
		return 1;
	}
	if (s.how->preload != NULL) {
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
	if (s.how->preload != NULL)
		unlink(s.count_file);
	if (s.how->cgroup)
		tt_journal_undo(&cgroup);
	if (terminated) {
		fprintf(stderr, "tt-macro: interrupted\n");
		return 130;
	}
	return 0;
}
