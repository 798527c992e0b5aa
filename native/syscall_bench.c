/*
 * tt-syscall: cycles of open(), write(), close() and the sequence
 * open-write-close, with a valid or an invalid descriptor (Zinke 2009).
 *
 *   tt-syscall -c CALL -f valid|invalid -d SCRATCH [-n ROUNDS] [-w WARMUP]
 *              [-s READY_FD -g GO_FD] [-t TRACER_PID]
 *
 * Output: a calibration comment, then "round,cycles,result" per timed round.
 * With -s/-g the benchmark says "ready" and waits for a byte on GO_FD before
 * its first round (so a tracer can attach), says "done" after the last one
 * and waits again (so the tracer can detach) before printing anything.
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

#include "timing.h"
#include "rows.h"

enum call { OPEN, WRITE, CLOSE, OPEN_WRITE_CLOSE };
static const char *const call_names[] = { "open", "write", "close", "open-write-close" };

struct bench {
	enum call call;
	int valid;
	char path[PATH_MAX];    /* file opened by the valid cases */
	char missing[PATH_MAX]; /* path in a directory that does not exist */
	int write_fd;           /* descriptor written by the single write() case */
};

static const char payload[16] = "tracetax-write.\n";

static void
usage(void)
{
	fprintf(stderr, "usage: tt-syscall -c open|write|close|open-write-close "
	    "-f valid|invalid -d SCRATCH_DIR [-n ROUNDS] [-w WARMUP] "
	    "[-s READY_FD -g GO_FD] [-t TRACER_PID]\n");
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

/* One timed round; errs[] receives the errno of each call (0 for success). */
static uint64_t
time_round(const struct bench *b, int errs[3])
{
	uint64_t t0, t1;
	int fd, r;

	switch (b->call) {
	case OPEN:
		t0 = tt_start();
		fd = open(b->valid ? b->path : b->missing, O_WRONLY | O_CREAT, 0600);
		t1 = tt_stop();
		errs[0] = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		break;
	case WRITE:
		fd = b->valid ? b->write_fd : -1;
		t0 = tt_start();
		r = (int)write(fd, payload, sizeof payload);
		t1 = tt_stop();
		errs[0] = r < 0 ? errno : 0;
		break;
	case CLOSE:
		fd = b->valid ? open(b->path, O_WRONLY | O_CREAT, 0600) : -1;
		if (b->valid && fd < 0) {
			errs[0] = errno; /* the round is recorded as failed, not timed */
			return 0;
		}
		t0 = tt_start();
		r = close(fd);
		t1 = tt_stop();
		errs[0] = r < 0 ? errno : 0;
		break;
	case OPEN_WRITE_CLOSE:
	default:
		t0 = tt_start();
		fd = open(b->valid ? b->path : b->missing, O_WRONLY | O_CREAT, 0600);
		errs[0] = fd < 0 ? errno : 0;
		r = (int)write(fd, payload, sizeof payload);
		errs[1] = r < 0 ? errno : 0;
		r = close(fd);
		errs[2] = r < 0 ? errno : 0;
		t1 = tt_stop();
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
		fprintf(stderr, "tt-syscall: driver went away while %s\n", word);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	struct bench b;
	const char *dir = NULL;
	long rounds = 51, warmup = 5, tracer = 0;
	int ready_fd = -1, go_fd = -1, have_call = 0, have_fd = 0, opt, i;
	uint64_t *cycles, overhead;
	int (*errs)[3];

	memset(&b, 0, sizeof b);
	b.write_fd = -1;
	while ((opt = getopt(argc, argv, "c:f:d:n:w:s:g:t:")) != -1) {
		switch (opt) {
		case 'c':
			for (i = 0; i < 4; i++)
				if (strcmp(optarg, call_names[i]) == 0)
					b.call = (enum call)i, have_call = 1;
			if (!have_call)
				usage();
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
		default: usage();
		}
	}
	if (!have_call || !have_fd || dir == NULL || (ready_fd < 0) != (go_fd < 0))
		usage();
	tt_timer_init();

	snprintf(b.path, sizeof b.path, "%s/tt-syscall-%ld.dat", dir, (long)getpid());
	snprintf(b.missing, sizeof b.missing, "%s/no-such-dir-%ld/file", dir, (long)getpid());
	if (b.valid && b.call == WRITE) {
		b.write_fd = open(b.path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (b.write_fd < 0) {
			fprintf(stderr, "tt-syscall: cannot create %s: %s\n", b.path, strerror(errno));
			return 1;
		}
	}
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
#endif
	overhead = tt_timer_overhead();

	say_and_wait(ready_fd, go_fd, "ready\n");
	for (i = 0; i < warmup; i++) {
		int ignored[3];
		time_round(&b, ignored);
	}
	for (i = 0; i < rounds; i++)
		cycles[i] = time_round(&b, errs[i]);
	say_and_wait(ready_fd, go_fd, "done\n");

	if (b.write_fd >= 0)
		close(b.write_fd);
	unlink(b.path);
	printf("# timer=%s overhead_cycles=%llu invariant_tsc=%d\n",
	    tt_timer_name(), (unsigned long long)overhead, tt_timer.invariant_tsc);
	for (i = 0; i < rounds; i++) {
		printf("%d,%llu,%s", i + 1, (unsigned long long)cycles[i], tt_errno_name(errs[i][0]));
		if (b.call == OPEN_WRITE_CLOSE)
			printf(";%s;%s", tt_errno_name(errs[i][1]), tt_errno_name(errs[i][2]));
		putchar('\n');
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
