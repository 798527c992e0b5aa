/*
 * tt-sud.so: syscall user dispatch for a whole program (tt-macro -m sud).
 * Preloaded, it turns dispatch on before main() and every system call the
 * program makes from then on traps to the handler of sud.h, which performs
 * it. Each new program image turns it on again through the same preload,
 * each child the handler's fork. Threads and posix_spawn are not served
 * (see sud.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h> /* sud.h needs PR_SET_SYSCALL_USER_DISPATCH from here */
#endif

#include "sud.h"

#if defined(TT_HAVE_SUD)
#include "count_report.h"

__attribute__((constructor)) static void
dispatch_on(void)
{
	tt_count_file_from_env();
	if (tt_sud_install(0) != 0) {
		/* A workload that ran untraced would be a wrong row. */
		fprintf(stderr, "tt-sud.so: cannot turn on syscall user dispatch: %s\n", strerror(errno));
		_exit(126);
	}
	tt_sud_selector = SYSCALL_DISPATCH_FILTER_BLOCK;
}

__attribute__((destructor)) static void
dispatch_off(void)
{
	tt_sud_selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	tt_report_count(tt_sud_calls);
}
#else
__attribute__((constructor)) static void
dispatch_on(void)
{
	fprintf(stderr, "tt-sud.so: syscall user dispatch needs Linux 5.11+ on x86-64\n");
	_exit(126);
}
#endif
