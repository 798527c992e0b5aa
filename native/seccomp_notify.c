/*
 * tt-seccomp-notify: the supervisor of seccomp user notification (Linux
 * 5.5+), the modern analogue of systrace's ASK policy. The benchmark's own
 * filter (tt-syscall -m seccomp-notify) turns its measured calls into
 * notifications; this process takes the listener descriptor out of the
 * benchmark (pidfd_getfd) and answers each one CONTINUE, until SIGUSR1,
 * SIGTERM or SIGINT.
 *
 *   tt-seccomp-notify -p PID [-i] [-w SECONDS]
 *
 * -i (inspect handler): read the call's path argument out of the benchmark
 * and judge it by the policy before answering. -w: the filter may not be
 * installed yet (tt-macro starts its supervisor beside the workload): look
 * for the listener for up to SECONDS. Prints "attached", then after the
 * signal, or once every process under the filter has gone, "stops N paths M
 * last=PATH". If this process dies, the listener closes and the kernel fails
 * the waiting calls (ENOSYS): nothing hangs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer.h"

#if defined(__linux__)
#include <dirent.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include "inspect.h"
#endif

#if !defined(__linux__) || !defined(SYS_pidfd_getfd) || !defined(SECCOMP_USER_NOTIF_FLAG_CONTINUE)

int
main(void)
{
	fprintf(stderr, "tt-seccomp-notify: needs Linux 5.9+ headers (pidfd_getfd, SECCOMP_USER_NOTIF_FLAG_CONTINUE)\n");
	return 2;
}

#else

static volatile sig_atomic_t stop_requested;

static void
request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* The benchmark's listener descriptor: the one /proc shows as "anon_inode:seccomp notify". */
static int
find_listener(pid_t pid)
{
	char dir[64], link[PATH_MAX], target[64];
	struct dirent *e;
	DIR *d;
	int fd = -1;

	snprintf(dir, sizeof dir, "/proc/%ld/fd", (long)pid);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while (fd < 0 && (e = readdir(d)) != NULL) {
		ssize_t n;
		snprintf(link, sizeof link, "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof target - 1);
		if (n > 0) {
			target[n] = '\0';
			if (strcmp(target, "anon_inode:seccomp notify") == 0)
				fd = atoi(e->d_name);
		}
	}
	closedir(d);
	return fd;
}

static int
take_listener(pid_t pid, long wait_ms)
{
	int pidfd, remote, listener;

	if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0) {
		fprintf(stderr, "tt-seccomp-notify: pidfd_open(%ld): %s\n", (long)pid, strerror(errno));
		return -1;
	}
	/* The pidfd turns readable when the process ends: no use waiting for a filter it will never install. */
	while ((remote = find_listener(pid)) < 0 && wait_ms-- > 0 && !stop_requested) {
		struct pollfd gone = { pidfd, POLLIN, 0 };
		if (poll(&gone, 1, 1) > 0)
			break;
	}
	if (remote < 0) {
		close(pidfd);
		fprintf(stderr, "tt-seccomp-notify: pid %ld holds no seccomp listener (is its filter installed?)\n", (long)pid);
		return -1;
	}
	if ((listener = (int)syscall(SYS_pidfd_getfd, pidfd, remote, 0)) < 0)
		fprintf(stderr, "tt-seccomp-notify: pidfd_getfd(%ld, %d): %s\n", (long)pid, remote, strerror(errno));
	close(pidfd);
	return listener;
}

int
main(int argc, char **argv)
{
	static struct tt_inspection seen;
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	unsigned long stops = 0;
	sigset_t stop_signals, waiting;
	pid_t pid = 0;
	long wait_ms = 0;
	int listener, opt, inspect = 0;

	while ((opt = getopt(argc, argv, "p:iw:")) != -1) {
		if (opt == 'p')
			pid = (pid_t)atol(optarg);
		else if (opt == 'i')
			inspect = 1;
		else if (opt == 'w')
			wait_ms = atol(optarg) * 1000;
		else
			pid = -1;
	}
	if (pid <= 0) {
		fprintf(stderr, "usage: tt-seccomp-notify -p PID [-i] [-w SECONDS]\n");
		return 2;
	}
	tt_on_detach_request(request_stop);

	if ((listener = take_listener(pid, wait_ms)) < 0)
		return 1;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) {
		fprintf(stderr, "tt-seccomp-notify: SECCOMP_GET_NOTIF_SIZES: %s\n", strerror(errno));
		return 1;
	}
	req = calloc(1, sizes.seccomp_notif);
	resp = calloc(1, sizes.seccomp_notif_resp);
	if (req == NULL || resp == NULL)
		return 1;
	printf("attached\n");
	fflush(stdout);

	/* The stop signals stay blocked but inside ppoll, so one cannot slip in between the check and the wait. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGUSR1);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	sigprocmask(SIG_BLOCK, &stop_signals, &waiting);
	while (!stop_requested) {
		struct pollfd p = { listener, POLLIN, 0 };

		if (ppoll(&p, 1, NULL, &waiting) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p.revents & (POLLHUP | POLLERR))
			break; /* the benchmark has gone */
		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) != 0) {
			if (errno == EINTR || errno == ENOENT)
				continue; /* interrupted, or the caller went away before we read it */
			fprintf(stderr, "tt-seccomp-notify: SECCOMP_IOCTL_NOTIF_RECV: %s\n", strerror(errno));
			return 1;
		}
		stops++;
		/* Memory read from the caller is only trusted if the call is still waiting afterwards. */
		if (inspect && tt_inspect_call(req->pid, req->data.nr, (const uint64_t *)req->data.args, &seen))
			ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id);
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) != 0 && errno != ENOENT) {
			fprintf(stderr, "tt-seccomp-notify: SECCOMP_IOCTL_NOTIF_SEND: %s\n", strerror(errno));
			return 1;
		}
	}
	printf("stops %lu paths %lu last=%s\n", stops, seen.paths, seen.last);
	return fflush(stdout) == 0 ? 0 : 1;
}

#endif
