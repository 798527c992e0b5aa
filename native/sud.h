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

/*
 * The calls a handler cannot simply perform for its caller, met when a whole
 * program runs under dispatch (tt-macro): returns 1 with the result in
 * r[REG_RAX] when it handled the call. rt_sigreturn of the program's own
 * handlers goes back through our restorer with the caller's stack; the signal
 * mask lives in the frame this handler returns through; SIGSYS stays
 * unblocked, in that mask and in the masks of the program's handlers (a
 * blocked SIGSYS kills), and stays ours; vfork becomes fork, since a child
 * sharing this stack would tear the frame; clone onto a new stack (threads,
 * posix_spawn) would return into this handler on a stack without its frame,
 * so it fails with ENOSYS.
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
		if (r[REG_RDI] != SIG_BLOCK && r[REG_RDI] != SIG_UNBLOCK && r[REG_RDI] != SIG_SETMASK) {
			r[REG_RAX] = -EINVAL;
			return 1;
		}
		if (r[REG_RSI] != 0) {
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
	case SYS_vfork:
		r[REG_RAX] = tt_sud_syscall6(SYS_fork, 0, 0, 0, 0, 0, 0);
		return 1;
	case SYS_clone:
		if (r[REG_RSI] == 0)
			return 0;
		r[REG_RAX] = -ENOSYS;
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

	tt_sud_inspect = inspect;
	memset(&sa, 0, sizeof sa);
	sa.handler = tt_sud_handler;
	sa.flags = SA_SIGINFO | SA_NODEFER | TT_SA_RESTORER; /* a handler of the program may run inside ours and make calls */
	sa.restorer = tt_sud_restorer;
	if (syscall(SYS_rt_sigaction, SIGSYS, &sa, NULL, sizeof sa.mask) != 0)
		return -1;
	return prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, (unsigned long)tt_sud_region_start,
	    (unsigned long)(tt_sud_region_end - tt_sud_region_start), &tt_sud_selector);
}

#endif
#endif
