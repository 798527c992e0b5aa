/*
 * An interception mechanism, one module each (mech_<name>.c): what it
 * needs, how the measured process is prepared for it, what intercepts or
 * observes that process, and so what it reports. Two kinds of measured
 * process: the microbenchmark (tt-syscall, started by tt-driver, timing one
 * call) and a whole program (tt-macro's workload, every process it starts).
 * mechanisms.c registers the modules in the one table tt-driver, tt-syscall
 * and tt-macro read; the ways of doing each part are shared code: a seccomp
 * filter (seccomp_filter.h) or syscall user dispatch the process installs on
 * itself, a preloaded library, strace as its parent, an observer program
 * attached by PID (observer.h), tt-macro's own ptrace (ptrace_loop.h).
 *
 * What each reports follows from that: an observer its "stops N" line (the
 * observers of today's tracing tools more: watch.h), a
 * preloaded library or in-process handler its count of calls, tt-macro's
 * ptrace the stops it saw; strace and the kernel-only filters count nothing.
 */
#ifndef TT_MECHANISM_H
#define TT_MECHANISM_H

#include <stdio.h>

#include "calls.h"

/* tt-macro stops every task of the program at every call, or at its filter's SECCOMP_RET_TRACE only. */
enum tt_tree_tracer { TT_NO_TREE_TRACER, TT_TRACE_EVERY_CALL, TT_TRACE_SECCOMP_EVENTS };

/* How one kind of measured process is intercepted; a field left out is a part not used. */
struct tt_setup {
	const char *self;          /* tt-syscall -m NAME: it installs the filter, or dispatch, on itself */
	const char *preload;       /* a library of the build directory, preloaded (LD_PRELOAD) */
	const char *strace;        /* strace starts the process, with this option added ("" for none) */
	const char *observer;      /* a program of the build directory attached by PID (tracer.h) */
	const char *observer_flag; /* a flag added to its arguments */
	enum tt_tree_tracer tracer;
	int calls;                 /* the observer is told the selected system calls (-e, watch.h) */
	int arms_first;            /* the observer is in place before the measured process exists (-p -, observer.h) */
	int cgroup;                /* tt-macro puts the program in a cgroup v2 of its own, which the observer filters by */
};

/*
 * What a mechanism does to the machine beyond the measured process: nothing;
 * kernel state other processes share, for the time it runs (BPF programs,
 * tracepoints, tracefs, audit rules), put back after it, through the
 * journal (journal.h) even when it is killed; or a slowdown the kernel keeps
 * until reboot (audit: runs place these cells after all others).
 */
enum tt_global { TT_GLOBAL_NONE, TT_GLOBAL_RUN, TT_GLOBAL_BOOT };

struct tt_mechanism {
	const char *name;
	const char *os;          /* "Linux", "OpenBSD" or "any": the kernel that has it */
	int handlers;            /* takes the :null and :inspect handlers */
	unsigned int selections; /* TT_SELECTS() of the selections it can make in a whole program; 0: not offered there */
	const char *tool;        /* a program it needs on PATH */
	int filter;              /* the measured process installs a seccomp filter ... */
	unsigned int action;     /* ... with this action for the selected calls (set with TT_FILTER) */
	int dispatch;            /* the measured process turns on syscall user dispatch */
	enum tt_global global;
	struct tt_setup bench;   /* tt-syscall under tt-driver */
	struct tt_setup program; /* a whole program under tt-macro */
};

/* A second process intercepts the microbenchmark: CPU placement matters. */
#define TT_TRACER_PROCESS(m) ((m)->bench.observer != NULL)

/*
 * The microbenchmark's calls are selected by a list it is given (its seccomp
 * filter, or strace's -e trace=): it can be told to select another call's
 * system calls than the measured one's (tt-driver's MECH@CALL).
 */
#define TT_FILTERS_CALLS(m) ((m)->filter || (m)->bench.strace != NULL)

/* The mechanism called name, or NULL. */
const struct tt_mechanism *tt_mechanism_named(const char *name);

/* The mechanism whose microbenchmark setup installs itself as tt-syscall -m self, or NULL. */
const struct tt_mechanism *tt_mechanism_installed_as(const char *self);

/*
 * Why this host cannot serve the mechanism set up as s (its bench or
 * program setup) at all: another OS, a program not built in build_dir, a
 * tool not on PATH, a filter this build has no seccomp for (a sentence
 * naming the mechanism). NULL when it can; the kernel may still refuse when
 * it runs.
 */
const char *tt_mechanism_unavailable(const struct tt_mechanism *m, const struct tt_setup *s, const char *build_dir);

/*
 * In the measured process's child, before the exec: LD_PRELOAD for a
 * preloaded library, and the command to run, which is strace's with the
 * command after it when strace starts the process (calls: what strace
 * traces). Exits the child if that cannot be set up.
 */
char **tt_mechanism_command(const struct tt_setup *s, const struct tt_calls *calls, const char *build_dir, char **command);

/* "--list-mechanisms" alone on a command line: print the registry, one tab-separated line per mechanism. */
int tt_list_mechanisms_asked(int argc, char **argv);
void tt_list_mechanisms(FILE *out);

/* The mechanisms, for messages: those a whole program can run under when programs_only. */
void tt_mechanism_names(FILE *out, int programs_only);

#endif
