#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cloexec.h"
#include "journal.h"

#define MAX_ENTRIES 64

unsigned long long
tt_process_start(pid_t pid)
{
	char path[64], stat[1024], *end;
	unsigned long long start = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	/* After the command name, which may hold spaces: state is field 3, starttime field 22. */
	if (fgets(stat, sizeof stat, f) != NULL && (end = strrchr(stat, ')')) != NULL &&
	    sscanf(end + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &start) != 1)
		start = 0;
	fclose(f);
	return start;
}

int
tt_run(char *const argv[], char *out, size_t size)
{
	char sink[256]; /* what does not fit in out is read and dropped, so the program never blocks on us */
	int p[2], status;
	size_t n = 0;
	ssize_t got;
	pid_t pid;

	if (tt_pipe_cloexec(p) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		char *to = out != NULL && n + 1 < size ? out + n : sink;
		size_t room = to == sink ? sizeof sink : size - n - 1;

		if ((got = read(p[0], to, room)) < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (to != sink)
			n += (size_t)got;
	}
	if (out != NULL && size > 0)
		out[n] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
tt_write_file(const char *path, const char *text)
{
	int fd = tt_open_cloexec(path, O_WRONLY | O_TRUNC, 0);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int
auditctl(const char *a, const char *b, const char *c)
{
	char *argv[] = { "auditctl", (char *)a, (char *)b, (char *)c, NULL };

	return tt_run(argv, NULL, 0) == 0 ? 0 : -1;
}

/* Wait up to two seconds for a process we may not be the parent of to go. */
static void
kill_and_wait(pid_t pid, unsigned long long start)
{
	struct timespec ms = { 0, 10000000 };
	int i;

	kill(pid, SIGKILL);
	for (i = 0; i < 200 && tt_process_start(pid) == start; i++) {
		waitpid(pid, NULL, WNOHANG);
		nanosleep(&ms, NULL);
	}
}

static int
remove_cgroup(const char *path)
{
	char file[PATH_MAX], pids[4096], *p, *end;
	struct timespec ms = { 0, 10000000 };
	int i, fd;
	ssize_t n;

	snprintf(file, sizeof file, "%s/cgroup.kill", path);
	for (i = 0; i < 200; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		/* cgroup.kill is Linux 5.14's; before it, each process of cgroup.procs is killed. */
		if (tt_write_file(file, "1") != 0) {
			snprintf(file, sizeof file, "%s/cgroup.procs", path);
			if ((fd = tt_open_cloexec(file, O_RDONLY, 0)) >= 0) {
				if ((n = read(fd, pids, sizeof pids - 1)) > 0) {
					pids[n] = '\0';
					for (p = pids; *p != '\0'; p = end + (*end != '\0'))
						kill((pid_t)strtol(p, &end, 10), SIGKILL);
				}
				close(fd);
			}
		}
		nanosleep(&ms, NULL);
	}
	fprintf(stderr, "tracetax: cannot remove cgroup %s: %s\n", path, strerror(errno));
	return -1;
}

static int
remove_directory(const char *path)
{
	char file[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(path);

	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(file, sizeof file, "%s/%s", path, e->d_name);
		if (unlink(file) != 0)
			rmdir(file);
	}
	closedir(d);
	return rmdir(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int
remove_instance(const char *path)
{
	char file[PATH_MAX];
	struct timespec ms = { 0, 10000000 };
	int i;

	snprintf(file, sizeof file, "%s/tracing_on", path);
	tt_write_file(file, "0");
	/* A reader that was just killed may still hold trace_pipe for a moment: busy until it lets go. */
	for (i = 0; i < 200; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		nanosleep(&ms, NULL);
	}
	fprintf(stderr, "tracetax: cannot remove tracefs instance %s: %s\n", path, strerror(errno));
	return -1;
}

static int
never_task_in_place(void)
{
	static char rules[65536];
	char *argv[] = { "auditctl", "-l", NULL };

	return tt_run(argv, rules, sizeof rules) == 0 && strstr(rules, "-a never,task") != NULL;
}

static int
undo_entry(char *line)
{
	char what[32], arg[512]; /* our paths are short: the rest of PATH_MAX is room for what is added to them */
	unsigned long long start = 0;
	long pid;

	line[strcspn(line, "\n")] = '\0';
	if (sscanf(line, "%31s %511s", what, arg) < 1)
		return 0;
	if (strcmp(what, "process") == 0 && sscanf(line, "%*s %ld %llu", &pid, &start) == 2) {
		if (tt_process_start((pid_t)pid) == start)
			kill_and_wait((pid_t)pid, start);
		return 0;
	}
	if (strcmp(what, "audit_rules") == 0)
		return auditctl("-D", "-k", arg);
	if (strcmp(what, "audit_enabled") == 0)
		return auditctl("-e", arg, NULL);
	if (strcmp(what, "audit_backlog_limit") == 0)
		return auditctl("-b", arg, NULL);
	if (strcmp(what, "audit_backlog_wait_time") == 0)
		return auditctl("--backlog_wait_time", arg, NULL);
	if (strcmp(what, "audit_never_task") == 0)
		return never_task_in_place() ? 0 : auditctl("-a", "never,task", NULL);
	if (strcmp(what, "ftrace_instance") == 0)
		return remove_instance(arg);
	if (strcmp(what, "cgroup") == 0)
		return remove_cgroup(arg);
	if (strcmp(what, "directory") == 0)
		return remove_directory(arg);
	if (strcmp(what, "owner") == 0)
		return 0;
	fprintf(stderr, "tracetax: journal entry not understood: %s\n", line);
	return -1;
}

/* Undo the entries of one journal file, last first, then remove it. */
static int
undo_file(const char *path)
{
	char *lines[MAX_ENTRIES], buf[PATH_MAX + 64];
	int n = 0, failed = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	while (n < MAX_ENTRIES && fgets(buf, sizeof buf, f) != NULL)
		if ((lines[n] = strdup(buf)) != NULL)
			n++;
	fclose(f);
	while (n-- > 0) {
		failed |= undo_entry(lines[n]) != 0;
		free(lines[n]);
	}
	if (!failed)
		unlink(path);
	return failed ? -1 : 0;
}

/* The guard: waits for its owner to end (the pipe's end of file), then undoes whatever the owner left. */
static void
guard(int wait_fd, const char *path)
{
	char c;
	int fd;

	for (fd = 3; fd < 1024; fd++)
		if (fd != wait_fd)
			close(fd);
	setsid(); /* not in the owner's process group: what kills that group leaves the guard */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO); /* not the owner's report pipe, which must close when the owner ends */
		close(fd);
	}
	while (read(wait_fd, &c, 1) < 0 && errno == EINTR)
		;
	if (access(path, F_OK) == 0)
		undo_file(path);
	_exit(0);
}

int
tt_journal_open(struct tt_journal *j, const char *what)
{
	int fd, p[2];
	pid_t pid;

	j->guard = -1;
	if (mkdir(TT_JOURNAL_DIR, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "tracetax: cannot create %s: %s\n", TT_JOURNAL_DIR, strerror(errno));
		return -1;
	}
	snprintf(j->path, sizeof j->path, "%s/%s-%ld.journal", TT_JOURNAL_DIR, what, (long)getpid());
	if ((fd = tt_open_cloexec(j->path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
		fprintf(stderr, "tracetax: cannot write %s: %s\n", j->path, strerror(errno));
		return -1;
	}
	dprintf(fd, "owner %ld %llu\n", (long)getpid(), tt_process_start(getpid()));
	close(fd);
	if (tt_pipe_cloexec(p) != 0 || (pid = fork()) < 0) {
		fprintf(stderr, "tracetax: cannot start the journal's guard: %s\n", strerror(errno));
		unlink(j->path);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		guard(p[0], j->path);
	}
	close(p[0]);
	j->guard = p[1];
	return 0;
}

int
tt_journal_note(struct tt_journal *j, const char *fmt, ...)
{
	va_list ap;
	int fd = tt_open_cloexec(j->path, O_WRONLY | O_APPEND, 0), r;

	if (fd < 0) {
		fprintf(stderr, "tracetax: cannot write %s: %s\n", j->path, strerror(errno));
		return -1;
	}
	va_start(ap, fmt);
	r = vdprintf(fd, fmt, ap);
	va_end(ap);
	r = r < 0 || write(fd, "\n", 1) != 1 ? -1 : 0;
	close(fd);
	return r;
}

int
tt_journal_undo(struct tt_journal *j)
{
	int r = undo_file(j->path);

	if (j->guard >= 0)
		close(j->guard);
	j->guard = -1;
	return r;
}

int
tt_journal_replay(FILE *log)
{
	char path[PATH_MAX];
	struct dirent *e;
	int replayed = 0, failed = 0;
	DIR *d = opendir(TT_JOURNAL_DIR);

	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		unsigned long long start = 0;
		long owner = 0;
		FILE *f;
		size_t len = strlen(e->d_name);

		if (len < 8 || strcmp(e->d_name + len - 8, ".journal") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", TT_JOURNAL_DIR, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fscanf(f, "owner %ld %llu", &owner, &start) != 2)
			owner = 0;
		fclose(f);
		if (owner > 0 && tt_process_start((pid_t)owner) == start)
			continue; /* its owner still runs and will undo it */
		if (log != NULL)
			fprintf(log, "tracetax: undoing what a process that is gone left behind (%s)\n", path);
		if (undo_file(path) != 0)
			failed = 1;
		replayed++;
	}
	closedir(d);
	return failed ? -1 : replayed;
}
