#if defined(__linux__)
#define _GNU_SOURCE /* syscall() */
#endif
#include "seccomp_filter.h"

#if defined(TT_HAVE_SECCOMP)
#include <linux/audit.h>
#include <linux/filter.h>
#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TT_LD(off) (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define TT_JEQ(k, t, f) (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define TT_RET(k) (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (k))

#define MAX_SYSCALLS 12

/* syscalls: NULL for every call; the first fd_syscalls of them only off protect[] (0: nothing protected). */
static int
install_filter(unsigned int action, const long *syscalls, int n, int fd_syscalls, const int protect[4])
{
	struct sock_filter f[64];
	struct sock_fprog prog;
	int i, k = 0, p;
	unsigned int flags = action == SECCOMP_RET_USER_NOTIF ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;

	if (n > MAX_SYSCALLS || fd_syscalls > n) {
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

int
tt_filter_calls(unsigned int action, const struct tt_calls *calls, const int protect[4])
{
	long nr[MAX_SYSCALLS];
	int n = 0;

	if (calls->syscalls != NULL && (n = tt_syscall_numbers(calls, nr, MAX_SYSCALLS)) < 0) {
		errno = ENOSYS; /* a system call this build has no number for */
		return -1;
	}
	return install_filter(action, calls->syscalls != NULL ? nr : NULL, n, protect != NULL ? calls->fd_syscalls : 0, protect);
}
#else
typedef int tt_no_seccomp; /* ISO C wants something in a translation unit */
#endif
