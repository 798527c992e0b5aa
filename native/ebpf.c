/*
 * tt-ebpf: loads and attaches the BPF programs of ebpf.bpf.c through
 * libbpf (a skeleton made by bpftool gen skeleton at build time) and, for
 * the ring buffer, is their consumer.
 *
 *   tt-ebpf -p PID [-e SYSCALLS] [-r] [-i] [-w SECONDS]        (watch.h)
 *
 * Without -r (ebpf-count) the kernel counts the process's entries per
 * system call and this process only sleeps until it reads the map at the
 * end. With -r (ebpf-ringbuf) it drains the ring buffer as records come
 * (epoll, through ppoll on the buffer's epoll descriptor) and, with -i,
 * judges each open() path the BPF program copied by the policy (policy.h).
 * With -w (a whole program) the filter is the target's cgroup v2 (tt-macro
 * puts the program in one of its own) instead of its PID.
 *
 * BPF programs and their links belong to this process's descriptors: when
 * it ends, however it ends, the kernel detaches and frees them.
 */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpf.skel.h"
#include "ebpf_event.h"
#include "policy.h"
#include "watch.h"

static struct tt_watch w;

struct consumed {
	unsigned long seen, paths;
	char last[256];
};

static int
on_event(void *ctx, void *data, size_t size)
{
	struct consumed *c = ctx;
	const struct tt_ebpf_event *e = data;

	if (size < sizeof *e || e->kind != TT_EBPF_ENTER || !tt_watch_measured(&w, (long)e->nr))
		return 0;
	c->seen++;
	if (e->path[0] != '\0') {
		memcpy(c->last, e->path, sizeof c->last);
		c->last[sizeof c->last - 1] = '\0';
		if (tt_policy_allows(c->last))
			c->paths++;
	}
	return 0;
}

/* The sum over CPUs of a per-CPU array's entry. */
static unsigned long
per_cpu_sum(const struct bpf_map *map, __u32 key)
{
	int cpus = libbpf_num_possible_cpus(), i;
	unsigned long sum = 0;
	__u64 *values;

	if (cpus <= 0 || (values = calloc((size_t)cpus, sizeof *values)) == NULL)
		return 0;
	if (bpf_map_lookup_elem(bpf_map__fd(map), &key, values) == 0)
		for (i = 0; i < cpus; i++)
			sum += values[i];
	free(values);
	return sum;
}

static int
quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

/* What the programs filter on: the process, or the cgroup of a whole program. */
static int
set_target(struct ebpf_bpf *skel)
{
	char cgroup[PATH_MAX];
	struct stat st;

	if (w.wait_s <= 0) {
		skel->rodata->target_tgid = (__u32)w.target;
		return 0;
	}
	if (tt_watch_cgroup(w.target, cgroup, sizeof cgroup) != 0)
		return -1;
	/* A cgroup v2's id, as bpf_get_current_cgroup_id() gives it, is its directory's inode number. */
	if (stat(cgroup, &st) != 0) {
		fprintf(stderr, "tt-ebpf: cannot stat %s: %s\n", cgroup, strerror(errno));
		return -1;
	}
	skel->rodata->target_cgroup = (__u64)st.st_ino;
	return 0;
}

int
main(int argc, char **argv)
{
	static struct consumed c;
	struct ring_buffer *ring = NULL;
	struct rusage before, after;
	struct ebpf_bpf *skel;
	sigset_t waiting;
	unsigned long lost = 0;
	long nr;
	int err;

	tt_watch_args(&w, argc, argv);
	tt_watch_signals(&waiting);
	libbpf_set_print(quiet_libbpf);
	if (tt_watch_target(&w) != 0)
		return 1;
	if ((skel = ebpf_bpf__open()) == NULL) {
		fprintf(stderr, "tt-ebpf: cannot open the BPF object: %s\n", strerror(errno));
		return 1;
	}
	if (set_target(skel) != 0)
		return 1;
	skel->rodata->inspect = (__u8)w.inspect;
	bpf_program__set_autoload(skel->progs.count_enter, !w.ring);
	bpf_program__set_autoload(skel->progs.ring_enter, w.ring);
	bpf_program__set_autoload(skel->progs.ring_exit, w.ring);
	if ((err = ebpf_bpf__load(skel)) != 0 || (err = ebpf_bpf__attach(skel)) != 0) {
		fprintf(stderr, "tt-ebpf: cannot load and attach the BPF programs: %s\n", strerror(-err));
		return 1;
	}
	if (w.ring && (ring = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, &c, NULL)) == NULL) {
		fprintf(stderr, "tt-ebpf: cannot open the ring buffer: %s\n", strerror(errno));
		return 1;
	}
	getrusage(RUSAGE_SELF, &before);
	tt_watch_attached();
	while (!tt_stop_requested) {
		struct pollfd p = { ring != NULL ? ring_buffer__epoll_fd(ring) : -1, POLLIN, 0 };

		if (ppoll(&p, ring != NULL, NULL, &waiting) > 0 && ring_buffer__consume(ring) < 0)
			break;
	}
	/* Detached first: what is in the buffer then is all there will be. */
	ebpf_bpf__detach(skel);
	if (ring != NULL) {
		ring_buffer__consume(ring);
		lost = per_cpu_sum(skel->maps.drops, 0);
	} else {
		for (nr = 0; nr < TT_EBPF_MAX_NR; nr++)
			if (tt_watch_measured(&w, nr))
				c.seen += per_cpu_sum(skel->maps.counts, (__u32)nr);
	}
	getrusage(RUSAGE_SELF, &after);
	ring_buffer__free(ring);
	ebpf_bpf__destroy(skel);
	return tt_watch_report(c.seen, lost, tt_cpu_seconds(&after) - tt_cpu_seconds(&before), c.paths, c.last);
}
