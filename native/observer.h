/*
 * Starting and stopping an observer: a program of the build directory that
 * intercepts or watches a process it is given by PID, in the protocol of
 * tracer.h: its first line on o->report is "attached" once it is in place,
 * and it reports what it saw when signalled. tt-driver's
 * tracers and tt-macro's supervisor are started and stopped this way.
 */
#ifndef TT_OBSERVER_H
#define TT_OBSERVER_H

#include <sys/types.h>
#include <time.h>

struct tt_observer {
	pid_t pid;   /* 0 once reaped */
	int report;  /* its stdout */
	int release; /* where its target's PID is written; -1 once written */
};

/*
 * Fork the observer now and hold it until tt_observer_release names its
 * target: so the target can be started after it, knowing its PID (to allow
 * it to trace, PR_SET_PTRACER). In the child, setup(arg) (placement,
 * stderr, ...) runs before it waits. Then it runs `path -p PID args...`.
 * 0, or -1 with errno.
 */
int tt_observer_fork(struct tt_observer *o, const char *path, char *const args[], void (*setup)(void *), void *arg);

/*
 * The same for an observer that must be in place before its target exists
 * (audit): it runs `path -p - args...` at once, says "armed" when it is, and
 * reads the PID tt_observer_release writes from its stdin.
 */
int tt_observer_fork_armed(struct tt_observer *o, const char *path, char *const args[], void (*setup)(void *), void *arg);

/* Name the target: the held observer starts. 0, or -1 with errno. */
int tt_observer_release(struct tt_observer *o, pid_t target);

/* Read one line from fd before the deadline: 1 a line (without its newline), 0 end of file, -1 error, -2 timeout. */
int tt_read_line(int fd, char *buf, size_t size, time_t deadline);

/*
 * Send sig (unless it has been reaped) and read its report: 1 and the
 * number of stops from "stops N ...", 0 for "detached" (it counts nothing),
 * -2 at the deadline, -1 for anything else (the line, if any, in buf).
 */
int tt_observer_report(struct tt_observer *o, int sig, char *buf, size_t size, time_t deadline, unsigned long *stops);

/* Close our ends of its pipes. */
void tt_observer_close(struct tt_observer *o);

#endif
