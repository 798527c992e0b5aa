#if defined(__linux__)
#define _GNU_SOURCE
#include <sys/syscall.h>
#endif
#include <string.h>

#include "calls.h"

const struct tt_calls tt_calls[TT_NCALLS] = {
	[TT_OPEN] = { "open", "openat,open", 0, NULL },
	[TT_WRITE] = { "write", "write", 1, NULL },
	[TT_CLOSE] = { "close", "close", 1, NULL },
	[TT_OPEN_WRITE_CLOSE] = { "open-write-close", "write,close,openat,open", 2, NULL },
	[TT_GETPPID] = { "getppid", "getppid", 0, NULL },
	[TT_READ] = { "read", "read", 1, NULL },
	[TT_STAT] = { "stat", "newfstatat,stat", 1, NULL },
	[TT_FSTAT] = { "fstat", "newfstatat,fstat", 2, NULL },
};

/* A whole program's descriptors are its own: nothing is matched off them. */
const struct tt_calls tt_selections[TT_NSELECTIONS] = {
	[TT_SELECT_ALL] = { "all", NULL, 0, "every call" },
	[TT_SELECT_SOCKET] = { "socket", "accept,accept4,read,recvfrom,recvmsg,write,sendto,sendmsg,close", 0,
	    "the socket calls only" },
};

int
tt_calls_named(const struct tt_calls *table, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return i;
	return -1;
}

#if defined(__linux__) && defined(__x86_64__)
#define NUMBER(call) { #call, SYS_##call },
static const struct {
	const char *name;
	long nr;
} numbers[] = {
	NUMBER(openat) NUMBER(open) NUMBER(write) NUMBER(close) NUMBER(getppid) NUMBER(read) NUMBER(newfstatat)
	NUMBER(stat) NUMBER(fstat) NUMBER(accept) NUMBER(accept4) NUMBER(recvfrom) NUMBER(recvmsg) NUMBER(sendto)
	NUMBER(sendmsg)
};

static long
number(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
		if (strlen(numbers[i].name) == len && strncmp(numbers[i].name, name, len) == 0)
			return numbers[i].nr;
	return -1;
}

int
tt_syscall_numbers(const struct tt_calls *c, long *nr, int max)
{
	const char *at = c->syscalls;
	int n = 0;

	while (at != NULL && *at != '\0' && n < max) {
		size_t len = strcspn(at, ",");
		if ((nr[n++] = number(at, len)) < 0)
			return -1;
		at += len + (at[len] == ',');
	}
	return at == NULL || *at != '\0' ? -1 : n;
}
#else
int
tt_syscall_numbers(const struct tt_calls *c, long *nr, int max)
{
	(void)c, (void)nr, (void)max;
	return -1; /* the numbers are x86-64 Linux's, the only filters built */
}
#endif
