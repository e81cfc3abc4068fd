// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF peers of kbench's syscall comparisons.  On raw_syscalls:sys_enter,
 * one record of logbuf's own struct logbuf_ev_syscall (80 bytes) into a BPF
 * ring buffer with bpf_ringbuf_output(), every system call of every task,
 * as logbuf's LOGBUF_EV_SYS_ENTER source does.  On
 * syscalls:sys_enter_getpgid, the record logbuf's any-event source writes
 * (struct logbuf_ev_raw and the event's raw fields, 56 bytes), built in
 * place with bpf_ringbuf_reserve().  Records the ring had no room for are
 * counted in @drops.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
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

SEC("tracepoint/raw_syscalls/sys_enter")
int kbench_sys_enter(struct sys_enter_args *ctx)
{
	__u64 pt = bpf_get_current_pid_tgid();
	struct logbuf_ev_syscall e;
	__u32 k = 0;
	__u64 *d;
	int i;

	e.ev.ts_ns = bpf_ktime_get_ns();
	e.ev.type = LOGBUF_EV_SYS_ENTER;
	e.ev.size = sizeof(e);
	e.ev.cpu = bpf_get_smp_processor_id();
	e.ev.pid = (__u32)pt;
	e.ev.tgid = pt >> 32;
	e.id = ctx->id;
	for (i = 0; i < 6; i++)
		e.args[i] = ctx->args[i];
	if (bpf_ringbuf_output(&rb, &e, sizeof(e), 0)) {
		d = bpf_map_lookup_elem(&drops, &k);
		if (d)
			(*d)++;
	}
	return 0;
}

/* syscalls:sys_enter_getpgid's id, set by kbench before loading. */
volatile const __u32 event_id;

/* struct logbuf_ev_raw with the 24 bytes of sys_enter_getpgid's fields. */
struct getpgid_rec {
	struct logbuf_ev ev;
	__u32 id;
	__u32 raw_size;
	__u64 raw[3];
};

_Static_assert(__builtin_offsetof(struct getpgid_rec, raw) ==
	       sizeof(struct logbuf_ev_raw), "struct logbuf_ev_raw's layout");

SEC("tracepoint/syscalls/sys_enter_getpgid")
int kbench_getpgid(__u64 *ctx)
{
	__u64 pt = bpf_get_current_pid_tgid();
	struct getpgid_rec *e;
	__u32 k = 0;
	__u64 *d;

	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		d = bpf_map_lookup_elem(&drops, &k);
		if (d)
			(*d)++;
		return 0;
	}
	e->ev.ts_ns = bpf_ktime_get_ns();
	e->ev.type = LOGBUF_EV_RAW;
	e->ev.size = sizeof(*e);
	e->ev.cpu = bpf_get_smp_processor_id();
	e->ev.pid = (__u32)pt;
	e->ev.tgid = pt >> 32;
	/*
	 * The record as the perf counter's raw sample has it: common_type
	 * and common_pid (a BPF program's context holds other bytes there:
	 * the registers' address), __syscall_nr, pid.
	 */
	e->id = event_id;
	e->raw_size = sizeof(e->raw);
	e->raw[0] = event_id | (pt << 32);
	e->raw[1] = ctx[1];
	e->raw[2] = ctx[2];
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
