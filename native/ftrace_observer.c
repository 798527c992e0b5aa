/*
 * tt-ftrace: the kernel's syscall trace events, for one process only, in a
 * tracefs instance of our own (instances/tracetax-PID: its own ring buffer,
 * event enables and PID filter, so nobody else's tracing is touched), read
 * from its trace_pipe by this process, the consumer.
 *
 *   tt-ftrace -p PID -e SYSCALLS [-w SECONDS]        (watch.h)
 *
 * The events are syscalls:sys_enter_NAME and sys_exit_NAME of the measured
 * calls (every syscall event without -e), filtered by set_event_pid; with
 * -w (a whole program) the filter follows the processes it forks
 * (options/event-fork). Seen: the entry lines read; lost: the instance
 * buffer's overruns. The instance is removed at the end, through the
 * journal (journal.h) also when this process is killed. tracefs is mounted
 * at /sys/kernel/tracing when it is mounted nowhere, and left mounted.
 */
#define _GNU_SOURCE
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/resource.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cloexec.h"
#include "journal.h"
#include "watch.h"

static struct tt_watch w;
static struct tt_journal journal;
static char tracefs[PATH_MAX / 2], instance[PATH_MAX / 2];

static int
find_tracefs(void)
{
	FILE *m = setmntent("/proc/mounts", "r");
	struct mntent *e;

	tracefs[0] = '\0';
	while (m != NULL && (e = getmntent(m)) != NULL)
		if (strcmp(e->mnt_type, "tracefs") == 0 && tracefs[0] == '\0')
			snprintf(tracefs, sizeof tracefs, "%s", e->mnt_dir);
	if (m != NULL)
		endmntent(m);
	if (tracefs[0] != '\0')
		return 0;
	snprintf(tracefs, sizeof tracefs, "/sys/kernel/tracing");
	if (mount("nodev", tracefs, "tracefs", 0, NULL) == 0)
		return 0;
	fprintf(stderr, "tt-ftrace: tracefs is not mounted and cannot be at %s: %s\n", tracefs, strerror(errno));
	return -1;
}

static int
set(const char *file, const char *value)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", instance, file);
	if (tt_write_file(path, value) == 0)
		return 0;
	fprintf(stderr, "tt-ftrace: cannot write \"%s\" to %s: %s\n", value, path, strerror(errno));
	return -1;
}

/* Whether the instance has the event syscalls:sys_enter_NAME. */
static int
has_event(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/events/syscalls/sys_enter_%s", instance, name);
	return access(path, F_OK) == 0;
}

/*
 * Enable the entry and exit events of each measured system call (or of them
 * all). Some calls' events carry the kernel's own name of the call (x86-64
 * traces stat and fstat as newstat and newfstat), and a call the kernel has
 * no event for here is passed over; at least one must be enabled.
 */
static int
enable_events(void)
{
	char names[256], file[160], event[64], *name;
	int enabled = 0;

	if (w.syscalls == NULL)
		return set("events/syscalls/enable", "1");
	snprintf(names, sizeof names, "%s", w.syscalls);
	for (name = strtok(names, ","); name != NULL; name = strtok(NULL, ",")) {
		snprintf(event, sizeof event, "%s", name);
		if (!has_event(event))
			snprintf(event, sizeof event, "new%s", name);
		if (!has_event(event))
			continue;
		snprintf(file, sizeof file, "events/syscalls/sys_enter_%s/enable", event);
		if (set(file, "1") != 0)
			return -1;
		snprintf(file, sizeof file, "events/syscalls/sys_exit_%s/enable", event);
		if (set(file, "1") != 0)
			return -1;
		enabled++;
	}
	if (enabled == 0) {
		fprintf(stderr, "tt-ftrace: this kernel has no syscall trace event for %s\n", w.syscalls);
		return -1;
	}
	return 0;
}

/* An entry line names the call with its arguments, "sys_NAME(...)"; an exit line "sys_NAME -> RET". */
static unsigned long
entries(const char *text, size_t n, char *partial, size_t *kept)
{
	unsigned long seen = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (text[i] != '\n') {
			if (*kept + 1 < 512)
				partial[(*kept)++] = text[i];
			continue;
		}
		partial[*kept] = '\0';
		*kept = 0;
		if (strstr(partial, ": sys_") != NULL && strchr(strstr(partial, ": sys_"), '(') != NULL)
			seen++;
	}
	return seen;
}

/* Overruns of the instance's buffer, summed over CPUs. */
static unsigned long
overruns(void)
{
	char path[PATH_MAX], line[128];
	unsigned long total = 0, n;
	int cpu;
	FILE *f;

	for (cpu = 0; cpu < 4096; cpu++) {
		snprintf(path, sizeof path, "%s/per_cpu/cpu%d/stats", instance, cpu);
		if ((f = fopen(path, "r")) == NULL)
			break;
		while (fgets(line, sizeof line, f) != NULL)
			if (sscanf(line, "overrun: %lu", &n) == 1)
				total += n;
		fclose(f);
	}
	return total;
}

int
main(int argc, char **argv)
{
	char buf[65536], partial[512], pid[32];
	unsigned long seen = 0, lost;
	size_t kept = 0;
	sigset_t waiting;
	struct rusage before, after;
	ssize_t got;
	int pipe_fd;

	tt_watch_args(&w, argc, argv);
	tt_watch_signals(&waiting);
	tt_journal_replay(stderr);
	if (find_tracefs() != 0 || tt_watch_target(&w) != 0 || tt_journal_open(&journal, "ftrace") != 0)
		return 1;
	snprintf(instance, sizeof instance, "%s/instances/tracetax-%ld", tracefs, (long)getpid());
	snprintf(pid, sizeof pid, "%ld", (long)w.target);
	if (tt_journal_note(&journal, "ftrace_instance %s", instance) != 0)
		return 1;
	if (mkdir(instance, 0700) != 0) {
		fprintf(stderr, "tt-ftrace: cannot create the tracefs instance %s: %s\n", instance, strerror(errno));
		tt_journal_undo(&journal);
		return 1;
	}
	if (set("buffer_size_kb", "8192") != 0 || set("set_event_pid", pid) != 0 ||
	    (w.wait_s > 0 && set("options/event-fork", "1") != 0) || enable_events() != 0) {
		tt_journal_undo(&journal);
		return 1;
	}
	snprintf(buf, sizeof buf, "%s/trace_pipe", instance);
	if ((pipe_fd = tt_open_cloexec(buf, O_RDONLY | O_NONBLOCK, 0)) < 0) {
		fprintf(stderr, "tt-ftrace: cannot open %s: %s\n", buf, strerror(errno));
		tt_journal_undo(&journal);
		return 1;
	}
	getrusage(RUSAGE_SELF, &before);
	tt_watch_attached();
	while (!tt_stop_requested) {
		struct pollfd p = { pipe_fd, POLLIN, 0 };

		if (ppoll(&p, 1, NULL, &waiting) < 0 && errno != EINTR)
			break;
		while ((got = read(pipe_fd, buf, sizeof buf)) > 0)
			seen += entries(buf, (size_t)got, partial, &kept);
	}
	/* Stop recording, then read what is left. */
	set("tracing_on", "0");
	while ((got = read(pipe_fd, buf, sizeof buf)) > 0)
		seen += entries(buf, (size_t)got, partial, &kept);
	lost = overruns();
	close(pipe_fd);
	getrusage(RUSAGE_SELF, &after);
	if (tt_journal_undo(&journal) != 0)
		return 1;
	return tt_watch_report(seen, lost, tt_cpu_seconds(&after) - tt_cpu_seconds(&before), 0, "");
}
