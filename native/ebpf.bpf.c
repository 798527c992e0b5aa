/*
 * The BPF side of tt-ebpf (ebpf.c), compiled CO-RE with clang -target bpf
 * against the measuring host's vmlinux.h. Programs on the raw tracepoints
 * raw_syscalls:sys_enter and sys_exit, filtered to one process (tgid) or,
 * for a whole program, one cgroup v2:
 *
 * count_enter (ebpf-count): counts entries per system call number in a
 * per-CPU array; nothing leaves the kernel until the map is read at the end.
 *
 * ring_enter, ring_exit (ebpf-ringbuf): one record at the entry (pid,
 * number, the six arguments, time; with inspect also open()'s path, read
 * with bpf_probe_read_user_str) and one at the exit (pid, number, return
 * value, time) into a ring buffer drained by the consumer: Falco's model,
 * not Tracee's one record at the exit carrying the entry's arguments, which
 * needs a map of calls in flight between the two. A record that finds the
 * buffer full is dropped and counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "ebpf_event.h"

const volatile __u32 target_tgid = 0;
const volatile __u64 target_cgroup = 0;
const volatile __u8 inspect = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TT_EBPF_MAX_NR);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* [0]: records dropped for a full ring buffer. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

static __always_inline int
watched(void)
{
	if (target_cgroup != 0)
		return bpf_get_current_cgroup_id() == target_cgroup;
	return (__u32)(bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

static __always_inline void
dropped(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&drops, &zero);

	if (n != NULL)
		*n += 1;
}

/* A record of the watched process for the ring buffer, its common fields set; NULL when not watched, or dropped for a full buffer. */
static __always_inline struct tt_ebpf_event *
new_event(__u32 kind)
{
	struct tt_ebpf_event *e;

	if (!watched())
		return NULL;
	if ((e = bpf_ringbuf_reserve(&events, sizeof *e, 0)) == NULL) {
		dropped();
		return NULL;
	}
	e->kind = kind;
	e->pid = (__u32)bpf_get_current_pid_tgid();
	e->ns = bpf_ktime_get_ns();
	e->path[0] = '\0';
	return e;
}

/* raw_syscalls:sys_enter: ctx->args[0] is the caller's struct pt_regs *, args[1] the number. */
SEC("raw_tracepoint/sys_enter")
int
count_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 nr = (__u32)ctx->args[1];
	__u64 *n;

	if (!watched())
		return 0;
	n = bpf_map_lookup_elem(&counts, &nr);
	if (n != NULL)
		*n += 1;
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int
ring_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	struct tt_ebpf_event *e;
	long nr = (long)ctx->args[1];

	if ((e = new_event(TT_EBPF_ENTER)) == NULL)
		return 0;
	e->nr = nr;
	/* x86-64's system call arguments: rdi, rsi, rdx, r10, r8, r9. */
	e->args[0] = BPF_CORE_READ(regs, di);
	e->args[1] = BPF_CORE_READ(regs, si);
	e->args[2] = BPF_CORE_READ(regs, dx);
	e->args[3] = BPF_CORE_READ(regs, r10);
	e->args[4] = BPF_CORE_READ(regs, r8);
	e->args[5] = BPF_CORE_READ(regs, r9);
	if (inspect && (nr == TT_EBPF_NR_OPEN || nr == TT_EBPF_NR_OPENAT))
		bpf_probe_read_user_str(e->path, sizeof e->path, (const void *)e->args[nr == TT_EBPF_NR_OPEN ? 0 : 1]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* raw_syscalls:sys_exit: args[0] the struct pt_regs *, args[1] the return value. */
SEC("raw_tracepoint/sys_exit")
int
ring_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	struct tt_ebpf_event *e;

	if ((e = new_event(TT_EBPF_EXIT)) == NULL)
		return 0;
	e->nr = BPF_CORE_READ(regs, orig_ax);
	e->ret = (long)ctx->args[1];
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
