/*
 * Descriptors a process keeps from the programs it starts. O_CLOEXEC came
 * with POSIX 2008 and is missing on OpenBSD 4.x: there the flag is set by
 * fcntl just after the open, which is enough for our programs, none of
 * which starts another program from a second thread meanwhile.
 */
#ifndef TT_CLOEXEC_H
#define TT_CLOEXEC_H

#include <sys/types.h>
#include <fcntl.h>
#include <unistd.h>

/* fd itself (or -1, passed through), marked close-on-exec. */
static inline int
tt_cloexec(int fd)
{
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

static inline int
tt_open_cloexec(const char *path, int flags, mode_t mode)
{
#if defined(O_CLOEXEC)
	return open(path, flags | O_CLOEXEC, mode);
#else
	return tt_cloexec(open(path, flags, mode));
#endif
}

static inline int
tt_pipe_cloexec(int p[2])
{
	if (pipe(p) != 0)
		return -1;
	tt_cloexec(p[0]);
	tt_cloexec(p[1]);
	return 0;
}

#endif
