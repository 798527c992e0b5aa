#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calls.h"
#include "cloexec.h"
#include "tracer.h"
#include "watch.h"

volatile sig_atomic_t tt_stop_requested, tt_child_ended;

static void
on_stop(int sig)
{
	(void)sig;
	tt_stop_requested = 1;
}

static void
on_child(int sig)
{
	(void)sig;
	tt_child_ended = 1;
}

static void
usage(const char *name)
{
	fprintf(stderr, "usage: %s -p PID|- [-e SYSCALLS] [-i] [-r] [-w SECONDS]\n", name);
	exit(2);
}

void
tt_watch_args(struct tt_watch *w, int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	char *end;
	int opt;

	memset(w, 0, sizeof *w);
	w->name = slash != NULL ? slash + 1 : argv[0];
	w->nnumbers = -1;
	while ((opt = getopt(argc, argv, "p:e:irw:")) != -1) {
		switch (opt) {
		case 'p':
			if (strcmp(optarg, "-") == 0)
				w->armed_first = 1;
			else if ((w->target = (pid_t)strtol(optarg, &end, 10)) <= 0 || *end != '\0')
				usage(w->name);
			break;
		case 'e': w->syscalls = optarg; break;
		case 'i': w->inspect = 1; break;
		case 'r': w->ring = 1; break;
		case 'w':
			if ((w->wait_s = strtol(optarg, &end, 10)) <= 0 || *end != '\0')
				usage(w->name);
			break;
		default: usage(w->name);
		}
	}
	if ((w->target <= 0 && !w->armed_first) || optind != argc)
		usage(w->name);
	if (w->syscalls != NULL) {
		struct tt_calls set = { "measured", w->syscalls, 0, NULL };
		if ((w->nnumbers = tt_syscall_numbers(&set, w->numbers, TT_WATCH_MAX_NUMBERS)) < 0) {
			fprintf(stderr, "%s: this build knows no number for a system call of %s\n", w->name, w->syscalls);
			exit(2);
		}
	}
}

void
tt_watch_signals(sigset_t *waiting)
{
	struct sigaction sa;
	sigset_t blocked;

	tt_on_detach_request(on_stop);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_child;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGUSR1);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGCHLD);
	sigprocmask(SIG_BLOCK, &blocked, waiting);
}

int
tt_watch_target(struct tt_watch *w)
{
	char line[32];
	ssize_t n;

	if (!w->armed_first)
		return 0;
	printf("armed\n");
	fflush(stdout);
	while ((n = read(STDIN_FILENO, line, sizeof line - 1)) < 0 && errno == EINTR)
		;
	if (n <= 0) {
		fprintf(stderr, "%s: no target was named\n", w->name);
		return -1;
	}
	line[n] = '\0';
	if ((w->target = (pid_t)atol(line)) <= 0) {
		fprintf(stderr, "%s: not a PID: %s\n", w->name, line);
		return -1;
	}
	return 0;
}

void
tt_watch_attached(void)
{
	printf("attached\n");
	fflush(stdout);
}

int
tt_watch_measured(const struct tt_watch *w, long nr)
{
	int i;

	if (w->nnumbers < 0)
		return 1;
	for (i = 0; i < w->nnumbers; i++)
		if (w->numbers[i] == nr)
			return 1;
	return 0;
}

pid_t
tt_watch_spawn(char *const argv[], int *out, int *err)
{
	int o[2] = { -1, -1 }, e[2] = { -1, -1 };
	sigset_t none;
	pid_t pid;

	if ((out != NULL && tt_pipe_cloexec(o) != 0) || (err != NULL && tt_pipe_cloexec(e) != 0))
		return -1;
	if ((pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* the tool goes with its observer, whatever kills it */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (out != NULL)
			dup2(o[1], STDOUT_FILENO);
		if (err != NULL)
			dup2(e[1], STDERR_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out != NULL) {
		close(o[1]);
		*out = pid > 0 ? o[0] : (close(o[0]), -1);
	}
	if (err != NULL) {
		close(e[1]);
		*err = pid > 0 ? e[0] : (close(e[0]), -1);
	}
	return pid;
}

int
tt_watch_end(pid_t pid, int sig, int seconds, struct rusage *ru)
{
	struct timespec ms = { 0, 1000000 };
	time_t deadline = time(NULL) + seconds;
	int status;
	pid_t r;

	memset(ru, 0, sizeof *ru);
	if (sig != 0)
		kill(pid, sig);
	while ((r = wait4(pid, &status, WNOHANG, ru)) == 0 || (r < 0 && errno == EINTR)) {
		if (time(NULL) >= deadline) {
			kill(pid, SIGKILL);
			deadline += 5;
		}
		nanosleep(&ms, NULL);
	}
	return r == pid ? status : -1;
}

pid_t
tt_watch_marker(int *quiet)
{
	int p[2];
	pid_t pid;

	if (tt_pipe_cloexec(p) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		int calling = 1;
		char c;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[1]);
		/* 'q': stop calling (the tool keeps watching a process that makes no calls); 'w': call again; end of file: exit. */
		for (;;) {
			struct pollfd told = { p[0], POLLIN, 0 };
			int r = poll(&told, 1, calling ? 2 : -1);

			if (r == 0) {
				getppid();
				continue;
			}
			if (r < 0)
				continue;
			if (read(p[0], &c, 1) != 1)
				break;
			calling = c == 'w';
		}
		_exit(0);
	}
	close(p[0]);
	*quiet = p[1];
	return pid;
}

void
tt_watch_marker_quiet(int *quiet)
{
	if (*quiet >= 0 && write(*quiet, "q", 1) != 1) {
		/* the marker is gone already: it calls nothing more either way */
	}
}

static void
marker_wake(int *quiet)
{
	if (*quiet >= 0 && write(*quiet, "w", 1) != 1) {
		/* gone: the tool is then drained by its own end only */
	}
}

int
tt_watch_cgroup(pid_t pid, char *path, size_t size)
{
	char file[64], line[PATH_MAX], mount[PATH_MAX] = "";
	struct mntent *e;
	FILE *f;

	if ((f = setmntent("/proc/mounts", "r")) != NULL) {
		while ((e = getmntent(f)) != NULL)
			if (strcmp(e->mnt_type, "cgroup2") == 0 && mount[0] == '\0')
				snprintf(mount, sizeof mount, "%s", e->mnt_dir);
		endmntent(f);
	}
	snprintf(file, sizeof file, "/proc/%ld/cgroup", (long)pid);
	if (mount[0] != '\0' && (f = fopen(file, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			if (strncmp(line, "0::", 3) == 0) {
				line[strcspn(line, "\n")] = '\0';
				snprintf(path, size, "%s%s", mount, strcmp(line + 3, "/") == 0 ? "" : line + 3);
				fclose(f);
				return 0;
			}
		fclose(f);
	}
	fprintf(stderr, "cannot find the cgroup v2 of pid %ld (is cgroup2 mounted?)\n", (long)pid);
	return -1;
}

int
tt_watch_tool(const struct tt_tool *t, int *quiet, sigset_t *waiting, struct rusage *ru)
{
	struct timespec tick = { 0, 100000000 };
	int fd, status, attached = 0, tries;
	pid_t pid;

	if ((pid = tt_watch_spawn(t->argv, t->on_stderr ? NULL : &fd, t->on_stderr ? &fd : NULL)) < 0)
		return -1;
	while (!tt_stop_requested) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (!attached && t->marked(t->ctx)) {
			tt_watch_marker_quiet(quiet);
			tt_watch_attached();
			attached = 1;
		}
		if (ppoll(&p, 1, NULL, waiting) > 0 && t->read(fd, t->ctx) != 0)
			break;
	}
	if (!tt_stop_requested || !attached) {
		fprintf(stderr, "%s ended or was stopped %s it attached\n", t->argv[0], attached ? "after" : "before");
		kill(pid, SIGKILL);
		tt_watch_end(pid, 0, 10, ru);
		return -1;
	}
	/*
	 * A tool that reads its buffers in passes (perf) may end before it has
	 * read the last of them: a fresh call of the marker showing up proves
	 * a pass that began after the benchmark's last call.
	 */
	if (t->flush) {
		int seen = t->marked(t->ctx);
		time_t deadline = time(NULL) + 5;

		marker_wake(quiet);
		while (t->marked(t->ctx) == seen && time(NULL) < deadline) {
			struct pollfd p = { fd, POLLIN, 0 };
			if (ppoll(&p, 1, &tick, waiting) > 0 && t->read(fd, t->ctx) != 0)
				break;
		}
	}
	for (tries = 0; tries < 100; tries++) {
		struct pollfd p = { fd, POLLIN, 0 };
		int ready;

		kill(pid, SIGINT);
		while ((ready = ppoll(&p, 1, &tick, waiting)) > 0 || (ready < 0 && errno == EINTR))
			if (ready > 0 && t->read(fd, t->ctx) != 0)
				goto ended;
	}
	kill(pid, SIGKILL);
ended:
	close(fd);
	status = tt_watch_end(pid, 0, 10, ru);
	if (status < 0 || !(WIFEXITED(status) ? WEXITSTATUS(status) == 0 : WTERMSIG(status) == SIGINT)) {
		fprintf(stderr, "%s did not end cleanly\n", t->argv[0]);
		return -1;
	}
	return status;
}

double
tt_cpu_seconds(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 + (double)ru->ru_stime.tv_sec +
	    (double)ru->ru_stime.tv_usec / 1e6;
}

int
tt_watch_report(unsigned long seen, unsigned long lost, double cpu_s, unsigned long paths, const char *last)
{
	printf("stops %lu lost=%lu consumer_cpu_s=%.6f paths=%lu last=%s\n", seen, lost, cpu_s, paths, last);
	return fflush(stdout) == 0 ? 0 : 1;
}
