/*
 * What the observers of today's tracing tools share (tt-ebpf, tt-bpftrace,
 * tt-perf-trace, tt-audit, tt-ftrace): they speak the protocol of tracer.h
 * and take the same arguments,
 *
 *   PROGRAM -p PID|- [-e SYSCALLS] [-i] [-r] [-w SECONDS]
 *
 * -p -: the observer must be in place before the measured process exists
 *    (audit): it says "armed" and reads the PID from stdin (observer.h).
 * -e: the measured calls' system calls, comma-separated (calls.c): those
 *    counted as seen, and those a filter selects where it can.
 * -i: the inspect handler (where the observer has one).
 * -r: the ring buffer instead of in-kernel counting (tt-ebpf).
 * -w: a whole program (tt-macro): the observer follows every process of it.
 *
 * When asked to stop each prints one line,
 *   stops SEEN lost=LOST consumer_cpu_s=SECONDS paths=N last=PATH
 * SEEN: the entries into the measured system calls it saw; LOST: the events
 * it knows it lost (ring buffer full, perf's LOST records, audit's lost
 * count, ftrace's overruns); SECONDS: the CPU time of the consumer (the
 * process that drains the events, or the tool) over the observation.
 */
#ifndef TT_WATCH_H
#define TT_WATCH_H

#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>

#define TT_WATCH_MAX_NUMBERS 16

struct tt_watch {
	const char *name;    /* the program, for messages */
	pid_t target;
	int armed_first;     /* -p -: told the PID after "armed" */
	const char *syscalls;
	long numbers[TT_WATCH_MAX_NUMBERS];
	int nnumbers;        /* -1: every system call */
	int inspect, ring;
	long wait_s;         /* > 0 for a whole program */
};

extern volatile sig_atomic_t tt_stop_requested, tt_child_ended;

/* Parse the arguments above; exits with status 2 and the usage when they are wrong. */
void tt_watch_args(struct tt_watch *w, int argc, char **argv);

/*
 * The stop signals of tracer.h and SIGCHLD (a consumer that died) set the
 * flags above; they stay blocked except inside ppoll/sigsuspend with
 * *waiting, so none slips in between a check and a wait.
 */
void tt_watch_signals(sigset_t *waiting);

/* With -p -: say "armed" and read the PID. 0, or -1 with a message. */
int tt_watch_target(struct tt_watch *w);

/* Say "attached" on stdout. */
void tt_watch_attached(void);

/* 1 when nr is one of the measured system calls (every one without -e). */
int tt_watch_measured(const struct tt_watch *w, long nr);

/* Start a tool that dies with us; its stdout (if out) and stderr (if err) into pipes we read. Its PID or -1. */
pid_t tt_watch_spawn(char *const argv[], int *out, int *err);

/* Stop a tool with sig, give it `seconds` to end, then kill it; its rusage in *ru. Its wait status, or -1. */
int tt_watch_end(pid_t pid, int sig, int seconds, struct rusage *ru);

/*
 * A marker process for the tools that attach on their own time (bpftrace,
 * perf): it makes getppid() calls every few milliseconds until the tool,
 * told to watch it too, shows one; tt_watch_marker_quiet then stops it
 * calling. Its PID, or -1.
 */
pid_t tt_watch_marker(int *quiet);
void tt_watch_marker_quiet(int *quiet);

/* The cgroup v2 directory a process is in (the cgroup2 mount and its "0::" line of /proc/PID/cgroup). 0, or -1 with a message. */
int tt_watch_cgroup(pid_t pid, char *path, size_t size);

/*
 * A tool that prints what it sees (bpftrace, perf trace), run as the
 * consumer: read(fd, ctx) takes what it printed (-1 at its end), marked(ctx)
 * says when the marker's call has shown up.
 */
struct tt_tool {
	char *const *argv;
	int on_stderr; /* its output is on stderr (perf trace), not stdout */
	int (*read)(int fd, void *ctx);
	int (*marked)(void *ctx); /* how many of the marker's calls it has shown */
	void *ctx;
	int flush; /* the marker calls again at the end, until the tool shows it: its buffers are read past the benchmark's calls */
};

/*
 * Start the tool, wait until it shows the marker (then quiet it), say "attached",
 * (with flush, wake the marker at the end and wait for the tool to show it again),
 * read it until asked to stop, then ask it to end with SIGINT, again every
 * 100 ms (a tool can miss one that lands between its check and its wait),
 * and read it to its end. Its wait status, or -1 with a message; its
 * rusage in *ru.
 */
int tt_watch_tool(const struct tt_tool *t, int *quiet, sigset_t *waiting, struct rusage *ru);

double tt_cpu_seconds(const struct rusage *ru);

/* Print the report line above; 0 when it was written. */
int tt_watch_report(unsigned long seen, unsigned long lost, double cpu_s, unsigned long paths, const char *last);

#endif
