// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF peer of kbench's syscall comparison: on raw_syscalls:sys_enter,
 * one record of logbuf's own struct logbuf_ev_syscall (80 bytes) into a BPF ring buffer with bpf_ringbuf_output(), every
 * system call of every task, as logbuf's LOGBUF_EV_SYS_ENTER source does.
 * Records the ring had no room for are counted in @drops.
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

char LICENSE[] SEC("license") = "GPL";
