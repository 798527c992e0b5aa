/*
 * The one table of what is intercepted, by name: the calls tt-syscall times
 * (a spec's calls) and the call selections of tt-macro (-c), each with the
 * system calls it makes. strace's -e trace= and the seccomp filters are
 * built from it.
 */
#ifndef TT_CALLS_H
#define TT_CALLS_H

#include <stddef.h>

struct tt_calls {
	const char *name;
	const char *syscalls; /* comma-separated, those taking a descriptor first; NULL: every system call */
	int fd_syscalls;      /* how many of them, from the front, take a descriptor */
	const char *words;    /* a selection in words, for messages */
};

/* The benchmark's calls: the 2009 study's, then lmbench's. */
enum tt_call { TT_OPEN, TT_WRITE, TT_CLOSE, TT_OPEN_WRITE_CLOSE, TT_GETPPID, TT_READ, TT_STAT, TT_FSTAT, TT_NCALLS };
extern const struct tt_calls tt_calls[TT_NCALLS];

/* tt-macro's selections; a mechanism names those it can make by bit (1 << index). */
enum tt_selection { TT_SELECT_ALL, TT_SELECT_SOCKET, TT_NSELECTIONS };
#define TT_SELECTS(s) (1u << (s))
extern const struct tt_calls tt_selections[TT_NSELECTIONS];

/* The entry of a table called `name`: its index, or -1. */
int tt_calls_named(const struct tt_calls *table, int n, const char *name);

/*
 * The system-call numbers of a set, for a seccomp filter: how many were
 * written to nr (at most max), or -1 when this build knows no number for
 * one of them (or the set is every call).
 */
int tt_syscall_numbers(const struct tt_calls *c, long *nr, int max);

#endif
