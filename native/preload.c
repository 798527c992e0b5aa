/*
 * tt-preload.so: the paper's second approach to interception, a modified
 * system library (LD_PRELOAD). It interposes libc's functions for the
 * measured calls, and for the socket calls of the server macrobenchmark
 * (accept, accept4, recv, recvfrom, recvmsg, send, sendto, sendmsg; read,
 * write and close are shared), and passes each on to the real one; with TT_PRELOAD_HANDLER=inspect it first checks
 * open()'s path by the policy. The counters let the benchmark report what
 * was intercepted; under tt-macro each process reports its count at exit.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "count_report.h"
#include "policy.h"

unsigned long tt_preload_calls, tt_preload_paths;
static int inspect;

static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_read)(int, void *, size_t);
static int (*real_close)(int);
static pid_t (*real_getppid)(void);
static int (*real_stat)(const char *, struct stat *);
static int (*real_fstat)(int, struct stat *);
static int (*real_accept)(int, struct sockaddr *, socklen_t *);
static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
static ssize_t (*real_recv)(int, void *, size_t, int);
static ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static pid_t (*real_fork)(void);

/* Resolve everything once at load time: a lookup per call would be a cost of its own. */
__attribute__((constructor)) static void
resolve(void)
{
	const char *handler = getenv("TT_PRELOAD_HANDLER");

	inspect = handler != NULL && strcmp(handler, "inspect") == 0;
	*(void **)&real_open = dlsym(RTLD_NEXT, "open");
	*(void **)&real_openat = dlsym(RTLD_NEXT, "openat");
	*(void **)&real_write = dlsym(RTLD_NEXT, "write");
	*(void **)&real_read = dlsym(RTLD_NEXT, "read");
	*(void **)&real_close = dlsym(RTLD_NEXT, "close");
	*(void **)&real_getppid = dlsym(RTLD_NEXT, "getppid");
	*(void **)&real_stat = dlsym(RTLD_NEXT, "stat");
	*(void **)&real_fstat = dlsym(RTLD_NEXT, "fstat");
	*(void **)&real_accept = dlsym(RTLD_NEXT, "accept");
	*(void **)&real_accept4 = dlsym(RTLD_NEXT, "accept4");
	*(void **)&real_recv = dlsym(RTLD_NEXT, "recv");
	*(void **)&real_recvfrom = dlsym(RTLD_NEXT, "recvfrom");
	*(void **)&real_send = dlsym(RTLD_NEXT, "send");
	*(void **)&real_sendto = dlsym(RTLD_NEXT, "sendto");
	*(void **)&real_recvmsg = dlsym(RTLD_NEXT, "recvmsg");
	*(void **)&real_sendmsg = dlsym(RTLD_NEXT, "sendmsg");
	*(void **)&real_fork = dlsym(RTLD_NEXT, "fork");
	tt_count_file_from_env();
}

__attribute__((destructor)) static void
report(void)
{
	tt_report_count(tt_preload_calls);
}

static void
seen_path(const char *path)
{
	tt_preload_calls++;
	if (inspect && tt_policy_allows(path))
		tt_preload_paths++;
}

static mode_t
mode_argument(int flags, va_list ap)
{
#ifdef O_TMPFILE
	if (flags & O_TMPFILE)
		return (mode_t)va_arg(ap, int);
#endif
	return (flags & O_CREAT) ? (mode_t)va_arg(ap, int) : 0;
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_argument(flags, ap);
	va_end(ap);
	seen_path(path);
	return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_argument(flags, ap);
	va_end(ap);
	seen_path(path);
	return real_openat(dirfd, path, flags, mode);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	tt_preload_calls++;
	return real_write(fd, buf, n);
}

ssize_t
read(int fd, void *buf, size_t n)
{
	tt_preload_calls++;
	return real_read(fd, buf, n);
}

int
close(int fd)
{
	tt_preload_calls++;
	return real_close(fd);
}

pid_t
getppid(void)
{
	tt_preload_calls++;
	return real_getppid();
}

int
stat(const char *path, struct stat *st)
{
	seen_path(path);
	return real_stat(path, st);
}

int
fstat(int fd, struct stat *st)
{
	tt_preload_calls++;
	return real_fstat(fd, st);
}

int
accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	tt_preload_calls++;
	return real_accept(fd, addr, len);
}

int
accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	tt_preload_calls++;
	return real_accept4(fd, addr, len, flags);
}

ssize_t
recv(int fd, void *buf, size_t n, int flags)
{
	tt_preload_calls++;
	return real_recv(fd, buf, n, flags);
}

ssize_t
recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr, socklen_t *len)
{
	tt_preload_calls++;
	return real_recvfrom(fd, buf, n, flags, addr, len);
}

ssize_t
send(int fd, const void *buf, size_t n, int flags)
{
	tt_preload_calls++;
	return real_send(fd, buf, n, flags);
}

ssize_t
sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr, socklen_t len)
{
	tt_preload_calls++;
	return real_sendto(fd, buf, n, flags, addr, len);
}

ssize_t
recvmsg(int fd, struct msghdr *msg, int flags)
{
	tt_preload_calls++;
	return real_recvmsg(fd, msg, flags);
}

ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	tt_preload_calls++;
	return real_sendmsg(fd, msg, flags);
}

/* A child starts counting afresh: what was counted before the fork is the parent's to report. */
pid_t
fork(void)
{
	pid_t pid = real_fork();

	if (pid == 0)
		tt_preload_calls = 0;
	return pid;
}
