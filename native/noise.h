/*
 * What the host can say about a trial beside its cycles: where and how
 * often the scheduler ran its processes, how long they waited for a CPU,
 * how much time a hypervisor stole meanwhile, and which boot it ran in.
 * tt-driver prints it as the trial's "#noise" line. Only Linux says any of
 * it (/proc); elsewhere every answer is "cannot say".
 */
#ifndef TT_NOISE_H
#define TT_NOISE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Append " WHO_cpu=N WHO_switches=N WHO_migrations=N WHO_rq_ns=N" for the
 * process pid to buf (a string of size bytes), each key only where /proc
 * has it: the CPU it last ran on, its context switches and migrations
 * (/proc/PID/sched, which needs CONFIG_SCHED_DEBUG) and its time waiting on
 * a run queue. Call it once pid has ended but before it is reaped: a
 * zombie keeps these entries, a reaped process has none.
 */
void tt_noise_process(char *buf, size_t size, const char *who, pid_t pid);

/* Steal time of the host so far, in USER_HZ ticks summed over its CPUs; -1 when it cannot say. */
long long tt_steal_ticks(void);

/* This boot's id (/proc/sys/kernel/random/boot_id), or NULL. */
const char *tt_boot_id(void);

#endif
