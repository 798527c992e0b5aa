/*
 * tt-server-run: one run of the server macrobenchmark on this host.
 * tt-server runs under an interception mechanism (through tt-macro), and
 * tt-load, not intercepted, sends it the requests once it says its port.
 * The programs are taken from this program's own directory.
 *
 *   tt-server-run -m MECHANISM -c all|socket -M keepalive|close -n REQUESTS
 *                 -k CONCURRENCY [-P PORT] [-t SECONDS]
 *
 * Output: tt-macro's (the server's "port N" and "served N", the run's row
 * and its "#stops" line), then tt-load's two lines, each prefixed "load ".
 * A server that cannot start leaves no port line and no load lines; its
 * reason is on stderr. The server stops after REQUESTS or SECONDS (default
 * 30), and tt-macro kills it five seconds after that at the latest.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "own_dir.h"

static const char *dir; /* ours, where the other programs are */

static void
usage(void)
{
	fprintf(stderr, "usage: tt-server-run -m MECHANISM -c all|socket -M keepalive|close -n REQUESTS -k CONCURRENCY [-P PORT] [-t SECONDS]\n");
	exit(2);
}

/* Start a program of this directory with its stdout on a stream for us. */
static pid_t
start(const char *program, char *const args[], FILE **out)
{
	char path[PATH_MAX + 32], *argv[32];
	int p[2], i;
	pid_t pid;

	snprintf(path, sizeof path, "%s/%s", dir, program);
	argv[0] = path;
	for (i = 0; args[i] != NULL && i < 30; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	if (pipe(p) != 0 || (pid = fork()) < 0) {
		perror("tt-server-run");
		exit(1);
	}
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execv(path, argv);
		fprintf(stderr, "tt-server-run: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	fcntl(p[0], F_SETFD, FD_CLOEXEC); /* not for tt-load to inherit */
	*out = fdopen(p[0], "r");
	return pid;
}

int
main(int argc, char **argv)
{
	char *mechanism = NULL, *calls = "all", *mode = NULL, *requests = NULL, *concurrency = NULL, *port = "0";
	char line[512], server_limit[32], macro_limit[32];
	long seconds = 30;
	int opt, status = 0;
	FILE *server_out, *load_out;
	pid_t server, load;

	while ((opt = getopt(argc, argv, "m:c:M:n:k:P:t:")) != -1) {
		switch (opt) {
		case 'm': mechanism = optarg; break;
		case 'c': calls = optarg; break;
		case 'M': mode = optarg; break;
		case 'n': requests = optarg; break;
		case 'k': concurrency = optarg; break;
		case 'P': port = optarg; break;
		case 't': seconds = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (mechanism == NULL || mode == NULL || requests == NULL || concurrency == NULL || seconds < 1)
		usage();
	dir = tt_own_dir(argv[0]);
	snprintf(server_limit, sizeof server_limit, "%ld", seconds);
	snprintf(macro_limit, sizeof macro_limit, "%ld", seconds + 5);
	{
		char server_path[PATH_MAX + 32];
		char *args[] = { "-m", mechanism, "-c", calls, "-n", "1", "-T", macro_limit, "-p", "--",
			server_path, "-P", port, "-m", mode, "-n", requests, "-t", server_limit, NULL };
		snprintf(server_path, sizeof server_path, "%s/tt-server", dir);
		server = start("tt-macro", args, &server_out);
	}
	while (fgets(line, sizeof line, server_out) != NULL) {
		fputs(line, stdout);
		if (strncmp(line, "port ", 5) == 0) {
			char load_port[32];
			char *args[] = { "-P", load_port, "-n", requests, "-c", concurrency, "-m", mode, "-t", server_limit, NULL };
			snprintf(load_port, sizeof load_port, "%ld", strtol(line + 5, NULL, 10));
			load = start("tt-load", args, &load_out);
			while (fgets(line, sizeof line, load_out) != NULL)
				printf("load %s", line);
			fclose(load_out);
			waitpid(load, &status, 0);
		}
	}
	fclose(server_out);
	if (waitpid(server, &status, 0) != server)
		return 1;
	return fflush(stdout) == 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
