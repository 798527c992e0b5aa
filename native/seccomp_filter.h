/*
 * The in-kernel half of the seccomp mechanisms: a BPF filter the benchmark
 * (or tt-macro's workload) installs on itself. It applies one action (ALLOW,
 * ERRNO, TRACE or USER_NOTIF) to the system calls of the measured call, except
 * on the descriptors the benchmark uses to talk to the driver (stdout, stderr
 * and its two pipes): a tracer or supervisor may go away before the benchmark
 * does, and those calls must still work then.
 */
#ifndef TT_SECCOMP_FILTER_H
#define TT_SECCOMP_FILTER_H

#if defined(__linux__) && defined(__x86_64__)
#define TT_HAVE_SECCOMP 1

#include <linux/seccomp.h>

#include "calls.h"

#define TT_FILTER_ERRNO 1 /* EPERM: what seccomp-errno makes the measured calls return */

/*
 * Install the filter on the calling process: `action` for the system calls
 * of `calls` (every call when it names none), each taking a descriptor
 * matched only off the descriptors in protect[4] (NULL: nothing protected).
 * Returns the listener descriptor for SECCOMP_RET_USER_NOTIF, 0 for other
 * actions, -1 on error (errno set).
 */
int tt_filter_calls(unsigned int action, const struct tt_calls *calls, const int protect[4]);

#endif

/* A mechanism's filter (mechanism.h); without seccomp in this build the registry refuses it. */
#if defined(TT_HAVE_SECCOMP)
#define TT_FILTER(action_) .filter = 1, .action = (action_)
#else
#define TT_FILTER(action_) .filter = 1
#endif

#endif
