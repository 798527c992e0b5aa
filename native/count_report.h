/*
 * How an in-process interposer (tt-preload.so, tt-sud.so) tells tt-macro
 * what it intercepted: each process of the workload appends its count as a
 * line to the file named by TT_COUNT_FILE when it exits normally. The name
 * is read at load time, before the program can change its environment.
 */
#ifndef TT_COUNT_REPORT_H
#define TT_COUNT_REPORT_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cloexec.h"

static char tt_count_file[4096];

static void
tt_count_file_from_env(void)
{
	const char *name = getenv("TT_COUNT_FILE");

	if (name != NULL && strlen(name) < sizeof tt_count_file)
		strcpy(tt_count_file, name);
}

static void
tt_report_count(unsigned long count)
{
	char line[32];
	int fd, n;

	if (tt_count_file[0] == '\0' || (fd = tt_open_cloexec(tt_count_file, O_WRONLY | O_APPEND, 0)) < 0)
		return;
	n = snprintf(line, sizeof line, "%lu\n", count);
	if (write(fd, line, (size_t)n) != n) {
		/* nothing to do: tt-macro then counts fewer calls, never more */
	}
	close(fd);
}

#endif
