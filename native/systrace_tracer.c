/*
 * tt-systrace: the paper's OpenBSD tracer (OpenBSD up to 5.9, which had
 * /dev/systrace). Attaches to a running process by PID, gives it a policy
 * and answers the kernel's questions, until SIGUSR1, SIGTERM or SIGINT asks
 * it to detach.
 *
 *   tt-systrace [-k] -p PID
 *
 * Policy: open, write and close are ASK (each one a message to this process,
 * answered PERMIT); every other call is PERMIT, decided in the kernel. With
 * -k, or when run as tt-systrace-permit, everything is PERMIT: the kernel's
 * fast path alone, which costs the traced process no context switch.
 *
 * Prints "attached" once the policy is in force and, after detaching every
 * process it traces (the tracee and the children it forked meanwhile),
 * "stops N unanswered M": N ASK messages under our policy, M answers the
 * kernel refused (the asking process had gone, say), which, as in
 * systrace(1), are logged and passed over. If this tracer dies, closing its
 * systrace descriptor makes the kernel kill the tracees rather than leave
 * them waiting.
 */
/* <dev/systrace.h> uses MAXPATHLEN without including its header: first, as systrace(1) does. */
#include <sys/param.h>
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <dev/systrace.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer.h"

/* The clone request was SYSTR_CLONE in the first releases, STRIOCCLONE later. */
#if !defined(STRIOCCLONE) && defined(SYSTR_CLONE)
#define STRIOCCLONE SYSTR_CLONE
#endif

static pid_t tracee;
static volatile sig_atomic_t detach_requested;

/* Every process under our descriptor: the tracee, then the children it forks, which systrace follows. */
static pid_t *traced;
static size_t ntraced, traced_room;

static void
request_detach(int sig)
{
	(void)sig;
	detach_requested = 1;
}

static void
die(const char *what)
{
	fprintf(stderr, "tt-systrace: %s (pid %ld): %s\n", what, (long)tracee, strerror(errno));
	exit(1); /* closing the descriptor ends the tracees */
}

static int
measured_call(int code)
{
	return code == SYS_open || code == SYS_write || code == SYS_close;
}

/*
 * A new policy: ASK for the measured calls unless kernel_only, PERMIT for
 * the rest; given to the tracee. Returns its number, which the kernel puts
 * in each message made under it.
 */
static int
install_policy(int fd, int kernel_only)
{
	struct systrace_policy p;
	int code, num;

	memset(&p, 0, sizeof p);
	p.strp_op = SYSTR_POLICY_NEW;
	p.strp_maxents = SYS_MAXSYSCALL;
	if (ioctl(fd, STRIOCPOLICY, &p) == -1)
		die("STRIOCPOLICY/NEW");
	num = p.strp_num;
	/* A new policy says ASK for every call. */
	for (code = 0; code < SYS_MAXSYSCALL; code++) {
		if (measured_call(code) && !kernel_only)
			continue;
		memset(&p, 0, sizeof p);
		p.strp_op = SYSTR_POLICY_MODIFY;
		p.strp_num = num;
		p.strp_code = code;
		p.strp_policy = SYSTR_POLICY_PERMIT;
		if (ioctl(fd, STRIOCPOLICY, &p) == -1)
			die("STRIOCPOLICY/MODIFY");
	}

	memset(&p, 0, sizeof p);
	p.strp_op = SYSTR_POLICY_ASSIGN;
	p.strp_num = num;
	p.strp_pid = tracee;
	if (ioctl(fd, STRIOCPOLICY, &p) == -1)
		die("STRIOCPOLICY/ASSIGN");
	return num;
}

static void
add_traced(pid_t pid)
{
	pid_t *grown;

	if (ntraced == traced_room) {
		traced_room = traced_room > 0 ? 2 * traced_room : 8;
		if ((grown = realloc(traced, traced_room * sizeof *traced)) == NULL)
			die("out of memory for the traced processes");
		traced = grown;
	}
	traced[ntraced++] = pid;
}

static void
remove_traced(pid_t pid)
{
	size_t i;

	for (i = 0; i < ntraced; i++)
		if (traced[i] == pid) {
			traced[i] = traced[--ntraced];
			return;
		}
}

/* Let every traced process go (one waiting for an answer too); 0 unless the kernel refused one still there. */
static int
detach_all(int fd)
{
	size_t i;
	int r = 0;

	for (i = 0; i < ntraced; i++)
		if (ioctl(fd, STRIOCDETACH, &traced[i]) == -1 && errno != ESRCH) {
			fprintf(stderr, "tt-systrace: STRIOCDETACH (pid %ld): %s\n", (long)traced[i], strerror(errno));
			r = -1;
		}
	return r;
}

/*
 * Let the call (or whatever else the kernel waits on) go ahead. A refused
 * answer, typically for a process that has just gone, is logged and passed
 * over, as systrace(1) does: the others still wait for theirs.
 */
static int
permit(int fd, const struct str_message *msg)
{
	struct systrace_answer a;

	memset(&a, 0, sizeof a);
	a.stra_pid = msg->msg_pid;
	a.stra_seqnr = msg->msg_seqnr;
	a.stra_policy = SYSTR_POLICY_PERMIT;
	if (ioctl(fd, STRIOCANSWER, &a) == -1) {
		fprintf(stderr, "tt-systrace: STRIOCANSWER (pid %ld, message type %d): %s\n", (long)msg->msg_pid,
		    msg->msg_type, strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct str_message msg;
	unsigned long stops = 0, unanswered = 0;
	const char *self = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int kernel_only = strcmp(self, "tt-systrace-permit") == 0;
	int dev, fd, opt, policy;
	char *end;

	while ((opt = getopt(argc, argv, "kp:")) != -1) {
		switch (opt) {
		case 'k':
			kernel_only = 1;
			break;
		case 'p':
			tracee = (pid_t)strtol(optarg, &end, 10);
			if (*end != '\0' || tracee <= 0)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (tracee <= 0)
		goto usage;

	tt_on_detach_request(request_detach);

	if ((dev = open("/dev/systrace", O_RDONLY)) == -1)
		die("open /dev/systrace");
	if (ioctl(dev, STRIOCCLONE, &fd) == -1)
		die("STRIOCCLONE");
	close(dev);
	if (ioctl(fd, STRIOCATTACH, &tracee) == -1) {
		fprintf(stderr, "tt-systrace: cannot attach to pid %ld: %s\n", (long)tracee, strerror(errno));
		return 1;
	}
	add_traced(tracee);
	policy = install_policy(fd, kernel_only);
	printf("attached\n");
	fflush(stdout);

	for (;;) {
		/* A bounded wait, so a detach request between two checks is seen within 100 ms. */
		struct pollfd p = { fd, POLLIN, 0 };
		int r;

		if (detach_requested) {
			if (detach_all(fd) != 0)
				return 1;
			printf("stops %lu unanswered %lu\n", stops, unanswered);
			return fflush(stdout) == 0 ? 0 : 1;
		}
		r = poll(&p, 1, 100);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			die("poll");
		if (r == 0)
			continue;
		r = (int)read(fd, &msg, sizeof msg);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			die("read");
		if (r == 0) {
			fprintf(stderr, "tt-systrace: tracee %ld ended while traced\n", (long)tracee);
			return 1;
		}
		if (r != (int)sizeof msg) {
			fprintf(stderr, "tt-systrace: short message (%d bytes)\n", r);
			return 1;
		}
		switch (msg.msg_type) {
		case SYSTR_MSG_CHILD:
			/* A fork or an exit: nothing waits for an answer. */
			if (msg.msg_data.msg_child.new_pid != -1) {
				add_traced(msg.msg_data.msg_child.new_pid);
				break;
			}
			if (msg.msg_pid == tracee) {
				fprintf(stderr, "tt-systrace: tracee %ld ended while traced\n", (long)tracee);
				return 1;
			}
			remove_traced(msg.msg_pid);
			break;
#ifdef SYSTR_MSG_POLICYFREE
		case SYSTR_MSG_POLICYFREE:
			break;
#endif
		case SYSTR_MSG_ASK:
			/* Calls made before our policy was in force carry none (-1): they are not the measured stops. */
			if (!kernel_only && msg.msg_policy == policy)
				stops++;
			unanswered += permit(fd, &msg) != 0;
			break;
		default:
			/* Result, emulation, uid/gid or execve reports: the tracee sleeps until answered. */
			unanswered += permit(fd, &msg) != 0;
			break;
		}
	}
usage:
	fprintf(stderr, "usage: tt-systrace [-k] -p PID\n");
	return 2;
}
