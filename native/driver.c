/*
 * tt-driver: runs a batch of cells on this host, one fresh benchmark process
 * (and tracer) per trial, and streams the rounds to stdout as CSV. The same
 * program serves local runs and runs over SSH.
 *
 *   tt-driver -b BUILD_DIR -d SCRATCH_DIR [-T SECONDS] < BATCH
 *   tt-driver --list-mechanisms
 *
 * BATCH has one cell per line:
 *   ID CALL FD TRACER PLACEMENT TRIALS ROUNDS WARMUP [PAD_BYTES]
 * TRACER is an interception mechanism of the registry (mechanisms.c),
 * optionally with a handler and a call its filter selects instead of the
 * measured one: MECH[:HANDLER][@CALL], as "ptrace", "ptrace:inspect",
 * "seccomp-notify:null", "ptrace-seccomp@open" (getppid measured past a
 * filter that selects open). Only mechanisms whose filter is told which
 * calls to select take @CALL (the "filter" column of --list-mechanisms);
 * the others' cells are skipped. Mechanisms with a tracer process take the
 * placements unpinned, same-cpu and cross-cpu; the others run in the
 * benchmark's own process (or the kernel) and take unpinned and pinned,
 * like plain cells. PAD_BYTES (default 0, at most 65536) is the size of a
 * variable TT_PAD added to the benchmark's environment, which moves where
 * its stack starts: a hidden factor the runner varies per trial.
 * The whole batch is read and checked before anything runs: a malformed
 * line exits 2 naming the line and the field, with nothing measured.
 * Output, per cell:
 *   #cell ID begin
 *   ID,TRIAL,ROUND,CYCLES,RESULT          one line per measured round
 *   #timer ID TRIAL TIMER OVERHEAD_CYCLES INVARIANT_TSC
 *   #stops ID TRIAL N                     calls the mechanism intercepted, where it counts
 *   #noise ID TRIAL pad_bytes=N [KEY=VALUE ...]
 *   #observed ID TRIAL seen=N lost=N consumer_cpu_s=S paths=N last=PATH
 *                                         what an observer of watch.h saw, lost and spent
 *   #cell ID done | #cell ID failed REASON | #cell ID skipped REASON
 * A cell is complete only at its "done" line. The "#noise" line follows a
 * trial's rounds; beside pad_bytes it has, where the host can say (Linux,
 * noise.h), for the benchmark and for the tracer process: *_cpu (the CPU it
 * last ran on), *_switches and *_migrations (/proc/PID/sched), *_rq_ns (time
 * waiting on a run queue), read from each process once it has ended and
 * before it is reaped; steal_ticks (the host's steal time during the trial,
 * USER_HZ ticks) and boot_id. The tracer_* keys come only with a tracer
 * process; under strace-seccomp that is strace, the benchmark's parent,
 * and there are no bench_* keys, since strace, not the driver, reaps the
 * benchmark. Every wait has a deadline of SECONDS (default 60) per trial; a
 * process past it is killed.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#include <sched.h>
#include <sys/prctl.h>
#endif
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calls.h"
#include "cloexec.h"
#include "mechanism.h"
#include "noise.h"
#include "observer.h"

#define REASON_MAX 512
#define PAD_MAX 65536 /* far below any ARG_MAX, and 16 pages of stack shifts */
#define FACTS_MAX 320

struct cell {
	char id[128], call[32], fd[16], tracer[48], placement[16];
	long trials, rounds, warmup, pad;
	const struct tt_mechanism *m;
	int inspect;
	enum tt_call measured, filtered; /* filtered: the call whose system calls the filter selects */
	int names_filter;                /* TRACER ends in @CALL */
};

struct trial {
	pid_t bench;
	struct tt_observer tracer;
	int ready, go; /* driver's ends of the benchmark's pipes */
	time_t deadline;
	char reason[REASON_MAX];
	char facts[FACTS_MAX]; /* what the host said of its processes, as "#noise" keys */
	long long steal;       /* the host's steal ticks when it started, then during it; -1: unknown */
};

/* Where a child runs and where its stderr goes. */
struct placement {
	int cpu;
	const char *err_path;
};

static const char *build_dir, *scratch_dir;
static long timeout_s = 60;
static int cpu_a = -1, cpu_b = -1; /* the first two CPUs this driver may use */
static char bench_out[PATH_MAX], bench_err[PATH_MAX], tracer_err[PATH_MAX];
static volatile pid_t live[2];

static void
on_stop_signal(int sig)
{
	int i;

	for (i = 0; i < 2; i++)
		if (live[i] > 0)
			kill(live[i], SIGKILL);
	_exit(128 + sig);
}

static int
fail(struct trial *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->reason, sizeof t->reason, fmt, ap);
	va_end(ap);
	return -1;
}

/* First lines of a child's stderr, on one line, for a failure reason. */
static const char *
first_words(const char *path)
{
	static char buf[300];
	size_t n, i;
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f == NULL)
		return buf;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	for (i = 0; i < n; i++)
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = ';';
	return buf;
}

static int
expect(struct trial *t, int fd, const char *word, const char *who, const char *errfile)
{
	char line[128];
	int r = tt_read_line(fd, line, sizeof line, t->deadline);

	if (r == 1 && strcmp(line, word) == 0)
		return 0;
	if (r == -2)
		return fail(t, "timed out after %lds waiting for %s to say \"%s\"", timeout_s, who, word);
	return fail(t, "%s did not say \"%s\" (%s)", who, word,
	    r == 1 ? line : *first_words(errfile) ? first_words(errfile) : "it exited");
}

/*
 * Whether a child has ended. Linux leaves it unreaped (WNOWAIT), so its
 * /proc entries can still be read; elsewhere it is reaped here, into *status.
 */
static int
has_ended(pid_t pid, int *status)
{
#if defined(__linux__)
	siginfo_t si;

	memset(&si, 0, sizeof si);
	(void)status;
	return waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == pid;
#else
	return waitpid(pid, status, WNOHANG) != 0;
#endif
}

/*
 * Wait for a child to end before the deadline (then kill it); returns its
 * wait status. A child that ended by itself has what the host says of it
 * (noise.h) added to facts as `who`'s, before it is reaped.
 */
static int
reap(pid_t pid, time_t deadline, const char *who, char facts[FACTS_MAX])
{
	int status = 0;
	struct timespec ms = { 0, 1000000 };

	while (!has_ended(pid, &status)) {
		if (time(NULL) >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return status;
		}
		nanosleep(&ms, NULL);
	}
	tt_noise_process(facts, FACTS_MAX, who, pid);
#if defined(__linux__)
	waitpid(pid, &status, 0);
#endif
	return status;
}

static void
end_processes(struct trial *t)
{
	pid_t *pids[] = { &t->tracer.pid, &t->bench };
	size_t i;

	for (i = 0; i < sizeof pids / sizeof pids[0]; i++)
		if (*pids[i] > 0) {
			kill(*pids[i], SIGKILL);
			waitpid(*pids[i], NULL, 0);
			*pids[i] = 0;
		}
	live[0] = live[1] = 0;
}

static void
close_pipes(struct trial *t)
{
	int *fds[] = { &t->ready, &t->go };
	size_t i;

	for (i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	tt_observer_close(&t->tracer);
}

/* In a new child: die with the driver, run on its CPU, send stderr to its file. */
static void
child_setup(void *arg)
{
	const struct placement *p = arg;
	int err_fd = open(p->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

#if defined(__linux__)
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (p->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(p->cpu, &set);
		if (sched_setaffinity(0, sizeof set, &set) != 0) {
			dprintf(err_fd, "cannot pin to CPU %d: %s\n", p->cpu, strerror(errno));
			_exit(1);
		}
	}
#endif
	if (err_fd >= 0)
		dup2(err_fd, STDERR_FILENO);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

/* The tracer is forked first and held, so the benchmark can name it (PR_SET_PTRACER) before it attaches. */
static int
start_tracer(const struct cell *c, struct trial *t, struct placement *where)
{
	char path[PATH_MAX], *args[5];
	int i = 0;

	snprintf(path, sizeof path, "%s/%s", build_dir, c->m->bench.observer);
	if (c->m->bench.observer_flag != NULL)
		args[i++] = (char *)c->m->bench.observer_flag;
	if (c->inspect)
		args[i++] = "-i";
	if (c->m->bench.calls) {
		args[i++] = "-e";
		args[i++] = (char *)tt_calls[c->measured].syscalls;
	}
	args[i] = NULL;
	if (c->m->bench.arms_first)
		return tt_observer_fork_armed(&t->tracer, path, args, child_setup, where);
	return tt_observer_fork(&t->tracer, path, args, child_setup, where);
}

static pid_t
start_bench(const struct cell *c, struct trial *t, struct placement *where)
{
	int ready[2], go[2], out;
	pid_t pid;

	if (tt_pipe_cloexec(ready) != 0 || tt_pipe_cloexec(go) != 0)
		return -1;
	out = tt_open_cloexec(bench_out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char path[PATH_MAX], rounds[24], warmup[24], rfd[16], gfd[16], tracer[24], *pad;
		char *argv[40], **command;
		int i = 0;

		child_setup(where);
		dup2(out, STDOUT_FILENO);
		fcntl(ready[1], F_SETFD, 0);
		fcntl(go[0], F_SETFD, 0);
		snprintf(path, sizeof path, "%s/tt-syscall", build_dir);
		snprintf(rounds, sizeof rounds, "%ld", c->rounds);
		snprintf(warmup, sizeof warmup, "%ld", c->warmup);
		snprintf(rfd, sizeof rfd, "%d", ready[1]);
		snprintf(gfd, sizeof gfd, "%d", go[0]);
		argv[i++] = path;
		argv[i++] = "-c"; argv[i++] = (char *)c->call;
		argv[i++] = "-f"; argv[i++] = (char *)c->fd;
		argv[i++] = "-d"; argv[i++] = (char *)scratch_dir;
		argv[i++] = "-n"; argv[i++] = rounds;
		argv[i++] = "-w"; argv[i++] = warmup;
		argv[i++] = "-s"; argv[i++] = rfd;
		argv[i++] = "-g"; argv[i++] = gfd;
		if (t->tracer.pid > 0) {
			snprintf(tracer, sizeof tracer, "%ld", (long)t->tracer.pid);
			argv[i++] = "-t"; argv[i++] = tracer;
		}
		if (c->m->bench.self != NULL) {
			argv[i++] = "-m"; argv[i++] = (char *)c->m->bench.self;
			if (c->inspect)
				argv[i++] = "-i";
		}
		if (c->filtered != c->measured) {
			argv[i++] = "-F"; argv[i++] = (char *)tt_calls[c->filtered].name;
		}
		argv[i] = NULL;
		if (c->m->bench.preload != NULL)
			setenv("TT_PRELOAD_HANDLER", c->inspect ? "inspect" : "null", 1);
		/* Set even when empty, so one byte more of padding is one byte more of environment. */
		if ((pad = malloc((size_t)c->pad + 1)) != NULL) {
			memset(pad, 'x', (size_t)c->pad);
			pad[c->pad] = '\0';
		}
		if (pad == NULL || setenv("TT_PAD", pad, 1) != 0) {
			fprintf(stderr, "cannot pad the environment with %ld bytes: %s\n", c->pad, strerror(errno));
			_exit(127);
		}
		command = tt_mechanism_command(&c->m->bench, &tt_calls[c->filtered], build_dir, argv);
		execvp(command[0], command);
		fprintf(stderr, "cannot run %s: %s\n", command[0], strerror(errno));
		_exit(127);
	}
	close(out);
	close(ready[1]);
	close(go[0]);
	t->ready = ready[0];
	t->go = go[1];
	return pid;
}

static int
exited_cleanly(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static const char *
how_it_ended(int status)
{
	static char buf[64];

	if (WIFSIGNALED(status))
		snprintf(buf, sizeof buf, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, sizeof buf, "exit status %d", WEXITSTATUS(status));
	return buf;
}

/* Print the benchmark's rounds as this cell's rows; the count must be the one asked for. */
static int
emit_rounds(const struct cell *c, long trial, struct trial *t)
{
	char line[256], timer[64];
	unsigned long long overhead, intercepted;
	int invariant;
	long rows = 0;
	FILE *f = fopen(bench_out, "r");

	if (f == NULL)
		return fail(t, "cannot read the benchmark's output: %s", strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "# timer=%63s overhead_cycles=%llu invariant_tsc=%d", timer, &overhead, &invariant) == 3)
			printf("#timer %s %ld %s %llu %d\n", c->id, trial, timer, overhead, invariant);
		else if (sscanf(line, "# intercepted=%llu", &intercepted) == 1)
			printf("#stops %s %ld %llu\n", c->id, trial, intercepted);
		else if (line[0] != '#') {
			printf("%s,%ld,%s\n", c->id, trial, line);
			rows++;
		}
	}
	fclose(f);
	if (rows != c->rounds)
		return fail(t, "benchmark printed %ld rounds, expected %ld", rows, c->rounds);
	return 0;
}

static void
emit_noise(const struct cell *c, long trial, const struct trial *t)
{
	const char *boot = tt_boot_id();

	printf("#noise %s %ld pad_bytes=%ld%s", c->id, trial, c->pad, t->facts);
	if (t->steal >= 0)
		printf(" steal_ticks=%lld", t->steal);
	if (boot != NULL)
		printf(" boot_id=%s", boot);
	putchar('\n');
}

static int
run_trial(const struct cell *c, long trial, struct trial *t)
{
	int traced = TT_TRACER_PROCESS(c->m), r;
	struct placement bench = { strcmp(c->placement, "unpinned") == 0 ? -1 : cpu_a, bench_err };
	struct placement tracer = { strcmp(c->placement, "same-cpu") == 0 ? cpu_a
	    : strcmp(c->placement, "cross-cpu") == 0 ? cpu_b : -1, tracer_err };
	/* Under strace-seccomp the driver's child is strace, the benchmark's parent and tracer. */
	const char *child = c->m->bench.strace != NULL ? "tracer" : "bench";
	char line[512];
	unsigned long stops;
	long long steal;
	int status;

	t->deadline = time(NULL) + timeout_s;
	t->steal = tt_steal_ticks();
	if (traced) {
		if (start_tracer(c, t, &tracer) != 0)
			return fail(t, "cannot start the tracer: %s", strerror(errno));
		live[1] = t->tracer.pid;
		if (c->m->bench.arms_first && expect(t, t->tracer.report, "armed", "the tracer", tracer_err) != 0)
			return -1;
	}
	if ((live[0] = t->bench = start_bench(c, t, &bench)) < 0)
		return fail(t, "cannot start the benchmark: %s", strerror(errno));
	if (expect(t, t->ready, "ready", "the benchmark", bench_err) != 0)
		return -1;
	if (traced) {
		if (tt_observer_release(&t->tracer, t->bench) != 0)
			return fail(t, "cannot release the tracer: %s", strerror(errno));
		if (expect(t, t->tracer.report, "attached", "the tracer", tracer_err) != 0)
			return -1;
	}
	if (write(t->go, "g", 1) != 1)
		return fail(t, "the benchmark went away: %s", first_words(bench_err));
	if (expect(t, t->ready, "done", "the benchmark", bench_err) != 0)
		return -1;
	if (traced) {
		r = tt_observer_report(&t->tracer, SIGUSR1, line, sizeof line, t->deadline, &stops);
		if (r < 0)
			return fail(t, "the tracer did not detach (%s)", first_words(tracer_err));
		status = reap(t->tracer.pid, t->deadline, "tracer", t->facts);
		t->tracer.pid = live[1] = 0;
		if (!exited_cleanly(status))
			return fail(t, "the tracer ended badly (%s): %s", how_it_ended(status), first_words(tracer_err));
		if (r == 1)
			printf("#stops %s %ld %lu\n", c->id, trial, stops);
		if (r == 1 && strstr(line, " lost=") != NULL)
			printf("#observed %s %ld seen=%lu%s\n", c->id, trial, stops, strstr(line, " lost="));
	}
	if (write(t->go, "g", 1) != 1)
		return fail(t, "the benchmark went away after measuring: %s", first_words(bench_err));
	while (tt_read_line(t->ready, line, sizeof line, t->deadline) == 1)
		; /* until the benchmark closes its end by exiting */
	status = reap(t->bench, t->deadline, child, t->facts);
	t->bench = live[0] = 0;
	steal = tt_steal_ticks();
	t->steal = t->steal >= 0 && steal >= t->steal ? steal - t->steal : -1;
	if (!exited_cleanly(status))
		return fail(t, "the benchmark ended badly (%s): %s", how_it_ended(status), first_words(bench_err));
	if (emit_rounds(c, trial, t) != 0)
		return -1;
	emit_noise(c, trial, t);
	return 0;
}

/* A reason the host cannot serve this cell at all, or NULL. */
static const char *
unservable(const struct cell *c)
{
	static char why[160];

	if (c->names_filter && !TT_FILTERS_CALLS(c->m)) {
		snprintf(why, sizeof why, "%s has no filter that could select %s's system calls instead of %s's",
		    c->m->name, tt_calls[c->filtered].name, tt_calls[c->measured].name);
		return why;
	}
	if (strcmp(c->placement, "unpinned") != 0 && cpu_a < 0)
		return "CPU pinning is not available on this OS";
	if (strcmp(c->placement, "cross-cpu") == 0 && cpu_b < 0)
		return "cross-cpu placement needs two CPUs, this process may use one";
	return tt_mechanism_unavailable(c->m, &c->m->bench, build_dir);
}

static const char *
misplaced(const struct cell *c)
{
	const char *p = c->placement;

	if (TT_TRACER_PROCESS(c->m) && strcmp(p, "unpinned") != 0 && strcmp(p, "same-cpu") != 0 && strcmp(p, "cross-cpu") != 0)
		return "with a tracer process the placement is unpinned, same-cpu or cross-cpu";
	if (!TT_TRACER_PROCESS(c->m) && strcmp(p, "unpinned") != 0 && strcmp(p, "pinned") != 0)
		return "without a tracer process the placement is unpinned or pinned";
	return NULL;
}

/*
 * Resolve the call and "name[:handler][@call]" into c->measured, c->m,
 * c->inspect and c->filtered; a message when one names nothing known.
 */
static const char *
unknown(struct cell *c)
{
	static char why[160];
	char name[sizeof c->tracer], *handler, *other;
	int call = tt_calls_named(tt_calls, TT_NCALLS, c->call);

	if (call < 0) {
		snprintf(why, sizeof why, "unknown call %.31s", c->call);
		return why;
	}
	c->measured = c->filtered = (enum tt_call)call;
	memcpy(name, c->tracer, sizeof name);
	if ((other = strchr(name, '@')) != NULL) {
		*other++ = '\0';
		if ((call = tt_calls_named(tt_calls, TT_NCALLS, other)) < 0) {
			snprintf(why, sizeof why, "unknown call %.31s after @ in %.47s", other, c->tracer);
			return why;
		}
		c->filtered = (enum tt_call)call;
		c->names_filter = 1;
	}
	if ((handler = strchr(name, ':')) != NULL)
		*handler++ = '\0';
	c->m = tt_mechanism_named(name);
	if (c->m == NULL)
		snprintf(why, sizeof why, "unknown mechanism %.47s", name);
	else if (handler != NULL && (!c->m->handlers || (strcmp(handler, "null") != 0 && strcmp(handler, "inspect") != 0)))
		snprintf(why, sizeof why, "mechanism %s has no handler %.20s", c->m->name, handler);
	else {
		c->inspect = handler != NULL && strcmp(handler, "inspect") == 0;
		return NULL;
	}
	return why;
}

static void
run_cell(struct cell *c)
{
	struct trial t;
	const char *why;
	long trial;

	printf("#cell %s begin\n", c->id);
	fflush(stdout); /* so a runner that stops us mid-cell knows which cell it was */
	if ((why = unknown(c)) != NULL || (why = misplaced(c)) != NULL) {
		printf("#cell %s failed %s\n", c->id, why);
		return;
	}
	if ((why = unservable(c)) != NULL) {
		printf("#cell %s skipped %s\n", c->id, why);
		return;
	}
	for (trial = 1; trial <= c->trials; trial++) {
		memset(&t, 0, sizeof t);
		t.ready = t.go = t.tracer.report = t.tracer.release = -1;
		if (run_trial(c, trial, &t) != 0) {
			end_processes(&t);
			close_pipes(&t);
			printf("#cell %s failed trial %ld: %s\n", c->id, trial, t.reason);
			return;
		}
		close_pipes(&t);
	}
	printf("#cell %s done\n", c->id);
}

static void
find_cpus(void)
{
#if defined(__linux__)
	cpu_set_t set;
	int i;

	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return;
	for (i = 0; i < CPU_SETSIZE; i++) {
		if (!CPU_ISSET(i, &set))
			continue;
		if (cpu_a < 0)
			cpu_a = i;
		else if (cpu_b < 0)
			cpu_b = i;
	}
#endif
}

/* A batch line's fields: the words first, then the numbers, each with its bounds. */
static const char *const field_names[] = { "ID", "CALL", "FD", "TRACER", "PLACEMENT", "TRIALS", "ROUNDS", "WARMUP", "PAD_BYTES" };
#define NFIELDS 9
#define NWORDS 5

/* One batch line into c: why it cannot be, naming the field, or NULL. */
static const char *
parse_cell(char *line, struct cell *c)
{
	static char why[200];
	char *field[NFIELDS + 1], *word, *end;
	char *words[NWORDS] = { c->id, c->call, c->fd, c->tracer, c->placement };
	size_t room[NWORDS] = { sizeof c->id, sizeof c->call, sizeof c->fd, sizeof c->tracer, sizeof c->placement };
	long *numbers[NFIELDS - NWORDS] = { &c->trials, &c->rounds, &c->warmup, &c->pad };
	const long least[NFIELDS - NWORDS] = { 1, 1, 0, 0 }, most[NFIELDS - NWORDS] = { LONG_MAX, LONG_MAX, LONG_MAX, PAD_MAX };
	int n = 0, i;

	for (word = strtok(line, " \t\r\n"); word != NULL && n <= NFIELDS; word = strtok(NULL, " \t\r\n"))
		field[n++] = word;
	if (n < NFIELDS - 1 || n > NFIELDS) {
		snprintf(why, sizeof why, "%s%d fields, expected ID CALL FD TRACER PLACEMENT TRIALS ROUNDS WARMUP [PAD_BYTES]",
		    n > NFIELDS ? "more than " : "", n > NFIELDS ? NFIELDS : n);
		return why;
	}
	for (i = 0; i < NWORDS; i++) {
		if (strlen(field[i]) >= room[i]) {
			snprintf(why, sizeof why, "field %d (%s) is longer than %lu characters", i + 1, field_names[i],
			    (unsigned long)room[i] - 1);
			return why;
		}
		strcpy(words[i], field[i]);
	}
	for (i = NWORDS; i < NFIELDS; i++) {
		long *v = numbers[i - NWORDS];
		if (i == n) {
			*v = 0; /* PAD_BYTES left out */
			break;
		}
		errno = 0;
		*v = strtol(field[i], &end, 10);
		if (*end != '\0' || errno != 0 || *v < least[i - NWORDS] || *v > most[i - NWORDS]) {
			if (most[i - NWORDS] == LONG_MAX)
				snprintf(why, sizeof why, "field %d (%s) must be an integer >= %ld, got \"%.40s\"", i + 1,
				    field_names[i], least[i - NWORDS], field[i]);
			else
				snprintf(why, sizeof why, "field %d (%s) must be an integer from %ld to %ld, got \"%.40s\"", i + 1,
				    field_names[i], least[i - NWORDS], most[i - NWORDS], field[i]);
			return why;
		}
	}
	return NULL;
}

/*
 * Every cell of the batch on standard input, read before any is run, so a
 * malformed line stops the driver (status 2, naming the line and the
 * field) with nothing measured.
 */
static struct cell *
read_batch(size_t *count)
{
	char line[512];
	struct cell *cells = NULL, *grown;
	size_t n = 0, room = 0;
	long lineno = 0;
	const char *why;

	while (fgets(line, sizeof line, stdin) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(stdin)) {
			fprintf(stderr, "tt-driver: batch on standard input, line %ld: longer than %d characters\n", lineno,
			    (int)sizeof line - 2);
			exit(2);
		}
		if (line[strspn(line, " \t\r\n")] == '\0' || line[0] == '#')
			continue;
		if (n == room) {
			room = room > 0 ? 2 * room : 64;
			if ((grown = realloc(cells, room * sizeof *cells)) == NULL) {
				fprintf(stderr, "tt-driver: out of memory for a batch of %lu cells\n", (unsigned long)room);
				exit(1);
			}
			cells = grown;
		}
		memset(&cells[n], 0, sizeof cells[n]);
		if ((why = parse_cell(line, &cells[n])) != NULL) {
			fprintf(stderr, "tt-driver: batch on standard input, line %ld: %s\n", lineno, why);
			exit(2);
		}
		n++;
	}
	if (ferror(stdin)) {
		fprintf(stderr, "tt-driver: cannot read the batch: %s\n", strerror(errno));
		exit(1);
	}
	*count = n;
	return cells;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct cell *cells;
	size_t count, i;
	int opt;

	if (tt_list_mechanisms_asked(argc, argv)) {
		tt_list_mechanisms(stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	while ((opt = getopt(argc, argv, "b:d:T:")) != -1) {
		switch (opt) {
		case 'b': build_dir = optarg; break;
		case 'd': scratch_dir = optarg; break;
		case 'T': timeout_s = strtol(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (build_dir == NULL || scratch_dir == NULL || timeout_s < 1)
		goto usage;
	cells = read_batch(&count);
	if (mkdir(scratch_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "tt-driver: cannot create scratch directory %s: %s\n", scratch_dir, strerror(errno));
		return 1;
	}
	snprintf(bench_out, sizeof bench_out, "%s/tt-driver-%ld.out", scratch_dir, (long)getpid());
	snprintf(bench_err, sizeof bench_err, "%s/tt-driver-%ld.err", scratch_dir, (long)getpid());
	snprintf(tracer_err, sizeof tracer_err, "%s/tt-driver-%ld.tracer-err", scratch_dir, (long)getpid());

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed stdout shows up as a failed fflush */
	find_cpus();

	for (i = 0; i < count; i++) {
		run_cell(&cells[i]);
		if (fflush(stdout) != 0)
			return 1;
	}
	free(cells);
	unlink(bench_out);
	unlink(bench_err);
	unlink(tracer_err);
	return 0;
usage:
	fprintf(stderr, "usage: tt-driver -b BUILD_DIR -d SCRATCH_DIR [-T SECONDS] < BATCH\n       tt-driver --list-mechanisms\n");
	return 2;
}
