/*
 * tt-server: a small HTTP/1.1-ish server on 127.0.0.1, the traced workload
 * of the server macrobenchmark. One process, one thread, poll(): every
 * request costs the same few system calls (poll, read, write, and in close
 * mode accept and close), so what a mechanism adds per call shows up as
 * lost throughput.
 *
 *   tt-server [-P PORT] [-m keepalive|close] [-n REQUESTS] [-t SECONDS]
 *
 * Prints "port N" once listening (PORT 0, the default, lets the kernel
 * choose), answers every request (a header block ending in an empty line)
 * with the same fixed response, and exits after REQUESTS answers (default
 * 1000) or SECONDS (default 30), printing "served N". In close mode it
 * closes the connection after each answer.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loopback.h"

#define MAX_CLIENTS 1024
#define BUF_SIZE 4096

static const char response_keepalive[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\nHello, world\n";
static const char response_close[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, world\n";

struct client {
	char buf[BUF_SIZE];
	size_t len;
};

static struct pollfd fds[MAX_CLIENTS + 1];
static struct client clients[MAX_CLIENTS + 1];

static void
usage(void)
{
	fprintf(stderr, "usage: tt-server [-P PORT] [-m keepalive|close] [-n REQUESTS] [-t SECONDS]\n");
	exit(2);
}

static int
listen_loopback(long port)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof addr;
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	addr = loopback_address(port);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 128) != 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
		close(fd);
		return -1;
	}
	printf("port %d\n", ntohs(addr.sin_port));
	fflush(stdout);
	return fd;
}

/* Answer every complete request in a client's buffer; returns 1 when the connection should close. */
static int
answer(struct client *c, int fd, int close_mode, long *served, long max)
{
	const char *resp = close_mode ? response_close : response_keepalive;
	size_t resp_len = close_mode ? sizeof response_close - 1 : sizeof response_keepalive - 1;
	char *end;

	while (*served < max && (end = strstr(c->buf, "\r\n\r\n")) != NULL) {
		size_t used = (size_t)(end + 4 - c->buf);

		if (write(fd, resp, resp_len) != (ssize_t)resp_len)
			return 1;
		(*served)++;
		memmove(c->buf, c->buf + used, c->len - used + 1);
		c->len -= used;
		if (close_mode)
			return 1;
	}
	return c->len >= BUF_SIZE - 1; /* a request longer than the buffer is not one of ours */
}

int
main(int argc, char **argv)
{
	long port = 0, max = 1000, timeout_s = 30, served = 0;
	int close_mode = 0, opt, listener;
	nfds_t n = 1, i;
	time_t deadline;

	while ((opt = getopt(argc, argv, "P:m:n:t:")) != -1) {
		switch (opt) {
		case 'P': port = strtol(optarg, NULL, 10); break;
		case 'm':
			if ((close_mode = close_mode_of(optarg)) < 0)
				usage();
			break;
		case 'n': max = strtol(optarg, NULL, 10); break;
		case 't': timeout_s = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (max < 1 || timeout_s < 1 || port < 0 || port > 65535)
		usage();
	signal(SIGPIPE, SIG_IGN);
	listener = listen_loopback(port);
	if (listener < 0) {
		fprintf(stderr, "tt-server: cannot listen on 127.0.0.1:%ld: %s\n", port, strerror(errno));
		return 1;
	}
	fds[0].fd = listener;
	fds[0].events = POLLIN;
	deadline = time(NULL) + timeout_s;
	while (served < max && time(NULL) < deadline) {
		int ready = poll(fds, n, 1000);

		if (ready < 0 && errno != EINTR)
			break;
		if (ready <= 0)
			continue;
		for (i = 1; i < n; i++) {
			struct client *c = &clients[i];
			ssize_t got;

			if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(fds[i].fd, c->buf + c->len, BUF_SIZE - 1 - c->len);
			if (got > 0) {
				c->len += (size_t)got;
				c->buf[c->len] = '\0';
			}
			if (got <= 0 || answer(c, fds[i].fd, close_mode, &served, max)) {
				close(fds[i].fd);
				fds[i].fd = -1; /* compacted below */
			}
		}
		/* Drop closed connections, keeping each one's buffer beside its descriptor. */
		for (i = 1; i < n;) {
			if (fds[i].fd >= 0) {
				i++;
				continue;
			}
			n--;
			fds[i] = fds[n];
			clients[i] = clients[n];
		}
		if ((fds[0].revents & POLLIN) && n < MAX_CLIENTS + 1) {
			int fd = accept(listener, NULL, NULL);

			if (fd >= 0) {
				fds[n].fd = fd;
				fds[n].events = POLLIN;
				fds[n].revents = 0;
				clients[n].len = 0;
				clients[n].buf[0] = '\0';
				n++;
			}
		}
	}
	printf("served %ld\n", served);
	return 0;
}
