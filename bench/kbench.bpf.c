// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF peers of kbench's kernel -> user comparisons, every way a BPF
 * user would write them: on the classic tracepoint, on the raw tracepoint
 * (raw_tp, arguments read with bpf_probe_read_kernel()) and on the
 * BTF-typed one (tp_btf, arguments read directly); each with
 * bpf_ringbuf_output() (a record built on the stack, then copied) and with
 * bpf_ringbuf_reserve()/bpf_ringbuf_submit() (built in place).
 *
 *  sys_*  every system call of every task, as logbuf's LOGBUF_EV_SYS_ENTER
 *         source: one struct logbuf_ev_syscall (80 bytes).
 *  ev_*   getpgid() only, as logbuf's any-event source on
 *         syscalls:sys_enter_getpgid: struct logbuf_ev_raw and the event's
 *         24 bytes of raw fields (56 bytes).  The raw_tp and tp_btf
 *         programs sit on sys_enter and keep getpgid's calls.
 *  kp_*   the same records from a kprobe on __x64_sys_getpgid.
 *
 * @wake_flags goes to every output and submit: 0, or BPF_RB_NO_WAKEUP for
 * the "no wake-ups, poll every 10 ms" consumer BPF users run.  Records the
 * ring had no room for are counted in @drops.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <asm/unistd.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/logbuf.h>

/* The tracepoint's own record (tracefs events/raw_syscalls/sys_enter). */
struct sys_enter_args {
	__u64 common;
	long id;
	unsigned long args[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* syscalls:sys_enter_getpgid's id, set by kbench before loading. */
volatile const __u32 event_id;
/* Set by kbench between runs (the .bss map): 0 or BPF_RB_NO_WAKEUP. */
volatile __u64 wake_flags;

static __always_inline void drop(void)
{
	__u32 k = 0;
	__u64 *d = bpf_map_lookup_elem(&drops, &k);

	if (d)
		(*d)++;
}

static __always_inline void ev_head(struct logbuf_ev *ev, __u32 type,
				    __u32 size)
{
	__u64 pt = bpf_get_current_pid_tgid();

	ev->ts_ns = bpf_ktime_get_ns();
	ev->type = type;
	ev->size = size;
	ev->cpu = bpf_get_smp_processor_id();
	ev->pid = (__u32)pt;
	ev->tgid = pt >> 32;
}

/*
 * The six argument registers of a system call, from its pt_regs (uapi
 * names; the kernel's di, si, dx sit at the same offsets, which is all
 * the verifier checks).
 */
static __always_inline void sys_args_btf(struct pt_regs *regs, __u64 *a)
{
	a[0] = regs->rdi;
	a[1] = regs->rsi;
	a[2] = regs->rdx;
	a[3] = regs->r10;
	a[4] = regs->r8;
	a[5] = regs->r9;
}

static __always_inline void sys_args_raw(struct pt_regs *regs, __u64 *a)
{
	struct pt_regs r;

	bpf_probe_read_kernel(&r, sizeof(r), regs);
	a[0] = r.rdi;
	a[1] = r.rsi;
	a[2] = r.rdx;
	a[3] = r.r10;
	a[4] = r.r8;
	a[5] = r.r9;
}

/* ---- every system call: struct logbuf_ev_syscall -------------------- */

#define SYS_OUTPUT(ARGS)						\
	struct logbuf_ev_syscall e;					\
									\
	ev_head(&e.ev, LOGBUF_EV_SYS_ENTER, sizeof(e));			\
	e.id = id;							\
	ARGS;								\
	if (bpf_ringbuf_output(&rb, &e, sizeof(e), wake_flags))		\
		drop();							\
	return 0

#define SYS_RESERVE(ARGS)						\
	struct logbuf_ev_syscall *e;					\
									\
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);			\
	if (!e) {							\
		drop();							\
		return 0;						\
	}								\
	ev_head(&e->ev, LOGBUF_EV_SYS_ENTER, sizeof(*e));		\
	e->id = id;							\
	ARGS;								\
	bpf_ringbuf_submit(e, wake_flags);				\
	return 0

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_tp_output(struct sys_enter_args *ctx)
{
	long id = ctx->id;
	int i;

	SYS_OUTPUT(for (i = 0; i < 6; i++) e.args[i] = ctx->args[i]);
}

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_tp_reserve(struct sys_enter_args *ctx)
{
	long id = ctx->id;
	int i;

	SYS_RESERVE(for (i = 0; i < 6; i++) e->args[i] = ctx->args[i]);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_raw_output, struct pt_regs *regs, long id)
{
	SYS_OUTPUT(sys_args_raw(regs, e.args));
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_raw_reserve, struct pt_regs *regs, long id)
{
	SYS_RESERVE(sys_args_raw(regs, e->args));
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_btf_output, struct pt_regs *regs, long id)
{
	SYS_OUTPUT(sys_args_btf(regs, e.args));
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_btf_reserve, struct pt_regs *regs, long id)
{
	SYS_RESERVE(sys_args_btf(regs, e->args));
}

/* ---- getpgid() only: struct logbuf_ev_raw and 24 bytes of fields ---- */

struct getpgid_rec {
	struct logbuf_ev ev;
	__u32 id;
	__u32 raw_size;
	__u64 raw[3];
};

_Static_assert(__builtin_offsetof(struct getpgid_rec, raw) ==
	       sizeof(struct logbuf_ev_raw), "struct logbuf_ev_raw's layout");

/*
 * The record as the perf counter's raw sample has it: common_type and
 * common_pid, __syscall_nr, pid.
 */
static __always_inline void ev_fill(struct getpgid_rec *e, __u64 pid_arg)
{
	ev_head(&e->ev, LOGBUF_EV_RAW, sizeof(*e));
	e->id = event_id;
	e->raw_size = sizeof(e->raw);
	e->raw[0] = event_id | ((__u64)e->ev.pid << 32);
	e->raw[1] = __NR_getpgid;
	e->raw[2] = pid_arg;
}

#define EV_OUTPUT(PID)							\
	struct getpgid_rec e;						\
									\
	ev_fill(&e, PID);						\
	if (bpf_ringbuf_output(&rb, &e, sizeof(e), wake_flags))		\
		drop();							\
	return 0

#define EV_RESERVE(PID)							\
	struct getpgid_rec *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0); \
									\
	if (!e) {							\
		drop();							\
		return 0;						\
	}								\
	ev_fill(e, PID);						\
	bpf_ringbuf_submit(e, wake_flags);				\
	return 0

/* The tracepoint's context: common fields, __syscall_nr, pid. */
SEC("tracepoint/syscalls/sys_enter_getpgid")
int ev_tp_output(__u64 *ctx)
{
	EV_OUTPUT(ctx[2]);
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int ev_tp_reserve(__u64 *ctx)
{
	EV_RESERVE(ctx[2]);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(ev_raw_output, struct pt_regs *regs, long id)
{
	__u64 a[6];

	if (id != __NR_getpgid)
		return 0;
	sys_args_raw(regs, a);
	{ EV_OUTPUT(a[0]); }
}

SEC("raw_tp/sys_enter")
int BPF_PROG(ev_raw_reserve, struct pt_regs *regs, long id)
{
	__u64 a[6];

	if (id != __NR_getpgid)
		return 0;
	sys_args_raw(regs, a);
	{ EV_RESERVE(a[0]); }
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ev_btf_output, struct pt_regs *regs, long id)
{
	if (id != __NR_getpgid)
		return 0;
	{ EV_OUTPUT(regs->rdi); }
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ev_btf_reserve, struct pt_regs *regs, long id)
{
	if (id != __NR_getpgid)
		return 0;
	{ EV_RESERVE(regs->rdi); }
}

/*
 * kp_*: a kprobe on the syscall's function, as bpftrace compiles
 * kprobe:__x64_sys_getpgid { ... arg0->di ... }: the argument is read from
 * the pt_regs the function gets (its first argument, in rdi).
 */
static __always_inline __u64 kp_pid(struct pt_regs *ctx)
{
	struct pt_regs *u = (struct pt_regs *)ctx->rdi;
	__u64 pid = 0;

	bpf_probe_read_kernel(&pid, sizeof(pid), &u->rdi);
	return pid;
}

SEC("kprobe/__x64_sys_getpgid")
int kp_output(struct pt_regs *ctx)
{
	EV_OUTPUT(kp_pid(ctx));
}

SEC("kprobe/__x64_sys_getpgid")
int kp_reserve(struct pt_regs *ctx)
{
	EV_RESERVE(kp_pid(ctx));
}

char LICENSE[] SEC("license") = "GPL";
