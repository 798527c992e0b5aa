/*
 * The protocol of every observer, a program started with -p PID beside the
 * process it intercepts (observer.h starts and stops them): it prints
 * "attached" once interception is active, and SIGUSR1 (or SIGTERM, SIGINT)
 * asks it to let go of the tracee and report what it saw: "stops N ..." or,
 * when it counts nothing, "detached". An observer of a whole program
 * (tt-macro) is started with the program's first process and given
 * -w SECONDS: how long to wait for what it intercepts to be set up.
 */
#ifndef TT_TRACER_H
#define TT_TRACER_H

#include <signal.h>
#include <string.h>

/* No SA_RESTART: a tracer blocked in waitpid(), poll() or read() returns with EINTR and sees the request. */
static inline void
tt_on_detach_request(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

#endif
