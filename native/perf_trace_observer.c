/*
 * tt-perf-trace: `perf trace -p PID`, strace's counterpart built on the
 * kernel's syscall tracepoints and perf's ring buffers instead of ptrace.
 * Its output (one line per call, on stderr, unbuffered) comes to this
 * process through a pipe and is counted line by line; perf is the consumer.
 *
 *   tt-perf-trace -p PID [-e SYSCALLS]        (watch.h)
 *
 * perf says nothing when it has attached: it watches a marker process too
 * (watch.h), and the marker's first call in its output says it is tracing.
 * Seen: the lines of the target's measured calls (a call perf shows as
 * started and "[continued]" later is counted once); lost: the events of
 * perf's "LOST N events!" lines.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "watch.h"

struct counts {
	char partial[1024];
	size_t kept;
	unsigned long seen, lost;
	int marked;
};

static struct tt_watch w;
static char target_tag[40], marker_tag[40];

/* Is "NAME(" at s one of the measured system calls? */
static int
measured_name(const char *s)
{
	size_t len = strcspn(s, "(");
	const char *at = w.syscalls;

	if (s[len] != '(')
		return 0;
	if (at == NULL)
		return 1;
	while (*at != '\0') {
		size_t n = strcspn(at, ",");
		if (n == len && strncmp(at, s, len) == 0)
			return 1;
		at += n + (at[n] == ',');
	}
	return 0;
}

static void
line_seen(struct counts *c, const char *line)
{
	const char *at;
	unsigned long n;

	if ((at = strstr(line, "LOST ")) != NULL && sscanf(at, "LOST %lu events", &n) == 1)
		c->lost += n;
	if (strstr(line, marker_tag) != NULL)
		c->marked++;
	/* "TIME ( DURATION ms): COMM/PID NAME(ARGS) = RET", or "... [continued]: NAME())" for the rest of a call. */
	if ((at = strstr(line, target_tag)) != NULL && strstr(at, "[continued]") == NULL && measured_name(at + strlen(target_tag)))
		c->seen++;
}

/* Read perf's output, line by line; -1 when it has ended. */
static int
take(int fd, void *ctx)
{
	struct counts *c = ctx;
	char buf[65536];
	ssize_t got = read(fd, buf, sizeof buf), i;

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (got <= 0)
		return -1;
	for (i = 0; i < got; i++) {
		if (buf[i] != '\n') {
			if (c->kept + 1 < sizeof c->partial)
				c->partial[c->kept++] = buf[i];
			continue;
		}
		c->partial[c->kept] = '\0';
		c->kept = 0;
		line_seen(c, c->partial);
	}
	return 0;
}

static int
marked(void *ctx)
{
	return ((struct counts *)ctx)->marked;
}

int
main(int argc, char **argv)
{
	static struct counts c;
	char pids[64];
	char *argv_tool[] = { "perf", "trace", "-p", pids, NULL };
	struct tt_tool tool = { argv_tool, 1, take, marked, &c, 1 };
	struct rusage ru;
	sigset_t waiting;
	int quiet = -1;
	pid_t marker;

	tt_watch_args(&w, argc, argv);
	tt_watch_signals(&waiting);
	if (tt_watch_target(&w) != 0 || (marker = tt_watch_marker(&quiet)) < 0)
		return 1;
	snprintf(pids, sizeof pids, "%ld,%ld", (long)w.target, (long)marker);
	snprintf(target_tag, sizeof target_tag, "/%ld ", (long)w.target);
	snprintf(marker_tag, sizeof marker_tag, "/%ld getppid(", (long)marker);
	if (tt_watch_tool(&tool, &quiet, &waiting, &ru) < 0)
		return 1;
	return tt_watch_report(c.seen, c.lost, tt_cpu_seconds(&ru), 0, "");
}
