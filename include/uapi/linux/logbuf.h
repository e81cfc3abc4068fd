/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * logbuf: variable-length records from producers to one consumer through a
 * lock-free ring shared by the kernel and user space.
 *
 * This header is the ABI.  It defines the record format, the shared control
 * pages and the /dev/logbuf ioctls.  See Documentation/userspace-api/logbuf.rst.
 */
#ifndef _UAPI_LINUX_LOGBUF_H
#define _UAPI_LINUX_LOGBUF_H

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * Record format
 * -------------
 * The data area is a power-of-two byte array indexed by free-running 64-bit
 * positions (offset = pos & (capacity - 1)).  Every record starts 8-byte
 * aligned with a struct logbuf_hdr, followed by the payload, padded to the
 * next multiple of 8.  A record never wraps: when it does not fit before the
 * end of the array, the producer covers the rest with a skip record and puts
 * the record at offset 0.
 */

/**
 * struct logbuf_hdr - header in front of every record
 * @len: commit word.  0: the space is claimed but not committed yet (or
 *	free).  LOGBUF_SKIP clear: a committed record of @len payload bytes.
 *	LOGBUF_SKIP set: a skip record; the consumer advances by
 *	(@len & LOGBUF_LEN_MASK) bytes, header included.  Skip records cover
 *	the padding at the wrap and aborted claims; they never reach users.
 * @claim: bytes this claim covers, header and padding included, written by
 *	the producer right after it claims, before it commits.  Consumers
 *	read it only when no producer is left (LOGBUF_STATE_NO_PROD) and the
 *	head is stuck at an uncommitted claim: the claim is then dead and
 *	@claim says how far to skip.  0 if the producer died before writing it.
 */
struct logbuf_hdr {
	__u32 len;
	__u32 claim;
};

#define LOGBUF_HDR_SIZE		8
#define LOGBUF_ALIGN		8
#define LOGBUF_SKIP		0x80000000U
#define LOGBUF_LEN_MASK		0x7fffffffU

/* Largest capacity the format can describe: a skip covers at most 2^31-8. */
#define LOGBUF_MIN_CAPACITY	64ULL
#define LOGBUF_MAX_CAPACITY	(1ULL << 30)

/*
 * Shared control area
 * -------------------
 * Three control pages precede the data area, so that each owner's words sit
 * on a page of their own and mmap can give each side exactly the access its
 * role needs:
 *
 *   offset 0             struct logbuf_meta   written by the kernel only
 *   offset 1 * PAGE      struct logbuf_cons   written by the consumer
 *   offset 2 * PAGE      struct logbuf_prod   written by the producers
 *   offset 3 * PAGE      data, capacity bytes written by both
 *
 * A ring in ordinary memory (liblogbuf's heap rings) uses the same structs,
 * each on its own cache line.
 */
#define LOGBUF_CTL_PAGES	3
#define LOGBUF_PGOFF_META	0
#define LOGBUF_PGOFF_CONS	1
#define LOGBUF_PGOFF_PROD	2
#define LOGBUF_PGOFF_DATA	3

#define LOGBUF_MAGIC		0x4c4f4742U	/* "LOGB" */
#define LOGBUF_VERSION		1

/* logbuf_meta.ring_flags and logbuf_create.flags: the ring's shape. */
#define LOGBUF_RING_MPSC	(1U << 0)	/* several producers (CAS) */
#define LOGBUF_RING_ALL		(LOGBUF_RING_MPSC)
/*
 * logbuf_meta.ring_flags only: an overwrite ring (LOGBUF_CREATE_OVERWRITE),
 * laid out as described under "Overwrite rings" below.
 */
#define LOGBUF_RING_OVERWRITE	(1U << 1)

/* logbuf_meta.state */
#define LOGBUF_STATE_WAITING	(1U << 0)	/* consumer parked: ring doorbell */
#define LOGBUF_STATE_NO_PROD	(1U << 1)	/* every producer end closed */
#define LOGBUF_STATE_NO_CONS	(1U << 2)	/* the consumer end closed */
#define LOGBUF_STATE_BROKEN	(1U << 3)	/* kernel found corrupt state */
#define LOGBUF_STATE_KERNEL_CONS (1U << 4)	/* the kernel is the consumer */
#define LOGBUF_STATE_KERNEL_PROD (1U << 5)	/* the kernel is the producer */

/**
 * struct logbuf_meta - read-only description and state, written by the kernel
 * @magic: LOGBUF_MAGIC.
 * @version: LOGBUF_VERSION of the layout.
 * @capacity: size of the data area in bytes, a power of two.
 * @ring_flags: LOGBUF_RING_* the ring was created with.
 * @state: LOGBUF_STATE_* bits.  WAITING is set by the kernel when a consumer
 *	is about to sleep in poll() and cleared by the doorbell.
 * @data_offset: mmap offset of the data area in bytes.
 * @ow_key: overwrite rings: the random key records are stamped with; 0 in
 *	other rings.  Only the consumer's mapping shows it.
 * @__reserved: 0.
 */
struct logbuf_meta {
	__u32 magic;
	__u32 version;
	__u64 capacity;
	__u32 ring_flags;
	__u32 state;
	__u64 data_offset;
	__u64 ow_key;
	__u64 __reserved[3];
};

/**
 * struct logbuf_cons - the consumer's page
 * @head: position of the oldest unconsumed byte.  Published (release) after
 *	the consumed region was zeroed; producers load it (acquire) before
 *	writing into space it frees.
 * @records: records consumed (statistics, maintained by the consumer).
 * @bytes: payload bytes consumed (statistics).
 * @skips: skip records passed over, dead claims included (statistics).
 * @lost: bytes given up because a dead claim could not be measured
 *	(statistics; see struct logbuf_hdr's @claim).
 * @__reserved: 0.
 */
struct logbuf_cons {
	__u64 head;
	__u64 records;
	__u64 bytes;
	__u64 skips;
	__u64 lost;
	__u64 __reserved[3];
};

/**
 * struct logbuf_prod - the producers' page
 * @tail: position of the next byte to claim.  MPSC producers claim space with
 *	a compare-and-swap on it.
 * @full: claims refused because the ring was full (statistics).
 * @aborts: claims aborted (statistics).
 * @dropped: records kernel producers dropped because the ring was full.
 *	Written by the kernel only (rings fed by kernel producers).
 * @ow_head: overwrite rings: position of the oldest record still whole;
 *	written by the kernel only.  0 in other rings.
 * @__reserved: 0.
 */
struct logbuf_prod {
	__u64 tail;
	__u64 full;
	__u64 aborts;
	__u64 dropped;
	__u64 ow_head;
	__u64 __reserved[3];
};

/*
 * Overwrite rings (flight recorder)
 * ---------------------------------
 * A ring created with LOGBUF_CREATE_OVERWRITE | LOGBUF_CREATE_KERNEL_PROD:
 * kernel producers never wait for the consumer; when the ring is full the
 * newest record overwrites the oldest.  The consumer's mapping of the data
 * and producer pages is read-only, the consumer never zeroes nor publishes a
 * head, and reads by copying, checking afterwards that the copy was not
 * overwritten (Documentation/userspace-api/logbuf.rst, "Overwrite rings"):
 *
 * - Every record starts with a struct logbuf_ow_hdr: the commit word as in
 *   struct logbuf_hdr, then @stamp = position ^ logbuf_meta.ow_key, written
 *   after the commit word was cleared and before the payload.  A header
 *   whose stamp is not its own position's belongs to another lap.
 * - logbuf_prod.tail is the claim position itself (the kernel moves it with
 *   compare-and-swap before it writes a byte of the claim): a record at
 *   position p that was read while tail - p <= capacity was whole.
 * - Where fewer than LOGBUF_OW_MIN_TOTAL bytes are left before the end of
 *   the array, nothing is written: the next record is at offset 0.
 * - logbuf_prod.ow_head is the oldest record still whole.  Producers move it
 *   past a record only once that record is committed, and claim only up to
 *   ow_head + capacity, so a record is never written after its bytes were
 *   given to a newer one: when the oldest record is still being written,
 *   the newest is dropped (counted in logbuf_prod.dropped).
 */
struct logbuf_ow_hdr {
	__u32 len;
	__u32 claim;
	__u64 stamp;
};

#define LOGBUF_OW_HDR_SIZE	16
#define LOGBUF_OW_MIN_TOTAL	24	/* the smallest record: 1 byte */

/* ioctls on /dev/logbuf */

/* logbuf_create.flags, in addition to LOGBUF_RING_* */
#define LOGBUF_CREATE_NO_CLOEXEC	(1U << 8)	/* ends without O_CLOEXEC */
#define LOGBUF_CREATE_NONBLOCK		(1U << 9)	/* ends with O_NONBLOCK */
/* The kernel consumes: no consumer end; records go to ftrace or a module. */
#define LOGBUF_CREATE_KERNEL_CONS	(1U << 10)
/* The kernel produces: no producer end (tracepoints, kernel modules). */
#define LOGBUF_CREATE_KERNEL_PROD	(1U << 11)
/* With KERNEL_PROD only: the newest record overwrites the oldest. */
#define LOGBUF_CREATE_OVERWRITE		(1U << 12)
/*
 * With KERNEL_PROD only: struct logbuf_create's @wakeup_us and
 * @wakeup_bytes set the ring's wake-up policy; without it the module's
 * defaults apply (the module parameter wakeup_us, and capacity / 4).
 */
#define LOGBUF_CREATE_WAKEUP		(1U << 13)
#define LOGBUF_CREATE_ALL		(LOGBUF_RING_ALL | \
					 LOGBUF_CREATE_NO_CLOEXEC | \
					 LOGBUF_CREATE_NONBLOCK | \
					 LOGBUF_CREATE_KERNEL_CONS | \
					 LOGBUF_CREATE_KERNEL_PROD | \
					 LOGBUF_CREATE_OVERWRITE | \
					 LOGBUF_CREATE_WAKEUP)

/*
 * Wake-up policy of a kernel-producer ring.  A consumer parked in poll,
 * select or epoll is woken when the unread bytes reach @wakeup_bytes, or
 * @wakeup_us after the first record committed while it slept, whichever
 * comes first; 0 us wakes it at every such record.  Records are never
 * held back from a consumer that is awake, only its wake-up is.
 */
#define LOGBUF_WAKEUP_MAX_US		10000000	/* 10 s */

/**
 * struct logbuf_create - argument of LOGBUF_IOC_CREATE
 * @size: sizeof(struct logbuf_create) as the caller knows it.  Older (shorter)
 *	structs are accepted; a longer one is accepted if the bytes the kernel
 *	does not know are zero (else E2BIG).
 * @flags: LOGBUF_RING_* and LOGBUF_CREATE_* bits; others: EOPNOTSUPP.
 * @capacity: bytes of data area: a power of two, a multiple of the page size,
 *	at most the module parameter max_capacity.
 * @prod_fd: out: file descriptor of the producer end, -1 with
 *	LOGBUF_CREATE_KERNEL_PROD.
 * @cons_fd: out: file descriptor of the consumer end, -1 with
 *	LOGBUF_CREATE_KERNEL_CONS.
 * @wakeup_us: with LOGBUF_CREATE_WAKEUP: the longest a parked consumer
 *	sleeps past a record, 0 .. LOGBUF_WAKEUP_MAX_US (0: wake at once);
 *	else must be 0.
 * @wakeup_bytes: with LOGBUF_CREATE_WAKEUP: unread bytes that wake a
 *	parked consumer at once, 0 .. @capacity (0: @capacity / 4); else
 *	must be 0.
 * @__reserved: must be 0.
 */
struct logbuf_create {
	__u32 size;
	__u32 flags;
	__u64 capacity;
	__s32 prod_fd;
	__s32 cons_fd;
	__u32 wakeup_us;
	__u32 wakeup_bytes;
	__u64 __reserved;
};

#define LOGBUF_CREATE_SIZE_VER0	40	/* first published size */

/**
 * struct logbuf_stats - argument of LOGBUF_IOC_STATS
 * @size: in: sizeof(struct logbuf_stats) as the caller knows it; out: bytes
 *	the kernel filled in.
 * @state: LOGBUF_STATE_* bits.
 * @capacity: data area size.
 * @head: consumer position as last published (untrusted copy).
 * @tail: producer position as last published (untrusted copy).
 * @records_consumed: from the consumer page (untrusted copy).
 * @bytes_consumed: from the consumer page (untrusted copy).
 * @skips: from the consumer page (untrusted copy).
 * @full: from the producer page (untrusted copy).
 * @aborts: from the producer page (untrusted copy).
 * @doorbells: doorbell ioctls served.
 * @wakeups: doorbells that found the consumer waiting and woke it.
 * @polls: poll() calls on the consumer end.
 * @sleeps: poll() calls that found the ring empty and set WAITING.
 * @errors: times the kernel found the shared state corrupt.
 * @dropped: records kernel producers dropped because the ring was full.
 * @lost: bytes consumers gave up recovering from dead claims (the kernel
 *	consumer's own count, or the user consumer's untrusted one).
 * @overwritten: overwrite rings: records kernel producers overwrote (the
 *	flight recorder's events that are gone), each counted once.
 */
struct logbuf_stats {
	__u32 size;
	__u32 state;
	__u64 capacity;
	__u64 head;
	__u64 tail;
	__u64 records_consumed;
	__u64 bytes_consumed;
	__u64 skips;
	__u64 full;
	__u64 aborts;
	__u64 doorbells;
	__u64 wakeups;
	__u64 polls;
	__u64 sleeps;
	__u64 errors;
	__u64 dropped;
	__u64 lost;
	__u64 overwritten;
};

/* logbuf_info.role */
#define LOGBUF_ROLE_PROD	1	/* producer end */
#define LOGBUF_ROLE_CONS	2	/* consumer end */

/**
 * struct logbuf_info - argument of LOGBUF_IOC_INFO
 * @size: in: sizeof(struct logbuf_info) as the caller knows it; out: bytes
 *	the kernel filled in.
 * @role: LOGBUF_ROLE_* of this end.
 * @ring_flags: LOGBUF_RING_* of the ring.
 * @version: LOGBUF_VERSION of the layout.
 * @capacity: data area size in bytes.
 * @mmap_size: bytes of the whole mapping (control pages and data).
 * @data_offset: mmap offset of the data area.
 * @id: ring identifier, unique while the module is loaded.
 * @wakeup_us: a kernel-producer ring's wake-up bound (0: at once).
 * @wakeup_bytes: its unread bytes that wake at once (0: other rings).
 */
struct logbuf_info {
	__u32 size;
	__u32 role;
	__u32 ring_flags;
	__u32 version;
	__u64 capacity;
	__u64 mmap_size;
	__u64 data_offset;
	__u64 id;
	__u32 wakeup_us;
	__u32 wakeup_bytes;
};

/*
 * Tracepoint sources (LOGBUF_IOC_ATTACH): each event is one record that
 * starts with struct logbuf_ev.
 */
#define LOGBUF_EV_SCHED_SWITCH	(1U << 0)	/* sched:sched_switch */
#define LOGBUF_EV_EXEC		(1U << 1)	/* sched:sched_process_exec */
#define LOGBUF_EV_SYS_ENTER	(1U << 2)	/* raw_syscalls:sys_enter */
#define LOGBUF_EV_ALL		(LOGBUF_EV_SCHED_SWITCH | LOGBUF_EV_EXEC | \
				 LOGBUF_EV_SYS_ENTER)

/**
 * struct logbuf_ev - header of every tracepoint record
 * @ts_ns: ktime_get_ns() when the event fired.
 * @type: one LOGBUF_EV_* bit.
 * @size: bytes of the whole record, this header included.
 * @cpu: CPU it fired on.
 * @pid: thread id of the current task.
 * @tgid: its process id.
 */
struct logbuf_ev {
	__u64 ts_ns;
	__u16 type;
	__u16 size;
	__u32 cpu;
	__u32 pid;
	__u32 tgid;
};

/**
 * struct logbuf_ev_switch - LOGBUF_EV_SCHED_SWITCH
 * @ev: header; @ev.pid is @prev_pid.
 * @prev_pid: task switched out.
 * @next_pid: task switched in.
 * @prev_prio: its priority.
 * @next_prio: its priority.
 * @prev_state: state of the task switched out (TASK_* bits).
 * @preempt: 1 if it was preempted.
 * @__pad: 0.
 * @prev_comm: its command name.
 * @next_comm: its command name.
 */
struct logbuf_ev_switch {
	struct logbuf_ev ev;
	__u32 prev_pid;
	__u32 next_pid;
	__s32 prev_prio;
	__s32 next_prio;
	__u32 prev_state;
	__u32 preempt;
	__u64 __pad;
	char prev_comm[16];
	char next_comm[16];
};

/**
 * struct logbuf_ev_exec - LOGBUF_EV_EXEC
 * @ev: header; @ev.pid is the task that exec'd.
 * @old_pid: its pid before the exec (differs for a non-leader thread).
 * @filename_len: bytes of @filename, without a terminating NUL.
 * @filename: the file exec'd, at most 256 bytes, not NUL-terminated.
 */
struct logbuf_ev_exec {
	struct logbuf_ev ev;
	__u32 old_pid;
	__u32 filename_len;
	char filename[];
};

#define LOGBUF_EV_EXEC_MAX	256

/**
 * struct logbuf_ev_syscall - LOGBUF_EV_SYS_ENTER
 * @ev: header; @ev.pid is the caller.
 * @id: system call number.
 * @args: its six arguments.
 */
struct logbuf_ev_syscall {
	struct logbuf_ev ev;
	__s64 id;
	__u64 args[6];
};

/**
 * struct logbuf_attach - argument of LOGBUF_IOC_ATTACH
 * @size: sizeof(struct logbuf_attach) as the caller knows it.
 * @events: LOGBUF_EV_* to stream into this ring; 0 detaches all.
 * @__reserved: must be 0.
 * @ring_fds: 0, or a pointer to @nr_rings consumer-end file descriptors
 *	of kernel-producer rings (this ring's may be one of them): an event
 *	that fires on CPU c goes into the ring of ring_fds[c % @nr_rings]
 *	instead of this one.  With one ring per possible CPU no two CPUs
 *	share a tail (perf's layout); the consumer merges by @ts_ns.  The
 *	attachment holds the rings until it is detached (events 0, or the
 *	last close of this consumer end).
 * @nr_rings: how many, 1 .. the number of possible CPUs; 0 with @ring_fds 0.
 * @__pad: must be 0.
 */
struct logbuf_attach {
	__u32 size;
	__u32 events;
	__u64 __reserved;
	__u64 ring_fds;
	__u32 nr_rings;
	__u32 __pad;
};

/*
 * Any trace event (LOGBUF_IOC_ATTACH_EVENTS): each event is one record,
 * struct logbuf_ev_raw.
 */
#define LOGBUF_EV_RAW		(1U << 15)

/**
 * struct logbuf_ev_raw - a trace event's record, type LOGBUF_EV_RAW
 * @ev: header: @ev.ts_ns is CLOCK_MONOTONIC, as for the other sources
 *	(read with ktime_get_mono_fast_ns(): safe in NMI), @ev.cpu the CPU
 *	it fired on,
 *	@ev.pid and @ev.tgid the current task's (in interrupt context: the
 *	interrupted task's), @ev.size the whole record, 8-byte aligned.
 * @id: the event's id, as in tracefs events/<system>/<event>/id.
 * @raw_size: bytes of @raw.
 * @raw: the event's fields exactly as the kernel lays them out for
 *	tracefs (events/<system>/<event>/format), starting with common_type.
 */
struct logbuf_ev_raw {
	struct logbuf_ev ev;
	__u32 id;
	__u32 raw_size;
	__u8 raw[];
};

/*
 * Loss records: when a source (LOGBUF_IOC_ATTACH or _ATTACH_EVENTS) finds
 * a ring full, the events it drops are counted for that ring, and the next
 * record it writes there is preceded by one struct logbuf_ev_loss with how
 * many; at the detach it writes what is still counted.  In a ring only
 * sources write, the @lost of all its loss records add up to the ring's
 * dropped count (struct logbuf_stats), less what was still counted when
 * the ring had no room even at the detach.
 */
#define LOGBUF_EV_LOSS		(1U << 14)

/**
 * struct logbuf_ev_loss - events a source dropped, type LOGBUF_EV_LOSS
 * @ev: header: @ev.ts_ns when this record was written, @ev.cpu the CPU
 *	that wrote it, @ev.pid and @ev.tgid 0.
 * @lost: events dropped in this ring since the source's previous loss
 *	record in it.
 * @first_ns: when the first of them fired (CLOCK_MONOTONIC, as @ev.ts_ns).
 * @last_ns: when the last did.  Both bound the gap, except that with
 *	several CPUs dropping into one ring at once a bound may be off by the
 *	time the race took.
 * @source: LOGBUF_EV_RAW for trace events (LOGBUF_IOC_ATTACH_EVENTS),
 *	else the LOGBUF_EV_* bits of the LOGBUF_IOC_ATTACH that dropped them.
 * @__pad: 0.
 */
struct logbuf_ev_loss {
	struct logbuf_ev ev;
	__u64 lost;
	__u64 first_ns;
	__u64 last_ns;
	__u32 source;
	__u32 __pad;
};

/*
 * CPU hotplug (LOGBUF_IOC_ATTACH_EVENTS): a CPU of the attachment's set
 * that comes online is traced from a struct logbuf_ev_cpu with @online 1
 * on; one that goes offline is released, with @online 0, in the ring of
 * that CPU.
 */
#define LOGBUF_EV_CPU		(1U << 13)

/**
 * struct logbuf_ev_cpu - a CPU traced from here, or no longer
 * @ev: header: @ev.cpu is the CPU concerned, @ev.pid and @ev.tgid 0.
 * @online: 1: its events are traced from @ev.ts_ns on; 0: it went offline
 *	and its counters are released.
 * @__pad: 0.
 */
struct logbuf_ev_cpu {
	struct logbuf_ev ev;
	__u32 online;
	__u32 __pad;
};

/*
 * Call stacks (struct logbuf_attach_events @stacks): an event asked to
 * carry them has, after its @raw (from offset ALIGN(sizeof(struct
 * logbuf_ev_raw) + @raw_size, 8) to @ev.size), one struct logbuf_ev_stack.
 * A record without stacks ends at that offset, so a reader that knows
 * nothing of stacks reads it as before.
 */
#define LOGBUF_STACK_KERNEL	(1U << 0)	/* the kernel's call chain */
#define LOGBUF_STACK_USER	(1U << 1)	/* the user call chain, copy */
#define LOGBUF_STACK_ALL	(LOGBUF_STACK_KERNEL | LOGBUF_STACK_USER)
/* In struct logbuf_ev_stack @flags only: the chains could not be taken. */
#define LOGBUF_STACK_NESTED	(1U << 8)
/* Frames per chain at most (kernel and user each), as perf's default. */
#define LOGBUF_STACK_DEPTH_MAX	127
/* User stack bytes an event may copy at most (a multiple of 8). */
#define LOGBUF_USTACK_MAX	32768

/**
 * struct logbuf_ev_stack - the call stacks of one event
 * @nr_kernel: kernel return addresses at the start of @ips, innermost
 *	first, the first the address the event fired at: as perf's kernel
 *	callchain, through the kernel's unwinder.  0 when the event fired in
 *	user mode (uprobes) or with user registers (syscall tracepoints).
 * @nr_user: user addresses after them, innermost first, the first the user
 *	instruction pointer: a walk of the frame pointers.  It is right only
 *	for code that keeps them; the copy below serves the rest.
 * @flags: the LOGBUF_STACK_* bits asked for the event, and
 *	LOGBUF_STACK_NESTED if it fired inside more than three events of the
 *	same attachment on the CPU (NMI in interrupt in softirq): no chains.
 * @__pad: 0.
 * @ustack_size: bytes reserved after @ips for the user stack copy (struct
 *	logbuf_attach_events @ustack_size), 0 without a user context.
 * @ustack_valid: bytes of it copied from the user stack pointer up; the
 *	rest, where the stack ends or is not resident, are 0.
 * @uregs: the user context's instruction, stack and frame pointers (x86-64
 *	rip, rsp, rbp), to unwind the copy with the program's call frame
 *	information (DWARF CFI); 0 without a user context.
 * @ips: @nr_kernel + @nr_user addresses, then @ustack_size bytes.
 */
struct logbuf_ev_stack {
	__u16 nr_kernel;
	__u16 nr_user;
	__u16 flags;
	__u16 __pad;
	__u32 ustack_size;
	__u32 ustack_valid;
	__u64 uregs[3];
	__u64 ips[];
};

/* Largest @raw_size a record carries; bigger events are dropped, counted. */
#define LOGBUF_EV_RAW_MAX	4096
/* Events one LOGBUF_IOC_ATTACH_EVENTS may name. */
#define LOGBUF_EVENTS_MAX	64

/**
 * struct logbuf_attach_events - argument of LOGBUF_IOC_ATTACH_EVENTS
 * @size: sizeof(struct logbuf_attach_events) as the caller knows it.
 * @nr_ids: events in @ids, 1 .. LOGBUF_EVENTS_MAX; 0 detaches them all.
 * @ids: a pointer to @nr_ids __u32 event ids (tracefs
 *	events/<system>/<event>/id).
 * @tgid: only events that fire while a thread of this process runs; 0:
 *	any.
 * @tid: only events that fire while this thread runs; 0: any.
 * @cpus: 0 for every CPU, or a pointer to a CPU bitmap of @cpus_size
 *	bytes (CPU n is bit n % 8 of byte n / 8), all online now: events only
 *	on those CPUs (the others do not trace at all).  Each is traced while
 *	it is online, also when it comes back (struct logbuf_ev_cpu).
 * @cpus_size: its size in bytes, at most 1024.
 * @nr_rings: as struct logbuf_attach: 0, or the number of rings in
 *	@ring_fds, one per CPU.
 * @ring_fds: as struct logbuf_attach.
 * @instance: 0, or a pointer to the NUL-terminated name (below
 *	LOGBUF_INSTANCE_MAX bytes) of an existing trace instance
 *	(/sys/kernel/tracing/instances/<name>): each event then applies the
 *	filter expression written to that instance's
 *	events/<system>/<event>/filter, in the kernel, before it takes ring
 *	space.  The filter may be written or changed at any time; the
 *	instance cannot be removed while attached.
 * @__reserved: must be 0.
 * @stacks: 0, or a pointer to @nr_ids __u32: for the event at the same
 *	index of @ids, 0 or LOGBUF_STACK_KERNEL and/or LOGBUF_STACK_USER
 *	(struct logbuf_ev_stack).
 * @stack_depth: frames per chain at most, 0 for LOGBUF_STACK_DEPTH_MAX.
 * @ustack_size: with LOGBUF_STACK_USER, bytes of the user stack each event
 *	copies (a multiple of 8, at most LOGBUF_USTACK_MAX; 0: none, frame
 *	pointers only).
 */
struct logbuf_attach_events {
	__u32 size;
	__u32 nr_ids;
	__u64 ids;
	__s32 tgid;
	__s32 tid;
	__u64 cpus;
	__u32 cpus_size;
	__u32 nr_rings;
	__u64 ring_fds;
	__u64 instance;
	__u64 __reserved;
	__u64 stacks;
	__u32 stack_depth;
	__u32 ustack_size;
};

#define LOGBUF_INSTANCE_MAX	256

/*
 * Tracers (LOGBUF_IOC_TRACER): typed events from a program's threads into
 * the kernel's trace buffer.  A tracer is a file; on it a program declares
 * events (LOGBUF_IOC_EVENT_NEW), which the module creates as synthetic
 * trace events (events/synthetic/<name>, with a format file), and makes
 * one single-producer ring per thread (LOGBUF_IOC_TRACER_RING).  The
 * kernel drains the tracer's rings on ticks while they are busy and arms
 * their doorbells only after an idle tick, so a producer commits and then
 * looks at LOGBUF_STATE_WAITING with a plain load, no barrier
 * (Documentation/userspace-api/logbuf.rst, "Typed events").
 *
 * Each record of a tracer ring is a struct logbuf_tev followed by the
 * event's field values in the order they were declared, packed:
 *   s8 u8 s16 u16 s32 u32 s64 u64   the value, native byte order;
 *   char name[N]                    __u16 length (at most N - 1), bytes;
 *   char name[]                     __u16 length (at most
 *                                   LOGBUF_TEV_STR_MAX), bytes;
 *   u8 name[N]                      N bytes (shown as hex).
 * A record the kernel cannot decode is counted (logbuf_stats.errors of
 * its ring) and skipped; it never stops the drain.
 */
#define LOGBUF_TEV_NAME_MAX	48	/* an event's name, without NUL */
#define LOGBUF_TEV_FULL_MAX	64	/* its name in tracefs, with NUL */
#define LOGBUF_TEV_SPEC_MAX	512	/* the field declarations, with NUL */
#define LOGBUF_TEV_FIELDS_MAX	16	/* fields, the two implicit ones aside */
#define LOGBUF_TEV_STR_MAX	1024	/* bytes of a variable string */
#define LOGBUF_TEV_ARRAY_MAX	256	/* N of char[N] and u8[N] */

/**
 * struct logbuf_tev - the start of every record in a tracer ring
 * @event: the event's number in this tracer (LOGBUF_IOC_EVENT_NEW's @id).
 */
struct logbuf_tev {
	__u32 event;
};

/**
 * struct logbuf_tracer_new - argument of LOGBUF_IOC_TRACER
 * @size: sizeof(struct logbuf_tracer_new) as the caller knows it.
 * @flags: LOGBUF_CREATE_NO_CLOEXEC or 0.
 * @fd: out: the tracer's file descriptor.
 * @__pad: must be 0.
 * @__reserved: must be 0.
 */
struct logbuf_tracer_new {
	__u32 size;
	__u32 flags;
	__s32 fd;
	__u32 __pad;
	__u64 __reserved[2];
};

/**
 * struct logbuf_tracer_ring - argument of LOGBUF_IOC_TRACER_RING
 * @size: sizeof(struct logbuf_tracer_ring) as the caller knows it.
 * @flags: LOGBUF_CREATE_NO_CLOEXEC or 0.
 * @capacity: as struct logbuf_create's (charged to RLIMIT_MEMLOCK).
 * @prod_fd: out: the producer end of a new single-producer ring whose
 *	records the kernel drains as this tracer's events, stamped with the
 *	calling thread's ids.
 * @__pad: must be 0.
 * @__reserved: must be 0.
 */
struct logbuf_tracer_ring {
	__u32 size;
	__u32 flags;
	__u64 capacity;
	__s32 prod_fd;
	__u32 __pad;
	__u64 __reserved[2];
};

/**
 * struct logbuf_event_new - argument of LOGBUF_IOC_EVENT_NEW
 * @size: sizeof(struct logbuf_event_new) as the caller knows it.
 * @id: out: the event's number in this tracer, for struct logbuf_tev.
 * @name: pointer to the event's NUL-terminated name: [A-Za-z_][A-Za-z0-9_]*,
 *	at most LOGBUF_TEV_NAME_MAX bytes.
 * @fields: pointer to its NUL-terminated field declarations, as in
 *	tracefs's synthetic_events: "u64 lat_ns; char path[]; char comm[16]",
 *	at most LOGBUF_TEV_FIELDS_MAX fields, types as under struct
 *	logbuf_tev.  Every event also has two fields of its own first:
 *	pid_t pid and pid_t tid, the producing thread's (initial namespace).
 * @full_name: out: pointer to LOGBUF_TEV_FULL_MAX bytes for the name the
 *	event has in tracefs (events/synthetic/<full_name>): @name itself for
 *	a caller with CAP_SYS_ADMIN, else "u<uid>_" then @name, so that no
 *	user can take or shadow another's event.  0: not wanted.
 * @__reserved: must be 0.
 *
 * An event lives until the module is unloaded: a program that declares it
 * again (same owner, same fields) gets the same event.  Another owner's
 * name, or the same name with other fields: EEXIST.
 */
struct logbuf_event_new {
	__u32 size;
	__u32 id;
	__u64 name;
	__u64 fields;
	__u64 full_name;
	__u64 __reserved;
};

#define LOGBUF_IOC_MAGIC	0xb7
/* On /dev/logbuf: make a ring and its two ends. */
#define LOGBUF_IOC_CREATE	_IOWR(LOGBUF_IOC_MAGIC, 0x01, struct logbuf_create)
/* On a producer end: wake a consumer parked in poll(). */
#define LOGBUF_IOC_DOORBELL	_IO(LOGBUF_IOC_MAGIC, 0x02)
/*
 * On either end: copy statistics.  The number keeps the size of struct
 * logbuf_stats as 0.x published it (128 bytes) whatever the struct's size
 * now: its size field says how much of it the caller knows.
 */
#define LOGBUF_IOC_STATS	_IOWR(LOGBUF_IOC_MAGIC, 0x03, __u64[16])
/* On either end: which end, and how to map it. */
#define LOGBUF_IOC_INFO		_IOWR(LOGBUF_IOC_MAGIC, 0x04, struct logbuf_info)
/*
 * On the consumer end of a kernel-producer ring: stream kernel tracepoints
 * into it.  Needs CAP_PERFMON or CAP_SYS_ADMIN.  The number keeps the size
 * of the first struct logbuf_attach (16 bytes) whatever the struct's size
 * now: its size field says how much of it the caller knows.
 */
#define LOGBUF_IOC_ATTACH	_IOW(LOGBUF_IOC_MAGIC, 0x06, __u64[2])
/*
 * On the consumer end of a kernel-producer ring: stream any trace events,
 * by id, into it (or its ring set).  Needs CAP_PERFMON or CAP_SYS_ADMIN.
 * The number is fixed; the struct's size field versions it.
 */
#define LOGBUF_IOC_ATTACH_EVENTS	_IOW(LOGBUF_IOC_MAGIC, 0x07, __u32)
/* On /dev/logbuf: make a tracer. */
#define LOGBUF_IOC_TRACER	_IOWR(LOGBUF_IOC_MAGIC, 0x08, struct logbuf_tracer_new)
/* On a tracer: make the calling thread's ring. */
#define LOGBUF_IOC_TRACER_RING	_IOWR(LOGBUF_IOC_MAGIC, 0x09, struct logbuf_tracer_ring)
/* On a tracer: declare a typed event. */
#define LOGBUF_IOC_EVENT_NEW	_IOWR(LOGBUF_IOC_MAGIC, 0x0a, struct logbuf_event_new)
/*
 * 0x05 was LOGBUF_IOC_TEST_PRODUCE: kernel test producers are now a
 * selftest module of their own (kmod/tests/logbuf_testprod.c), never part of the
 * device's ABI.  The number is not reused.
 */

#endif /* _UAPI_LINUX_LOGBUF_H */
