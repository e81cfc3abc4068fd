/* SPDX-License-Identifier: GPL-2.0 */
/* logbuf module internals. */
#ifndef _KMOD_LOGBUF_H
#define _KMOD_LOGBUF_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/linux/logbuf.h>
#include <logbuf/proto.h>

struct logbuf_set;
struct logbuf_kclaim;
struct logbuf_evsrc;

/**
 * struct logbuf_kring - a ring in kernel memory
 * @ref: one reference per end file.
 * @id: unique id, for statistics and messages.
 * @flags: LOGBUF_RING_* given at creation (kernel copy).
 * @capacity: data bytes (kernel copy).
 * @nr_pages: control pages plus data pages.
 * @pages: the pages, charged to the creator's memory cgroup.
 * @vaddr: kernel mapping of all @nr_pages.
 * @rv: kernel view of the parts.  Everything behind @rv.cons, @rv.prod and
 *	@rv.data is writable by user space and read here only as input.
 * @kstate: LOGBUF_STATE_* the kernel relies on; mirrored into meta->state,
 *	never read back from there.
 * @wq: the consumer parks here (poll); producers' poll too.
 * @doorbells: doorbell ioctls served.
 * @wakeups: doorbells that found WAITING set and woke the queue.
 * @polls: poll calls on the consumer end.
 * @sleeps: poll calls that found the ring empty and set WAITING.
 * @errors: corrupt states found.
 * @dropped: records kernel producers dropped.
 * @lost: bytes the kernel consumer gave up on dead claims.
 * @overwritten: overwrite rings: committed records kernel producers
 *	overwrote.
 * @kc: the kernel consumer, for LOGBUF_CREATE_KERNEL_CONS rings.
 * @kp: the kernel producers' state, for LOGBUF_CREATE_KERNEL_PROD rings.
 * @user: the creator's user, whose RLIMIT_MEMLOCK the pages are charged
 *	to (NULL when the creator had CAP_IPC_LOCK: not charged).
 * @owner: the creator's uid: who sees the ring in
 *	/sys/class/misc/logbuf/rings (and as whom, in the reader's
 *	namespace).
 * @uid: @owner in the initial user namespace, for the trace event.
 * @creator: the creator process (a reference), for the same listing.
 * @ends_free: frees what the layer above hung on the ring (@kc, @kp),
 *	called once by the last put (kends.c sets it).
 * @rcu: frees the struct after lookups by id are done with it.
 */
struct logbuf_kring {
	struct kref ref;
	u64 id;
	u32 flags;
	u64 capacity;
	unsigned int nr_pages;
	struct page **pages;
	void *vaddr;
	struct logbuf_rv rv;
	atomic_t kstate;
	wait_queue_head_t wq;
	atomic64_t doorbells;
	atomic64_t wakeups;
	atomic64_t polls;
	atomic64_t sleeps;
	atomic64_t errors;
	atomic64_t dropped;
	atomic64_t lost;
	atomic64_t overwritten;
	struct logbuf_kcons *kc;
	struct logbuf_kprod *kp;
	struct user_struct *user;
	kuid_t owner;
	u32 uid;
	struct pid *creator;
	void (*ends_free)(struct logbuf_kring *r);
	struct rcu_head rcu;
};

/**
 * struct logbuf_ksrc - the event sources attached through a consumer end
 * @tp_events: LOGBUF_EV_* tracepoint sources attached (tpsrc.c; under its
 *	lock).
 * @tp_set: the rings they write into (under the same lock).
 * @evsrc: trace events attached by id (evsrc.c; under its lock).
 *
 * They live and die with the end that attached them: its release
 * detaches them (logbuf_end_release()).
 */
struct logbuf_ksrc {
	u32 tp_events;
	struct logbuf_set *tp_set;
	struct logbuf_evsrc *evsrc;
};

/**
 * struct logbuf_end - one end of a ring, the private data of its file
 * @ring: the ring.
 * @role: LOGBUF_ROLE_PROD or LOGBUF_ROLE_CONS.
 * @src: what a kernel-producer ring's consumer end attached.
 */
struct logbuf_end {
	struct logbuf_kring *ring;
	u32 role;
	struct logbuf_ksrc src;
};

extern unsigned long logbuf_max_capacity;
extern struct workqueue_struct *logbuf_wq;
extern const struct attribute_group *logbuf_dev_groups[];

/* ring.c: the ring itself, the bottom layer. */
struct logbuf_kring *logbuf_kring_new(u64 capacity, u32 flags);
void logbuf_kring_add_state(struct logbuf_kring *r, u32 kbits, u32 ubits);
int logbuf_kring_publish(struct logbuf_kring *r);
void logbuf_kring_discard(struct logbuf_kring *r);
struct logbuf_kring *logbuf_kring_find(u64 id);
void logbuf_kring_put(struct logbuf_kring *r);
void logbuf_kring_set_state(struct logbuf_kring *r, u32 bits);
bool logbuf_kring_test_clear_waiting(struct logbuf_kring *r);
void logbuf_kring_set_waiting(struct logbuf_kring *r);
int logbuf_kring_ready(struct logbuf_kring *r);

/* kends.c: a ring with its kernel ends, published. */
struct logbuf_kring *logbuf_kring_create(u64 capacity, u32 flags, u32 kends);

/* uarg.c: size-versioned ioctl structs, for every ioctl. */
long logbuf_copy_in(void *karg, size_t ksize, void __user *uarg, u32 min);
long logbuf_copy_out(void __user *uarg, void *karg, u32 ksize, u32 min);

/* end.c: the end files user space holds. */
extern const struct file_operations logbuf_end_fops;
struct file *logbuf_end_file(struct logbuf_kring *r, u32 role, int flags);

enum logbuf_drain_next { DRAIN_MORE, DRAIN_IDLE, DRAIN_DONE, DRAIN_BROKEN };

struct logbuf_tracer;
struct logbuf_tracer_ring_ctx;

/**
 * struct logbuf_drain_ops - how a kernel consumer reaches the tracer that
 *	drains it
 * @record: hand over one record, in ring order.
 * @kick: a doorbell: the tracer should drain now.
 * @put: the ring is being freed: drop its reference to the tracer.
 *
 * tracer.c sits above kcons.c: it sets these, kcons.c calls them and never
 * calls into tracer.c by name.
 */
struct logbuf_drain_ops {
	void (*record)(struct logbuf_kring *r,
		       struct logbuf_tracer_ring_ctx *ctx,
		       const void *data, u32 len);
	void (*kick)(struct logbuf_tracer *t);
	void (*put)(struct logbuf_tracer *t);
};

/**
 * struct logbuf_tracer_ring_ctx - what a tracer knows of one of its rings
 * @tracer: the tracer (a reference, dropped when the ring is freed); NULL
 *	for a ring that is no tracer's.
 * @ops: the tracer's side, set before @tracer.
 * @ring: the ring.
 * @node: in the tracer's list while the drain is not done (its lock).
 * @pid: the creating thread's process id, initial namespace.
 * @tid: its thread id.
 */
struct logbuf_tracer_ring_ctx {
	struct logbuf_tracer *tracer;
	const struct logbuf_drain_ops *ops;
	struct logbuf_kring *ring;
	struct list_head node;
	pid_t pid;
	pid_t tid;
};

int logbuf_kcons_new(struct logbuf_kring *r);
enum logbuf_drain_next logbuf_kcons_drain(struct logbuf_kring *r, bool arm,
					  unsigned int *records);
bool logbuf_kcons_settle(struct logbuf_kring *r, enum logbuf_drain_next next);
bool logbuf_kcons_lock(struct logbuf_kring *r);
void logbuf_kcons_unlock(struct logbuf_kring *r);
u64 logbuf_kcons_backlog(struct logbuf_kring *r);
struct logbuf_tracer_ring_ctx *logbuf_kcons_tracer_ctx(struct logbuf_kring *r);
void logbuf_kcons_drain_now(struct logbuf_kring *r);

long logbuf_tracer_create(void __user *uarg);

struct logbuf_tev_def;
int logbuf_tev_declare(const char __user *uname, const char __user *ufields,
		       char __user *ufull, struct logbuf_tev_def **out);
int logbuf_tev_emit(struct logbuf_tev_def *def, pid_t pid, pid_t tid,
		    const u8 *rec, u32 len);
int logbuf_tev_init(void);
void logbuf_tev_exit(void);
void logbuf_kcons_kick(struct logbuf_kring *r);
void logbuf_kcons_abandon(struct logbuf_kring *r);
void logbuf_kcons_free(struct logbuf_kring *r);

int logbuf_kprod_new(struct logbuf_kring *r);
void logbuf_kprod_free(struct logbuf_kring *r);
void logbuf_kprod_set_wakeup(struct logbuf_kring *r, u32 us, u32 bytes);
void logbuf_kprod_get_wakeup(struct logbuf_kring *r, u32 *us, u32 *bytes);
bool logbuf_kprod_poll_due(struct logbuf_kring *r);
void logbuf_kprod_poll_hold(struct logbuf_kring *r);

long logbuf_tp_ioctl(struct logbuf_end *end, void __user *uarg);
void logbuf_tp_detach_all(struct logbuf_ksrc *src);

struct logbuf_stack_area;
struct logbuf_ev_stack;

/**
 * struct logbuf_stack - one event's call stacks while it is written
 *	(stack.c)
 * @flags: LOGBUF_STACK_* to take; then also LOGBUF_STACK_NESTED.
 * @depth: frames per chain at most.
 * @ustack: user stack bytes to copy; 0 if there is no user context.
 * @nr_kernel: kernel frames taken.
 * @nr_user: user frames taken.
 * @ips: the frames, in the CPU's scratch area.
 * @uregs: the user registers, or NULL.
 * @area: the scratch areas.
 */
struct logbuf_stack {
	u32 flags;
	u32 depth;
	u32 ustack;
	u32 nr_kernel;
	u32 nr_user;
	u64 *ips;
	struct pt_regs *uregs;
	struct logbuf_stack_area __percpu *area;
};

struct logbuf_stack_area __percpu *logbuf_stack_alloc(void);
void logbuf_stack_free(struct logbuf_stack_area __percpu *area);
u32 logbuf_stack_take(struct logbuf_stack *st,
		      struct logbuf_stack_area __percpu *area,
		      struct pt_regs *regs);
void logbuf_stack_write(struct logbuf_stack *st, struct logbuf_ev_stack *e);
void logbuf_stack_put(struct logbuf_stack *st);

long logbuf_evsrc_ioctl(struct logbuf_end *end, void __user *uarg);
void logbuf_evsrc_detach(struct logbuf_ksrc *src);
int logbuf_evsrc_init(void);
void logbuf_evsrc_exit(void);

/**
 * struct logbuf_loss - events a source dropped in one ring, not yet in a
 *	loss record (Documentation/userspace-api/logbuf.rst, "Loss records")
 * @count: how many; a report takes them all with one exchange.
 * @first_ns: when the first of them fired; 0 until one did.
 * @last_ns: when the last did.
 */
struct logbuf_loss {
	atomic64_t count;
	atomic64_t first_ns;
	atomic64_t last_ns;
};

/**
 * struct logbuf_set - where an event source's records go
 * @ns: the attaching task's pid namespace (a reference): records carry
 *	thread and process ids as it sees them, 0 for tasks outside it.
 * @source: struct logbuf_ev_loss.source of its loss records.
 * @nr: rings in @rings, 1 .. nr_cpu_ids.
 * @loss: one per ring: what the source dropped there.
 * @rings: an event on CPU c goes into @rings[c % @nr]; one reference each.
 */
struct logbuf_set {
	struct pid_namespace *ns;
	u32 source;
	unsigned int nr;
	struct logbuf_loss *loss;
	struct logbuf_kring *rings[];
};

struct logbuf_set *logbuf_set_new(struct logbuf_kring *r, u64 ring_fds,
				  u32 nr_rings, u32 source);
void logbuf_set_free(struct logbuf_set *set);
void *logbuf_set_reserve(struct logbuf_set *set, struct logbuf_kring **rp,
			 u32 len, struct logbuf_kclaim *c);
void *logbuf_set_reserve_on(struct logbuf_set *set, unsigned int i,
			    struct logbuf_kring **rp, u32 len,
			    struct logbuf_kclaim *c);

void *__logbuf_reserve(struct logbuf_kring *r, u32 len,
		       struct logbuf_kclaim *c, bool count_drop);
void logbuf_kring_drop(struct logbuf_kring *r);

/*
 * @t's thread id and process id as the attaching task sees them (perf's
 * rule, perf_event_pid()): 0 for a task outside its pid namespace.  Any
 * context: the lookup is RCU, which NMIs may use.
 */
static inline u32 logbuf_set_pid(const struct logbuf_set *set,
				 struct task_struct *t)
{
	/* The initial namespace sees the global ids: no lookup. */
	if (set->ns == &init_pid_ns)
		return t->pid;
	return task_pid_nr_ns(t, set->ns);
}

static inline u32 logbuf_set_tgid(const struct logbuf_set *set,
				  struct task_struct *t)
{
	if (set->ns == &init_pid_ns)
		return t->tgid;
	return task_tgid_nr_ns(t, set->ns);
}

#endif /* _KMOD_LOGBUF_H */
