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

static void
tt_sud_handler(int sig, siginfo_t *info, void *context)
{
	greg_t *r = ((ucontext_t *)context)->uc_mcontext.gregs;
	long nr = info->si_syscall;

	(void)sig;
	tt_sud_calls++;
	if (tt_sud_inspect && nr == SYS_openat && tt_policy_allows((const char *)r[REG_RSI]))
		tt_sud_paths++;
	r[REG_RAX] = tt_sud_syscall6(nr, r[REG_RDI], r[REG_RSI], r[REG_RDX], r[REG_R10], r[REG_R8], r[REG_R9]);
}

/* The kernel's struct sigaction for rt_sigaction, which takes a restorer. */
struct tt_kernel_sigaction {
	void (*handler)(int, siginfo_t *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

#define TT_SA_RESTORER 0x04000000

static int
tt_sud_install(int inspect)
{
	struct tt_kernel_sigaction sa;

	tt_sud_inspect = inspect;
	memset(&sa, 0, sizeof sa);
	sa.handler = tt_sud_handler;
	sa.flags = SA_SIGINFO | TT_SA_RESTORER;
	sa.restorer = tt_sud_restorer;
	if (syscall(SYS_rt_sigaction, SIGSYS, &sa, NULL, sizeof sa.mask) != 0)
		return -1;
	return prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, (unsigned long)tt_sud_region_start,
	    (unsigned long)(tt_sud_region_end - tt_sud_region_start), &tt_sud_selector);
}

#endif
#endif
