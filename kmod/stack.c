// SPDX-License-Identifier: GPL-2.0
/*
 * Call stacks for trace events (struct logbuf_ev_stack), taken in the
 * event's overflow handler: in any context, NMI included, preemption
 * disabled, no lock, no sleep.
 *
 * - The kernel chain is perf's x86 kernel callchain: the address the event
 *   fired at, then the kernel's own unwinder (ORC on Debian) from the
 *   event's registers: real ones (kprobes, hardware) are unwound from,
 *   those a tracepoint made up (perf_fetch_caller_regs(): no
 *   X86_EFLAGS_FIXED) only give the stack pointer to start above.
 * - The user chain is perf's frame pointer walk from the task's user
 *   registers, each frame read with copy_from_user_nofault(), which fails
 *   rather than faults (and in NMI when the user mapping is not loaded).
 * - The user stack copy is up to @ustack_size bytes from the user stack
 *   pointer up, a page at a time, to its first unreadable page.
 *
 * Every walk is bounded by the depth asked (at most LOGBUF_STACK_DEPTH_MAX
 * frames) and the copy by its size.  The chains are taken into a per-CPU
 * scratch area before the record is reserved, so the record is as long as
 * the chains: one area per nesting level (task, softirq, interrupt, NMI),
 * as perf's callchain entries.
 */
#include <linux/percpu.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/ptrace.h>
#include <asm/unwind.h>
#include "logbuf.h"

#define LOGBUF_STACK_LEVELS	4

struct logbuf_stack_area {
	int level;
	u64 ips[LOGBUF_STACK_LEVELS][2 * LOGBUF_STACK_DEPTH_MAX];
};

struct logbuf_stack_area __percpu *logbuf_stack_alloc(void)
{
	return alloc_percpu_gfp(struct logbuf_stack_area, GFP_KERNEL_ACCOUNT);
}

void logbuf_stack_free(struct logbuf_stack_area __percpu *area)
{
	free_percpu(area);
}

static u32 logbuf_stack_kernel(struct pt_regs *regs, u64 *ips, u32 max)
{
	struct unwind_state state;
	unsigned long addr;
	u32 n = 0;

	if (!regs || user_mode(regs))
		return 0;
	ips[n++] = regs->ip;
	if (regs->flags & X86_EFLAGS_FIXED)
		unwind_start(&state, current, regs, NULL);
	else
		unwind_start(&state, current, NULL, (unsigned long *)regs->sp);
	/* The unwinder stops at the stack's end; @max bounds us anyway. */
	for (; n < max && !unwind_done(&state); unwind_next_frame(&state)) {
		addr = unwind_get_return_address(&state);
		if (!addr)
			break;
		ips[n++] = addr;
	}
	return n;
}

/* The user registers of the event's task, or NULL: none, or not ours. */
static struct pt_regs *logbuf_stack_uregs(struct pt_regs *regs)
{
	struct task_struct *t = current;

	if (regs && user_mode(regs))
		return user_64bit_mode(regs) ? regs : NULL;
	if (!t->mm || (t->flags & (PF_KTHREAD | PF_IO_WORKER | PF_USER_WORKER)))
		return NULL;
	regs = task_pt_regs(t);
	return user_64bit_mode(regs) ? regs : NULL;
}

/*
 * Frame records are [next frame pointer, return address]; each must lie
 * above the last (the walk moves towards the stack's base and ends).
 */
static u32 logbuf_stack_user(const struct pt_regs *uregs, u64 *ips, u32 max)
{
	unsigned long fp = uregs->bp, frame[2];
	u32 n = 0;

	ips[n++] = uregs->ip;
	while (n < max && fp && !(fp & 7) && fp >= uregs->sp) {
		if (copy_from_user_nofault(frame, (void __user *)fp,
					   sizeof(frame)) || !frame[1])
			break;
		ips[n++] = frame[1];
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
	return n;
}

static u32 logbuf_stack_copy(u8 *dst, unsigned long sp, u32 size)
{
	u32 done = 0, n;

	while (done < size) {
		n = min_t(u32, size - done, PAGE_SIZE - offset_in_page(sp + done));
		if (copy_from_user_nofault(dst + done,
					   (void __user *)(sp + done), n))
			break;
		done += n;
	}
	memset(dst + done, 0, size - done);
	return done;
}

/**
 * logbuf_stack_take() - take an event's chains into the CPU's scratch area
 * @st: what to take (@st->flags, @st->depth, @st->ustack) and, on return,
 *	what was taken; logbuf_stack_put() after the record is written.
 * @area: the attachment's scratch areas.
 * @regs: the event's registers.
 *
 * Return: the bytes of struct logbuf_ev_stack that logbuf_stack_write()
 * will write.
 */
u32 logbuf_stack_take(struct logbuf_stack *st,
		      struct logbuf_stack_area __percpu *area,
		      struct pt_regs *regs)
{
	struct logbuf_stack_area *a = this_cpu_ptr(area);
	int level = this_cpu_inc_return(area->level) - 1;

	st->area = area;
	st->nr_kernel = 0;
	st->nr_user = 0;
	st->ips = NULL;
	st->uregs = NULL;
	if (st->flags & LOGBUF_STACK_USER)
		st->uregs = logbuf_stack_uregs(regs);
	if (level >= LOGBUF_STACK_LEVELS) {
		st->flags |= LOGBUF_STACK_NESTED;
	} else {
		st->ips = a->ips[level];
		if (st->flags & LOGBUF_STACK_KERNEL)
			st->nr_kernel = logbuf_stack_kernel(regs, st->ips,
							    st->depth);
		if (st->uregs)
			st->nr_user = logbuf_stack_user(st->uregs,
							st->ips + st->nr_kernel,
							st->depth);
	}
	if (!st->uregs)
		st->ustack = 0;
	return sizeof(struct logbuf_ev_stack) +
	       (st->nr_kernel + st->nr_user) * sizeof(u64) + st->ustack;
}

/* Write what logbuf_stack_take() took to @e, and copy the user stack. */
void logbuf_stack_write(struct logbuf_stack *st, struct logbuf_ev_stack *e)
{
	u32 nr = st->nr_kernel + st->nr_user;

	e->nr_kernel = st->nr_kernel;
	e->nr_user = st->nr_user;
	e->flags = st->flags;
	e->__pad = 0;
	e->ustack_size = st->ustack;
	e->uregs[0] = st->uregs ? st->uregs->ip : 0;
	e->uregs[1] = st->uregs ? st->uregs->sp : 0;
	e->uregs[2] = st->uregs ? st->uregs->bp : 0;
	if (nr)
		memcpy(e->ips, st->ips, nr * sizeof(u64));
	e->ustack_valid = st->ustack ?
		logbuf_stack_copy((u8 *)&e->ips[nr], st->uregs->sp,
				  st->ustack) : 0;
}

/* The scratch area is free again (also when the record was not written). */
void logbuf_stack_put(struct logbuf_stack *st)
{
	this_cpu_dec(st->area->level);
}
