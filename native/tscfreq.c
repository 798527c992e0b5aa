/*
 * tt-tscfreq: the TSC's frequency measured against CLOCK_MONOTONIC over
 * 200 ms, for hosts whose kernel does not say it. Prints "hz=N timer=NAME
 * invariant_tsc=0|1".
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/time.h> /* clock_gettime and CLOCK_MONOTONIC on OpenBSD 4.x */
#include <stdio.h>
#include <time.h>

#include "timing.h"

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	struct timespec pause = { 0, 200000000 };
	double s0, s1;
	uint64_t c0, c1;

	tt_timer_init();
	s0 = seconds();
	c0 = tt_start();
	nanosleep(&pause, NULL);
	c1 = tt_stop();
	s1 = seconds();
	printf("hz=%.0f timer=%s invariant_tsc=%d\n", (double)(c1 - c0) / (s1 - s0), tt_timer_name(), tt_timer.invariant_tsc);
	return 0;
}
