/*
 * tt-syscall: cycles of one system call per round, with a valid or an
 * invalid descriptor: the 2009 study's open(), write(), close() and
 * open-write-close, and lmbench's getppid() (the null call), read() of one
 * byte from /dev/zero, stat() and fstat().
 *
 *   tt-syscall -c CALL -f valid|invalid -d SCRATCH [-n ROUNDS] [-w WARMUP]
 *              [-s READY_FD -g GO_FD] [-t TRACER_PID] [-m MECHANISM] [-i] [-F CALL]
 *
 * MECHANISM names what the benchmark sets up on itself before measuring, as
 * a mechanism's module calls it (bench.self in mech_*.c): seccomp-allow,
 * seccomp-errno, seccomp-trace, seccomp-notify (its filter on the measured
 * call's system calls, calls.c) or sud (Syscall User Dispatch; -i makes its
 * handler inspect paths). -F makes a seccomp filter select another call's
 * system calls than the measured one, to time a call the filter lets by.
 * Tracers in other processes need nothing here.
 *
 * Output: a calibration comment, an interception count where the benchmark
 * can see one, then "round,cycles,result" per timed round. With -s/-g the
 * benchmark says "ready" and waits for a byte on GO_FD before its first round
 * (so a tracer can attach), says "done" after the last one and waits again
 * (so the tracer can detach) before printing anything.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#include <sys/prctl.h>
#endif
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calls.h"
#include "mechanism.h"
#include "rows.h"
#include "seccomp_filter.h"
#include "sud.h"
#include "timing.h"

struct bench {
	enum tt_call call;
	int valid;
	char path[PATH_MAX];    /* file opened or examined by the valid cases */
	char missing[PATH_MAX]; /* path in a directory that does not exist */
	int fd;                 /* descriptor used by write, read and fstat; -1 when invalid */
};

/* Counters of in-process interposers (tt-preload.so defines them when preloaded). */
extern unsigned long tt_preload_calls __attribute__((weak));
extern unsigned long tt_preload_paths __attribute__((weak));

static const char payload[16] = "tracetax-write.\n";

static void
usage(void)
{
	fprintf(stderr, "usage: tt-syscall -c open|write|close|open-write-close|getppid|read|stat|fstat "
	    "-f valid|invalid -d SCRATCH_DIR [-n ROUNDS] [-w WARMUP] "
	    "[-s READY_FD -g GO_FD] [-t TRACER_PID] [-m MECHANISM] [-i] [-F CALL]\n");
	exit(2);
}

static long
number(const char *s, const char *what, long min)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min) {
		fprintf(stderr, "tt-syscall: %s must be an integer >= %ld, got \"%s\"\n", what, min, s);
		exit(2);
	}
	return v;
}

static int
err_of(long r)
{
	return r < 0 ? errno : 0;
}

/* One timed round; errs[] receives the errno of each call (0 for success). */
static uint64_t
time_round(const struct bench *b, int errs[3])
{
	uint64_t t0, t1;
	struct stat st;
	char byte;
	long r;
	int fd;

	switch (b->call) {
	case TT_OPEN:
		t0 = tt_start();
		fd = open(b->valid ? b->path : b->missing, O_WRONLY | O_CREAT, 0600);
		t1 = tt_stop();
		errs[0] = err_of(fd);
		if (fd >= 0)
			close(fd);
		break;
	case TT_WRITE:
		t0 = tt_start();
		r = write(b->fd, payload, sizeof payload);
		t1 = tt_stop();
		errs[0] = err_of(r);
		break;
	case TT_CLOSE:
		fd = b->valid ? open(b->path, O_WRONLY | O_CREAT, 0600) : -1;
		if (b->valid && fd < 0) {
			errs[0] = errno; /* the round is recorded as failed, not timed */
			return 0;
		}
		t0 = tt_start();
		r = close(fd);
		t1 = tt_stop();
		errs[0] = err_of(r);
		break;
	case TT_OPEN_WRITE_CLOSE:
		t0 = tt_start();
		fd = open(b->valid ? b->path : b->missing, O_WRONLY | O_CREAT, 0600);
		errs[0] = err_of(fd);
		r = write(fd, payload, sizeof payload);
		errs[1] = err_of(r);
		r = close(fd);
		errs[2] = err_of(r);
		t1 = tt_stop();
		break;
	case TT_GETPPID:
		errno = 0; /* getppid() "cannot fail": libc may hand back a refused call's -errno without setting errno */
		t0 = tt_start();
		r = getppid();
		t1 = tt_stop();
		errs[0] = r >= 0 ? 0 : errno ? errno : (int)-r;
		break;
	case TT_READ:
		t0 = tt_start();
		r = read(b->fd, &byte, 1);
		t1 = tt_stop();
		errs[0] = err_of(r);
		break;
	case TT_STAT:
		t0 = tt_start();
		r = stat(b->valid ? b->path : b->missing, &st);
		t1 = tt_stop();
		errs[0] = err_of(r);
		break;
	case TT_FSTAT:
	default:
		t0 = tt_start();
		r = fstat(b->fd, &st);
		t1 = tt_stop();
		errs[0] = err_of(r);
		break;
	}
	return t1 - t0;
}

/* Handshake with the driver; a closed pipe means the driver is gone. */
static void
say_and_wait(int ready_fd, int go_fd, const char *word)
{
	char c;

	if (ready_fd < 0)
		return;
	if (write(ready_fd, word, strlen(word)) < 0 || read(go_fd, &c, 1) != 1) {
		fprintf(stderr, "tt-syscall: driver went away while %s", word);
		exit(1);
	}
}

/* Open what the call works on, before anything is timed. */
static int
prepare(struct bench *b, const char *dir)
{
	int fd;

	snprintf(b->path, sizeof b->path, "%s/tt-syscall-%ld.dat", dir, (long)getpid());
	snprintf(b->missing, sizeof b->missing, "%s/no-such-dir-%ld/file", dir, (long)getpid());
	b->fd = -1;
	if (!b->valid && b->call == TT_FSTAT) {
		/* libc answers fstat(-1) itself; a closed descriptor makes the kernel say EBADF. */
		if ((fd = open("/dev/null", O_RDONLY)) >= 0 && close(fd) == 0) {
			b->fd = fd;
			return 0;
		}
	}
	if (!b->valid)
		return 0;
	switch (b->call) {
	case TT_WRITE:
	case TT_FSTAT:
	case TT_STAT:
		fd = open(b->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			break;
		if (b->call == TT_STAT)
			close(fd);
		else
			b->fd = fd;
		return 0;
	case TT_READ:
		if ((b->fd = open("/dev/zero", O_RDONLY)) >= 0)
			return 0;
		break;
	default:
		return 0;
	}
	fprintf(stderr, "tt-syscall: cannot open the %s call's file: %s\n", tt_calls[b->call].name, strerror(errno));
	return -1;
}

/*
 * Set up what the mechanism installed as `self` puts in the benchmark: its
 * filter on the system calls of the call `filtered`, or syscall user
 * dispatch. Returns the seccomp listener descriptor (seccomp-notify), 0
 * otherwise; exits with a message when the kernel refuses.
 */
static int
install_mechanism(const char *self, int inspect, enum tt_call filtered, int ready_fd, int go_fd)
{
	const struct tt_mechanism *m;

	if (self == NULL)
		return 0;
	m = tt_mechanism_installed_as(self);
#if defined(TT_HAVE_SECCOMP)
	if (m != NULL && m->filter) {
		int protect[4] = { 1, 2, ready_fd < 0 ? 1 : ready_fd, go_fd < 0 ? 1 : go_fd };
		int r = tt_filter_calls(m->action, &tt_calls[filtered], protect);
		if (r < 0) {
			fprintf(stderr, "tt-syscall: cannot install the %s filter: %s\n", self, strerror(errno));
			exit(1);
		}
		return r;
	}
#endif
#if defined(TT_HAVE_SUD)
	if (m != NULL && m->dispatch) {
		if (tt_sud_install(inspect) != 0) {
			fprintf(stderr, "tt-syscall: cannot turn on syscall user dispatch: %s\n", strerror(errno));
			exit(1);
		}
		return 0;
	}
#endif
	(void)m, (void)inspect, (void)filtered, (void)ready_fd, (void)go_fd;
	fprintf(stderr, "tt-syscall: mechanism %s is not available in this build\n", self);
	exit(2);
}

static void
dispatch(int on)
{
#if defined(TT_HAVE_SUD)
	tt_sud_selector = on ? SYSCALL_DISPATCH_FILTER_BLOCK : SYSCALL_DISPATCH_FILTER_ALLOW;
#else
	(void)on;
#endif
}

/* Calls and inspected paths an in-process interposer has seen so far, or 0 when there is none. */
static int
interceptions(unsigned long *calls, unsigned long *paths)
{
#if defined(TT_HAVE_SUD)
	if (tt_sud_calls > 0) {
		*calls = tt_sud_calls;
		*paths = tt_sud_paths;
		return 1;
	}
#endif
	if (&tt_preload_calls != NULL) {
		*calls = tt_preload_calls;
		*paths = tt_preload_paths;
		return 1;
	}
	*calls = *paths = 0;
	return 0;
}

int
main(int argc, char **argv)
{
	struct bench b;
	const char *dir = NULL, *mechanism = NULL;
	long rounds = 51, warmup = 5, tracer = 0;
	int ready_fd = -1, go_fd = -1, have_call = 0, have_fd = 0, inspect = 0, intercepted, listener, opt, i;
	int filtered = -1;
	unsigned long calls0, calls1, paths0, paths1;
	uint64_t *cycles, overhead;
	int (*errs)[3];

	memset(&b, 0, sizeof b);
	while ((opt = getopt(argc, argv, "c:f:d:n:w:s:g:t:m:iF:")) != -1) {
		switch (opt) {
		case 'c':
			if ((i = tt_calls_named(tt_calls, TT_NCALLS, optarg)) < 0)
				usage();
			b.call = (enum tt_call)i;
			have_call = 1;
			break;
		case 'f':
			if (strcmp(optarg, "valid") != 0 && strcmp(optarg, "invalid") != 0)
				usage();
			b.valid = strcmp(optarg, "valid") == 0;
			have_fd = 1;
			break;
		case 'd': dir = optarg; break;
		case 'n': rounds = number(optarg, "rounds", 1); break;
		case 'w': warmup = number(optarg, "warmup", 0); break;
		case 's': ready_fd = (int)number(optarg, "ready fd", 0); break;
		case 'g': go_fd = (int)number(optarg, "go fd", 0); break;
		case 't': tracer = number(optarg, "tracer pid", 1); break;
		case 'm': mechanism = optarg; break;
		case 'i': inspect = 1; break;
		case 'F':
			if ((filtered = tt_calls_named(tt_calls, TT_NCALLS, optarg)) < 0)
				usage();
			break;
		default: usage();
		}
	}
	if (!have_call || !have_fd || dir == NULL || (ready_fd < 0) != (go_fd < 0))
		usage();
	tt_timer_init();
	if (prepare(&b, dir) != 0)
		return 1;
	cycles = calloc((size_t)rounds, sizeof *cycles);
	errs = calloc((size_t)rounds, sizeof *errs);
	if (cycles == NULL || errs == NULL) {
		fprintf(stderr, "tt-syscall: out of memory for %ld rounds\n", rounds);
		return 1;
	}
#if defined(__linux__) && defined(PR_SET_PTRACER)
	/* Yama's ptrace_scope=1 lets only ancestors trace; name our tracer. EINVAL means no Yama. */
	if (tracer > 0 && prctl(PR_SET_PTRACER, (unsigned long)tracer, 0, 0, 0) != 0 && errno != EINVAL) {
		fprintf(stderr, "tt-syscall: prctl(PR_SET_PTRACER, %ld): %s\n", tracer, strerror(errno));
		return 1;
	}
#else
	(void)tracer;
#endif
	overhead = tt_timer_overhead();
	listener = install_mechanism(mechanism, inspect, filtered >= 0 ? (enum tt_call)filtered : b.call, ready_fd, go_fd);

	say_and_wait(ready_fd, go_fd, "ready\n");
	/* The supervisor holds its own copy now; ours would keep notifications waiting after it leaves. */
	if (listener > 0)
		close(listener);
	dispatch(1);
	for (i = 0; i < warmup; i++) {
		int ignored[3];
		time_round(&b, ignored);
	}
	interceptions(&calls0, &paths0);
	for (i = 0; i < rounds; i++)
		cycles[i] = time_round(&b, errs[i]);
	dispatch(0);
	intercepted = interceptions(&calls1, &paths1);
	say_and_wait(ready_fd, go_fd, "done\n");

	if (b.fd >= 0)
		close(b.fd);
	unlink(b.path);
	printf("# timer=%s overhead_cycles=%llu invariant_tsc=%d\n",
	    tt_timer_name(), (unsigned long long)overhead, tt_timer.invariant_tsc);
	if (intercepted)
		printf("# intercepted=%lu paths=%lu\n", calls1 - calls0, paths1 - paths0);
	for (i = 0; i < rounds; i++) {
		printf("%d,%llu,%s", i + 1, (unsigned long long)cycles[i], tt_errno_name(errs[i][0]));
		if (b.call == TT_OPEN_WRITE_CLOSE)
			printf(";%s;%s", tt_errno_name(errs[i][1]), tt_errno_name(errs[i][2]));
		putchar('\n');
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
