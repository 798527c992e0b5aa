/*
 * Cycle timer shared by every benchmark: the CPU's time-stamp counter read
 * with fences so that neither the timed code nor the surrounding code moves
 * across the reads (lfence; rdtsc ... rdtscp; lfence). Without a TSC the
 * programs stop with a message: there is no silent fallback to another clock.
 */
#ifndef TT_TIMING_H
#define TT_TIMING_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define TT_EXIT_NO_TSC 3

struct tt_timer {
	int has_rdtscp;    /* end of region with rdtscp; else lfence; rdtsc; lfence */
	int invariant_tsc; /* cpuid 0x80000007 edx bit 8 */
};

static struct tt_timer tt_timer;

#if defined(__x86_64__) || defined(__i386__)

static inline void
tt_cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
	    : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	    : "a"(leaf), "c"(0));
}

static inline uint64_t
tt_start(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t
tt_stop(void)
{
	uint32_t lo, hi, aux;
	if (tt_timer.has_rdtscp) {
		__asm__ volatile("rdtscp\n\tlfence"
		    : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
	} else {
		/* Some hypervisors hide rdtscp; an lfence before rdtsc waits for the region instead. */
		__asm__ volatile("lfence\n\trdtsc\n\tlfence"
		    : "=a"(lo), "=d"(hi) : : "memory");
	}
	return ((uint64_t)hi << 32) | lo;
}

static inline void
tt_timer_init(void)
{
	uint32_t r[4];

	tt_cpuid(0, r);
	if (r[0] >= 1) {
		tt_cpuid(1, r);
		if (r[3] & (1u << 4)) {
			tt_cpuid(0x80000000u, r);
			if (r[0] >= 0x80000001u) {
				tt_cpuid(0x80000001u, r);
				tt_timer.has_rdtscp = (r[3] >> 27) & 1;
			}
			tt_cpuid(0x80000000u, r);
			if (r[0] >= 0x80000007u) {
				tt_cpuid(0x80000007u, r);
				tt_timer.invariant_tsc = (r[3] >> 8) & 1;
			}
			return;
		}
	}
	fprintf(stderr, "tracetax: this CPU has no time-stamp counter "
	    "(cpuid leaf 1, edx bit 4 is clear); cycles cannot be measured\n");
	exit(TT_EXIT_NO_TSC);
}

#else

static inline uint64_t tt_start(void) { return 0; }
static inline uint64_t tt_stop(void) { return 0; }

static inline void
tt_timer_init(void)
{
	fprintf(stderr, "tracetax: no time-stamp counter on this architecture "
	    "(only x86 and x86-64 are supported); cycles cannot be measured\n");
	exit(TT_EXIT_NO_TSC);
}

#endif

static inline const char *
tt_timer_name(void)
{
	return tt_timer.has_rdtscp ? "lfence-rdtsc/rdtscp-lfence" : "lfence-rdtsc/lfence-rdtsc-lfence";
}

static inline int
tt_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Median of n values; sorts the array in place. */
static inline uint64_t
tt_median(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof v[0], tt_cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define TT_CALIBRATION_SAMPLES 1001

/* Cost of the timer itself: the median of empty timed regions. */
static inline uint64_t
tt_timer_overhead(void)
{
	static uint64_t v[TT_CALIBRATION_SAMPLES];
	size_t i;

	for (i = 0; i < TT_CALIBRATION_SAMPLES; i++) {
		uint64_t t0 = tt_start();
		uint64_t t1 = tt_stop();
		v[i] = t1 - t0;
	}
	return tt_median(v, TT_CALIBRATION_SAMPLES);
}

#endif
