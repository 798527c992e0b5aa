#define _POSIX_C_SOURCE 200809L
#include <sys/types.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cloexec.h"
#include "observer.h"

static int
fork_observer(struct tt_observer *o, const char *path, char *const args[], void (*setup)(void *), void *arg, int armed)
{
	int out[2], release[2];

	o->pid = 0;
	o->report = o->release = -1;
	if (tt_pipe_cloexec(out) != 0)
		return -1;
	if (tt_pipe_cloexec(release) != 0) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if ((o->pid = fork()) == 0) {
		char target[32], *argv[16];
		int n = 0, i;
		ssize_t got;

		dup2(out[1], STDOUT_FILENO);
		setup(arg);
		if (armed) {
			dup2(release[0], STDIN_FILENO); /* it reads the target itself, once armed */
			strcpy(target, "-");
		} else if ((got = read(release[0], target, sizeof target - 1)) <= 0)
			_exit(1); /* the runner gave up before naming a target */
		else {
			target[got] = '\0';
			target[strcspn(target, "\n")] = '\0';
		}
		argv[n++] = (char *)path;
		argv[n++] = "-p";
		argv[n++] = target;
		for (i = 0; args[i] != NULL && n < 15; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		execv(path, argv);
		fprintf(stderr, "cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(release[0]);
	if (o->pid < 0) {
		o->pid = 0;
		close(out[0]);
		close(release[1]);
		return -1;
	}
	o->report = out[0];
	o->release = release[1];
	return 0;
}

int
tt_observer_fork(struct tt_observer *o, const char *path, char *const args[], void (*setup)(void *), void *arg)
{
	return fork_observer(o, path, args, setup, arg, 0);
}

int
tt_observer_fork_armed(struct tt_observer *o, const char *path, char *const args[], void (*setup)(void *), void *arg)
{
	return fork_observer(o, path, args, setup, arg, 1);
}

int
tt_observer_release(struct tt_observer *o, pid_t target)
{
	char pid[32];
	int n = snprintf(pid, sizeof pid, "%ld\n", (long)target);
	ssize_t written = write(o->release, pid, (size_t)n);

	close(o->release);
	o->release = -1;
	return written == n ? 0 : -1;
}

int
tt_read_line(int fd, char *buf, size_t size, time_t deadline)
{
	size_t n = 0;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		time_t left = deadline - time(NULL);
		int r;
		char c;
		ssize_t got;

		if (left <= 0)
			return -2;
		r = poll(&p, 1, (int)(left * 1000));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return -2;
		got = read(fd, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			return n > 0 ? (buf[n] = '\0', 1) : 0;
		if (c == '\n') {
			buf[n] = '\0';
			return 1;
		}
		if (n + 1 < size)
			buf[n++] = c;
	}
}

int
tt_observer_report(struct tt_observer *o, int sig, char *buf, size_t size, time_t deadline, unsigned long *stops)
{
	int r;

	if (o->pid > 0)
		kill(o->pid, sig);
	if ((r = tt_read_line(o->report, buf, size, deadline)) != 1)
		return r == -2 ? -2 : -1;
	if (sscanf(buf, "stops %lu", stops) == 1)
		return 1;
	return strcmp(buf, "detached") == 0 ? 0 : -1;
}

void
tt_observer_close(struct tt_observer *o)
{
	if (o->report >= 0)
		close(o->report);
	if (o->release >= 0)
		close(o->release);
	o->report = o->release = -1;
}
