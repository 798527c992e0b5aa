/*
 * Syscall User Dispatch (Linux 5.11+, x86-64): while the selector byte says
 * BLOCK, every system call made outside an allowed code region raises SIGSYS,
 * and the handler performs it. The allowed region holds only two stubs: the
 * one the handler issues calls through, and the signal-return trampoline
 * (glibc's own restorer lies outside the region, so the handler is installed
 * with the raw rt_sigaction call and our restorer).
 */
#ifndef TT_SUD_H
#define TT_SUD_H

#if defined(__linux__) && defined(__x86_64__) && defined(PR_SET_SYSCALL_USER_DISPATCH)
#define TT_HAVE_SUD 1

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "policy.h"

extern char tt_sud_region_start[], tt_sud_region_end[];
long tt_sud_syscall6(long nr, long a, long b, long c, long d, long e, long f);
void tt_sud_restorer(void);

__asm__(
    ".text\n"
    ".globl tt_sud_region_start\n"
    "tt_sud_region_start:\n"
    ".globl tt_sud_syscall6\n"
    "tt_sud_syscall6:\n" /* nr in rdi, args in rsi, rdx, rcx, r8, r9, 8(%rsp) */
    "    movq %rdi, %rax\n"
    "    movq %rsi, %rdi\n"
    "    movq %rdx, %rsi\n"
    "    movq %rcx, %rdx\n"
    "    movq %r8, %r10\n"
    "    movq %r9, %r8\n"
    "    movq 8(%rsp), %r9\n"
    "    syscall\n"
    "    ret\n"
    ".globl tt_sud_restorer\n"
    "tt_sud_restorer:\n"
    "    movq $15, %rax\n" /* rt_sigreturn */
    "    syscall\n"
    "    ud2\n" /* the kernel checks the address after the syscall instruction: keep it inside */
    ".globl tt_sud_region_end\n"
    "tt_sud_region_end:\n");

static volatile char tt_sud_selector = SYSCALL_DISPATCH_FILTER_ALLOW;
static volatile unsigned long tt_sud_calls, tt_sud_paths;
static int tt_sud_inspect;

/* The kernel's struct sigaction for rt_sigaction, which takes a restorer. */
struct tt_kernel_sigaction {
	void (*handler)(int, siginfo_t *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

/* Dispatch on, for this task: the region of our two stubs, our selector. */
static long
tt_sud_dispatch_on(void)
{
	return tt_sud_syscall6(SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, (long)tt_sud_region_start,
	    (long)(tt_sud_region_end - tt_sud_region_start), (long)&tt_sud_selector, 0);
}

/* A new process: dispatch is not inherited, and the calls counted so far are the parent's. */
static long
tt_sud_forked(long result)
{
	if (result == 0) {
		tt_sud_calls = 0;
		tt_sud_dispatch_on();
	}
	return result;
}

/* Perform a call that waits under a temporary signal mask (argument `arg`), with SIGSYS taken out of it. */
static long
tt_sud_with_mask(long nr, greg_t *r, int arg)
{
	static const int regs[6] = { REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9 };
	long a[6];
	uint64_t mask;
	int i;

	for (i = 0; i < 6; i++)
		a[i] = r[regs[i]];
	if (a[arg] != 0) {
		mask = *(const uint64_t *)a[arg] & ~(1ULL << (SIGSYS - 1));
		a[arg] = (long)&mask;
	}
	return tt_sud_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/*
 * The calls a handler cannot simply perform for its caller, met when a whole
 * program runs under dispatch (tt-macro): returns 1 with the result in
 * r[REG_RAX] when it handled the call.
 * - rt_sigreturn of the program's own handlers goes back through our
 *   restorer, with the caller's stack.
 * - SIGSYS must never be blocked (a blocked SIGSYS kills) and stays ours: it
 *   is taken out of the mask, which lives in the frame this handler returns
 *   through, out of the masks of the program's handlers and of the calls
 *   that wait under a mask of their own.
 * - fork, vfork (made a fork: a child sharing this stack would tear the
 *   frame) and clone without a new stack: dispatch is turned on again in the
 *   child. clone onto a new stack (threads, posix_spawn) would return into
 *   this handler on a stack without its frame, so it fails with ENOSYS.
 */
static int
tt_sud_special_call(long nr, greg_t *r, ucontext_t *uc)
{
	const uint64_t sigsys = 1ULL << (SIGSYS - 1);
	uint64_t *mask = (uint64_t *)&uc->uc_sigmask, old = *mask, set;
	struct tt_kernel_sigaction act;

	switch (nr) {
	case SYS_rt_sigreturn:
		r[REG_RIP] = (greg_t)tt_sud_restorer;
		return 1;
	case SYS_rt_sigprocmask:
		if (r[REG_RSI] != 0) {
			if (r[REG_RDI] != SIG_BLOCK && r[REG_RDI] != SIG_UNBLOCK && r[REG_RDI] != SIG_SETMASK) {
				r[REG_RAX] = -EINVAL;
				return 1;
			}
			set = *(const uint64_t *)r[REG_RSI];
			*mask = r[REG_RDI] == SIG_BLOCK ? old | set : r[REG_RDI] == SIG_UNBLOCK ? old & ~set : set;
			*mask &= ~sigsys;
		}
		if (r[REG_RDX] != 0)
			*(uint64_t *)r[REG_RDX] = old;
		r[REG_RAX] = 0;
		return 1;
	case SYS_rt_sigaction:
		if (r[REG_RSI] == 0)
			return 0;
		if (r[REG_RDI] == SIGSYS) {
			r[REG_RAX] = -EINVAL;
			return 1;
		}
		memcpy(&act, (const void *)r[REG_RSI], sizeof act);
		act.mask &= ~sigsys;
		r[REG_RAX] = tt_sud_syscall6(SYS_rt_sigaction, r[REG_RDI], (long)&act, r[REG_RDX], r[REG_R10], 0, 0);
		return 1;
	case SYS_rt_sigsuspend:
		r[REG_RAX] = tt_sud_with_mask(nr, r, 0);
		return 1;
	case SYS_ppoll:
		r[REG_RAX] = tt_sud_with_mask(nr, r, 3);
		return 1;
	case SYS_epoll_pwait:
		r[REG_RAX] = tt_sud_with_mask(nr, r, 4);
		return 1;
	case SYS_fork:
	case SYS_vfork:
		r[REG_RAX] = tt_sud_forked(tt_sud_syscall6(SYS_fork, 0, 0, 0, 0, 0, 0));
		return 1;
	case SYS_clone:
		if (r[REG_RSI] != 0) {
			r[REG_RAX] = -ENOSYS;
			return 1;
		}
		/* A vfork-like clone without a stack: made a plain fork-like one, for the same reason as vfork. */
		set = (uint64_t)r[REG_RDI] & ~(uint64_t)(CLONE_VFORK | CLONE_VM);
		r[REG_RAX] = tt_sud_forked(tt_sud_syscall6(SYS_clone, (long)set, 0, r[REG_RDX], r[REG_R10], r[REG_R8], 0));
		return 1;
#if defined(SYS_clone3)
	case SYS_clone3:
		r[REG_RAX] = -ENOSYS; /* glibc then falls back to clone */
		return 1;
#endif
	}
	return 0;
}

static void
tt_sud_handler(int sig, siginfo_t *info, void *context)
{
	greg_t *r = ((ucontext_t *)context)->uc_mcontext.gregs;
	long nr = info->si_syscall;

	(void)sig;
	tt_sud_calls++;
	if (tt_sud_special_call(nr, r, context))
		return;
	if (tt_sud_inspect && nr == SYS_openat && tt_policy_allows((const char *)r[REG_RSI]))
		tt_sud_paths++;
	r[REG_RAX] = tt_sud_syscall6(nr, r[REG_RDI], r[REG_RSI], r[REG_RDX], r[REG_R10], r[REG_R8], r[REG_R9]);
}

#define TT_SA_RESTORER 0x04000000

static int
tt_sud_install(int inspect)
{
	struct tt_kernel_sigaction sa;
	long r;

	tt_sud_inspect = inspect;
	memset(&sa, 0, sizeof sa);
	sa.handler = tt_sud_handler;
	sa.flags = SA_SIGINFO | SA_NODEFER | TT_SA_RESTORER; /* a handler of the program may run inside ours and make calls */
	sa.restorer = tt_sud_restorer;
	if (syscall(SYS_rt_sigaction, SIGSYS, &sa, NULL, sizeof sa.mask) != 0)
		return -1;
	if ((r = tt_sud_dispatch_on()) < 0) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}

#endif
#endif
