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

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TT_FILTER_ERRNO 1 /* EPERM: what seccomp-errno makes the measured calls return */

#define TT_LD(off) (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define TT_JEQ(k, t, f) (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define TT_RET(k) (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (k))

/*
 * syscalls: the system calls to act on (at most 12), or NULL for every call.
 * fd_syscalls: how many of them, from the front, take a descriptor as first
 * argument and so are matched only off the descriptors in protect[4] (0 when
 * nothing is protected). Returns the listener fd for SECCOMP_RET_USER_NOTIF,
 * 0 for other actions, -1 on error (errno set).
 */
static int
tt_install_filter(unsigned int action, const long *syscalls, int n, int fd_syscalls, const int protect[4])
{
	struct sock_filter f[64];
	struct sock_fprog prog;
	int i, k = 0, p;
	unsigned int flags = action == SECCOMP_RET_USER_NOTIF ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;

	if (n > 12 || fd_syscalls > n) {
		errno = EINVAL;
		return -1;
	}

	f[k++] = TT_LD(offsetof(struct seccomp_data, arch));
	f[k++] = TT_JEQ(AUDIT_ARCH_X86_64, 1, 0);
	f[k++] = TT_RET(SECCOMP_RET_ALLOW);
	if (syscalls == NULL) {
		f[k++] = TT_RET(action);
	} else {
		f[k++] = TT_LD(offsetof(struct seccomp_data, nr));
		/* Syscalls without a descriptor argument: act at once. */
		for (i = fd_syscalls; i < n; i++) {
			f[k++] = TT_JEQ((unsigned int)syscalls[i], 0, 1);
			f[k++] = TT_RET(action);
		}
		/* Descriptor syscalls: fall through to the argument check, else allow. */
		for (i = 0; i < fd_syscalls; i++)
			f[k++] = TT_JEQ((unsigned int)syscalls[i], (unsigned char)(fd_syscalls - i), 0);
		f[k++] = TT_RET(SECCOMP_RET_ALLOW);
		if (fd_syscalls > 0) {
			f[k++] = TT_LD(offsetof(struct seccomp_data, args[0]));
			for (p = 0; p < 4; p++)
				f[k++] = TT_JEQ((unsigned int)protect[p], (unsigned char)(4 - p), 0);
			f[k++] = TT_RET(action);
			f[k++] = TT_RET(SECCOMP_RET_ALLOW);
		}
	}

	prog.len = (unsigned short)k;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

#endif
#endif
