/*
 * tt-load: sends a bounded number of requests to a server on 127.0.0.1
 * from CONCURRENCY threads, each with its share of the requests, and
 * reports throughput, latency percentiles and errors.
 *
 *   tt-load -P PORT [-n REQUESTS] [-c CONCURRENCY] [-m keepalive|close] [-t SECONDS]
 *
 * keepalive: each thread sends its requests one after another on one
 * connection (reconnecting after an error); close: a new connection per
 * request, its connect included in the latency. Every socket wait ends at
 * the deadline of SECONDS (default 30); requests not answered by then are
 * errors. Output: "requests,errors,seconds,rps,p50_us,p99_us" and one row,
 * where requests counts the answered ones.
 */
#define _POSIX_C_SOURCE 200809L
#if defined(__OpenBSD__) || defined(__NetBSD__)
/* With _POSIX_C_SOURCE alone their <netinet/tcp.h> misses u_int and the other BSD types it uses. */
#define _BSD_SOURCE
#endif
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loopback.h"

#define MAX_THREADS 256

static const char request[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

struct worker {
	pthread_t thread;
	long requests, answered, errors;
	double *latency_us; /* one per answered request */
};

static long port;
static int close_mode;
static double deadline;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
connect_loopback(void)
{
	struct sockaddr_in addr;
	struct timeval tv;
	double left = deadline - now();
	int one = 1, fd;

	if (left <= 0)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	tv.tv_sec = (time_t)left;
	tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	addr = loopback_address(port);
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read one whole response: the header block, then Content-Length bytes of body. */
static int
read_response(int fd)
{
	char buf[1024];
	size_t len = 0;
	char *end;
	long body;

	for (;;) {
		ssize_t got = read(fd, buf + len, sizeof buf - 1 - len);

		if (got <= 0)
			return -1;
		len += (size_t)got;
		buf[len] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end != NULL) {
			const char *cl = strstr(buf, "Content-Length: ");
			body = cl != NULL ? strtol(cl + 16, NULL, 10) : 0;
			if ((long)(len - (size_t)(end + 4 - buf)) >= body)
				return 0;
		}
		if (len >= sizeof buf - 1)
			return -1;
	}
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	int fd = -1;
	long i;

	for (i = 0; i < w->requests; i++) {
		double start = now();

		if (fd < 0)
			fd = connect_loopback();
		if (fd < 0 || write(fd, request, sizeof request - 1) != (ssize_t)(sizeof request - 1) ||
		    read_response(fd) != 0) {
			w->errors++;
			if (fd >= 0)
				close(fd);
			fd = -1;
			continue;
		}
		w->latency_us[w->answered++] = (now() - start) * 1e6;
		if (close_mode) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values. */
static double
percentile(const double *v, long n, double p)
{
	long rank = (long)(p / 100.0 * (double)n + 0.999999);

	if (n == 0)
		return 0;
	if (rank < 1)
		rank = 1;
	return v[rank - 1];
}

static void
usage(void)
{
	fprintf(stderr, "usage: tt-load -P PORT [-n REQUESTS] [-c CONCURRENCY] [-m keepalive|close] [-t SECONDS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct worker workers[MAX_THREADS];
	long requests = 1000, concurrency = 1, timeout_s = 30, answered = 0, errors = 0, i, k = 0;
	double start, elapsed, *all;
	int opt;

	while ((opt = getopt(argc, argv, "P:n:c:m:t:")) != -1) {
		switch (opt) {
		case 'P': port = strtol(optarg, NULL, 10); break;
		case 'n': requests = strtol(optarg, NULL, 10); break;
		case 'c': concurrency = strtol(optarg, NULL, 10); break;
		case 'm':
			if ((close_mode = close_mode_of(optarg)) < 0)
				usage();
			break;
		case 't': timeout_s = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (port < 1 || port > 65535 || requests < 1 || concurrency < 1 || concurrency > MAX_THREADS || timeout_s < 1)
		usage();
	if (concurrency > requests)
		concurrency = requests;
	signal(SIGPIPE, SIG_IGN);
	all = malloc((size_t)requests * sizeof *all);
	if (all == NULL)
		return 1;
	start = now();
	deadline = start + (double)timeout_s;
	for (i = 0; i < concurrency; i++) {
		struct worker *w = &workers[i];

		w->requests = requests / concurrency + (i < requests % concurrency);
		w->latency_us = all + k;
		k += w->requests;
		if (pthread_create(&w->thread, NULL, work, w) != 0) {
			fprintf(stderr, "tt-load: cannot start thread %ld\n", i);
			return 1;
		}
	}
	for (i = 0; i < concurrency; i++) {
		pthread_join(workers[i].thread, NULL);
		answered += workers[i].answered;
		errors += workers[i].errors;
	}
	elapsed = now() - start;
	/* Gather the answered latencies (each worker filled the start of its slice) and sort them. */
	for (i = 0, k = 0; i < concurrency; i++) {
		memmove(all + k, workers[i].latency_us, (size_t)workers[i].answered * sizeof *all);
		k += workers[i].answered;
	}
	qsort(all, (size_t)answered, sizeof *all, by_value);
	printf("requests,errors,seconds,rps,p50_us,p99_us\n");
	printf("%ld,%ld,%.6f,%.1f,%.1f,%.1f\n", answered, errors, elapsed, (double)answered / elapsed,
	    percentile(all, answered, 50), percentile(all, answered, 99));
	return errors > 0;
}
