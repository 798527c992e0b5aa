/*
 * tt-bpftrace: the bpftrace tool running a one-liner that counts the
 * measured process's system calls by number, on the raw_syscalls:sys_enter
 * tracepoint (this bpftrace, 0.17, has no rawtracepoint probes; the
 * tracepoint is the same kernel hook, reached through the perf event
 * layer). bpftrace prints its count map when it ends (SIGINT).
 *
 *   tt-bpftrace -p PID [-e SYSCALLS] [-w SECONDS]        (watch.h)
 *
 * bpftrace attaches on its own time, and says nothing when it has: the
 * same probe also watches a marker process (watch.h) and prints one line
 * the first time the marker calls; from then on the benchmark is counted.
 * With -w (a whole program) the filter is the program's cgroup v2
 * (tt-macro puts it in one) instead of the PID. Seen: the map's counts of
 * the measured system calls; bpftrace reports no losses for maps (0).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "watch.h"

struct output {
	char text[1 << 20];
	size_t n;
};

static int
take(int fd, void *ctx)
{
	struct output *o = ctx;
	ssize_t got = read(fd, o->text + o->n, sizeof o->text - o->n - 1);

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (got <= 0)
		return -1;
	o->n += (size_t)got;
	o->text[o->n] = '\0';
	return 0;
}

static int
marked(void *ctx)
{
	return strstr(((struct output *)ctx)->text, "marked\n") != NULL;
}

int
main(int argc, char **argv)
{
	static struct output out;
	char program[PATH_MAX + 1024], filter[PATH_MAX + 64], cgroup[PATH_MAX], *line;
	char *argv_tool[] = { "bpftrace", "-e", program, NULL };
	struct tt_tool tool = { argv_tool, 0, take, marked, &out, 0 }; /* maps are read whole at its end */
	struct tt_watch w;
	struct rusage ru;
	sigset_t waiting;
	unsigned long seen = 0, count;
	int quiet = -1;
	long nr;
	pid_t marker;

	tt_watch_args(&w, argc, argv);
	tt_watch_signals(&waiting);
	if (tt_watch_target(&w) != 0 || (marker = tt_watch_marker(&quiet)) < 0)
		return 1;
	if (w.wait_s > 0) {
		if (tt_watch_cgroup(w.target, cgroup, sizeof cgroup) != 0)
			return 1;
		snprintf(filter, sizeof filter, "cgroup == cgroupid(\"%s\")", cgroup);
	} else
		snprintf(filter, sizeof filter, "pid == %ld", (long)w.target);
	/* One probe for both, so the marker's line proves the benchmark's counting is attached too. */
	snprintf(program, sizeof program,
	    "tracepoint:raw_syscalls:sys_enter /%s || pid == %ld/ { if (pid == %ld) { if (@marked == 0) { printf(\"marked\\n\"); @marked = 1; } } else { @calls[args->id] = count(); } } "
	    "END { clear(@marked); }",
	    filter, (long)marker, (long)marker);
	if (tt_watch_tool(&tool, &quiet, &waiting, &ru) < 0)
		return 1;
	/* The map, as bpftrace prints it at its end: "@calls[NR]: COUNT". */
	for (line = out.text; (line = strstr(line, "@calls[")) != NULL; line++)
		if (sscanf(line, "@calls[%ld]: %lu", &nr, &count) == 2 && tt_watch_measured(&w, nr))
			seen += count;
	return tt_watch_report(seen, 0, tt_cpu_seconds(&ru), 0, "");
}
