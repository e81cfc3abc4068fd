// SPDX-License-Identifier: GPL-2.0
/*
 * logbuf rings in kernel memory: allocation, state, and the one look the
 * kernel takes at the shared data (is a record waiting at the head?).
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include "logbuf.h"

static atomic64_t logbuf_next_id = ATOMIC64_INIT(0);
/* Rings by id, for the in-kernel API.  Lookups are RCU-protected. */
static DEFINE_XARRAY(logbuf_rings);
/* Every ring alive, and the pages they hold: /sys/class/misc/logbuf. */
static atomic_long_t logbuf_nr_rings = ATOMIC_LONG_INIT(0);
static atomic_long_t logbuf_nr_pages = ATOMIC_LONG_INIT(0);

/*
 * Charge @pages to the calling user's locked memory, against
 * RLIMIT_MEMLOCK, as io_uring and the BPF maps of older kernels do: ring
 * pages are pinned, unswappable kernel memory that outlives the creator's
 * fds (a mapping keeps a ring alive), so neither the fd limit nor the OOM
 * killer bounds them.  CAP_IPC_LOCK lifts the limit (and the charge).
 *
 * Return: the charged user (a reference), NULL if not charged, or an
 * ERR_PTR(-ENOMEM) when the limit would be exceeded.
 */
static struct user_struct *logbuf_charge(unsigned long pages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	struct user_struct *user;
	unsigned long cur, new;

	if (capable(CAP_IPC_LOCK))
		return NULL;
	user = get_current_user();
	cur = atomic_long_read(&user->locked_vm);
	do {
		new = cur + pages;
		if (new < cur || new > limit) {
			free_uid(user);
			return ERR_PTR(-ENOMEM);
		}
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur, new));
	return user;
}

static void logbuf_uncharge(struct user_struct *user, unsigned long pages)
{
	if (!user)
		return;
	atomic_long_sub(pages, &user->locked_vm);
	free_uid(user);
}

static void logbuf_free_pages(struct page **pages, unsigned int n)
{
	while (n--)
		__free_page(pages[n]);
	kvfree(pages);
}

/* meta->state is a u32 only the kernel writes; update it atomically. */
static atomic_t *logbuf_meta_state(struct logbuf_kring *r)
{
	return (atomic_t *)&r->rv.meta->state;
}

static void logbuf_kring_free(struct logbuf_kring *r)
{
	/* The layer above frees what it hung on the ring (kends.c). */
	if (r->ends_free)
		r->ends_free(r);
	vunmap(r->vaddr);
	/* Pages still mapped somewhere keep their own references. */
	logbuf_free_pages(r->pages, r->nr_pages);
	logbuf_uncharge(r->user, r->nr_pages);
	put_pid(r->creator);
	atomic_long_sub(r->nr_pages, &logbuf_nr_pages);
	atomic_long_dec(&logbuf_nr_rings);
	kfree_rcu(r, rcu);
	/*
	 * Every ring pins the module until it is freed, so that rmmod never
	 * waits for a kernel consumer's final drain (it is refused instead,
	 * at once and quietly).  If this was the last reference, the code
	 * still to run here is protected by the module's exit: the last put
	 * happens in a file release (the file's owner is pinned until it
	 * returns), in a drain work item (exit destroys the workqueue, which
	 * waits for it), or in another module that uses our symbols (it pins
	 * us).
	 */
	module_put(THIS_MODULE);
}

/**
 * logbuf_kring_add_state() - state bits a new ring starts with
 * @r: the ring, not yet published.
 * @kbits: LOGBUF_STATE_* bits the kernel relies on (@r->kstate).
 * @ubits: bits user space sees in the ring's meta page.
 */
void logbuf_kring_add_state(struct logbuf_kring *r, u32 kbits, u32 ubits)
{
	atomic_or(kbits, &r->kstate);
	atomic_or(ubits, logbuf_meta_state(r));
}

/**
 * logbuf_kring_publish() - make a new ring findable by its id
 * @r: the ring, whole: its kernel ends, if any, are set up.
 *
 * Return: 0 or -ENOMEM.
 */
int logbuf_kring_publish(struct logbuf_kring *r)
{
	return xa_err(xa_store(&logbuf_rings, r->id, r, GFP_KERNEL));
}

/**
 * logbuf_kring_discard() - free a ring that failed to be set up
 * @r: the ring, whatever its count: nobody else has seen it, no work is
 *	queued for it.
 */
void logbuf_kring_discard(struct logbuf_kring *r)
{
	xa_erase(&logbuf_rings, r->id);
	logbuf_kring_free(r);
}

/**
 * logbuf_kring_new() - allocate a ring, zeroed, charged to the caller's memcg
 * @capacity: data bytes, already checked: a power of two, whole pages.
 * @flags: LOGBUF_RING_* bits, already checked.
 *
 * The ring has no kernel ends and cannot be found by id yet:
 * logbuf_kring_create() (kends.c) adds those, then publishes it.
 *
 * Return: the ring with one reference, or an ERR_PTR.
 */
struct logbuf_kring *logbuf_kring_new(u64 capacity, u32 flags)
{
	unsigned int i = 0, n = LOGBUF_CTL_PAGES + (capacity >> PAGE_SHIFT);
	struct user_struct *user;
	struct logbuf_kring *r;
	struct page **pages;
	int err = -ENOMEM;
	void *vaddr;

	user = logbuf_charge(n);
	if (IS_ERR(user))
		return ERR_CAST(user);
	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		goto out_uncharge;
	for (i = 0; i < n; i++) {
		/* A big ring takes a while: let others run, heed SIGKILL. */
		if (i && !(i % 1024)) {
			cond_resched();
			if (fatal_signal_pending(current)) {
				err = -EINTR;
				goto out_free_pages;
			}
		}
		pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO |
				      __GFP_NOWARN);
		if (!pages[i])
			goto out_free_pages;
	}
	vaddr = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	if (!vaddr)
		goto out_free_pages;
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		goto out_unmap;

	/* Our caller is an ioctl of our own device: the module is pinned. */
	__module_get(THIS_MODULE);
	atomic_long_inc(&logbuf_nr_rings);
	atomic_long_add(n, &logbuf_nr_pages);
	kref_init(&r->ref);
	init_waitqueue_head(&r->wq);
	r->id = atomic64_inc_return(&logbuf_next_id);
	r->flags = flags;
	r->capacity = capacity;
	r->nr_pages = n;
	r->pages = pages;
	r->vaddr = vaddr;
	r->user = user;
	r->owner = current_uid();
	r->uid = from_kuid_munged(&init_user_ns, r->owner);
	r->creator = get_pid(task_tgid(current));
	r->rv.meta = vaddr + LOGBUF_PGOFF_META * PAGE_SIZE;
	r->rv.cons = vaddr + LOGBUF_PGOFF_CONS * PAGE_SIZE;
	r->rv.prod = vaddr + LOGBUF_PGOFF_PROD * PAGE_SIZE;
	r->rv.data = vaddr + LOGBUF_PGOFF_DATA * PAGE_SIZE;
	r->rv.mask = capacity - 1;

	r->rv.meta->magic = LOGBUF_MAGIC;
	r->rv.meta->version = LOGBUF_VERSION;
	r->rv.meta->capacity = capacity;
	r->rv.meta->ring_flags = flags;
	r->rv.meta->data_offset = (u64)LOGBUF_PGOFF_DATA * PAGE_SIZE;
	/* Not 0: a zeroed header must never carry a valid stamp. */
	if (flags & LOGBUF_RING_OVERWRITE)
		r->rv.meta->ow_key = get_random_u64() | 1;
	return r;

out_unmap:
	vunmap(vaddr);
out_free_pages:
	logbuf_free_pages(pages, i);
out_uncharge:
	logbuf_uncharge(user, n);
	return ERR_PTR(err);
}

static void logbuf_kring_release(struct kref *ref)
{
	struct logbuf_kring *r = container_of(ref, struct logbuf_kring, ref);

	xa_erase(&logbuf_rings, r->id);
	logbuf_kring_free(r);
}

/**
 * logbuf_kring_find() - look a ring up by id and take a reference
 * @id: the ring id.
 *
 * Return: the ring or NULL.
 */
struct logbuf_kring *logbuf_kring_find(u64 id)
{
	struct logbuf_kring *r;

	rcu_read_lock();
	r = xa_load(&logbuf_rings, id);
	if (r && !kref_get_unless_zero(&r->ref))
		r = NULL;
	rcu_read_unlock();
	return r;
}

/**
 * logbuf_kring_put() - drop a reference to a ring
 * @r: the ring (from logbuf_kring_get(), for other modules), or NULL.
 *
 * Context: process context.
 */
void logbuf_kring_put(struct logbuf_kring *r)
{
	if (r)
		kref_put(&r->ref, logbuf_kring_release);
}
EXPORT_SYMBOL_GPL(logbuf_kring_put);

/**
 * logbuf_kring_set_state() - set state bits and wake everyone parked
 * @r: the ring.
 * @bits: LOGBUF_STATE_NO_PROD, _NO_CONS or _BROKEN.
 */
void logbuf_kring_set_state(struct logbuf_kring *r, u32 bits)
{
	/*
	 * Full barrier: pairs with the drain's load-acquire of kstate
	 * (logbuf_kcons_work()).  Every commit made before the last producer
	 * end went away is ordered before NO_PROD: a user producer's stores
	 * reach us through the unmapping and the final fput() (fully ordered
	 * reference drops), a kernel producer's through its own program
	 * order.
	 */
	smp_mb__before_atomic();
	atomic_or(bits, &r->kstate);
	/*
	 * Release: pairs with the consumer's load-acquire of meta->state in
	 * logbuf_recv(); one that sees NO_PROD also sees every commit made
	 * before the last producer end closed.
	 */
	smp_mb__before_atomic();
	atomic_or(bits, logbuf_meta_state(r));
	wake_up_interruptible_all(&r->wq);
}

/**
 * logbuf_kring_set_waiting() - announce that the consumer is about to sleep
 * @r: the ring.
 *
 * Followed by a full barrier: pairs with the barrier between a producer's
 * commit and its load of meta->state (logbuf_ring_notify()), so that
 * either the re-check after this sees the commit, or the producer sees
 * WAITING and rings the doorbell.
 */
void logbuf_kring_set_waiting(struct logbuf_kring *r)
{
	atomic_or(LOGBUF_STATE_WAITING, logbuf_meta_state(r));
	/* Full barrier: pairs with __logbuf_mb() in logbuf_ring_notify(). */
	smp_mb__after_atomic();
}

/* Clear WAITING; true if it was set (the doorbell then wakes the queue). */
bool logbuf_kring_test_clear_waiting(struct logbuf_kring *r)
{
	if (!(atomic_read(logbuf_meta_state(r)) & LOGBUF_STATE_WAITING))
		return false;
	return atomic_fetch_andnot(LOGBUF_STATE_WAITING,
				   logbuf_meta_state(r)) & LOGBUF_STATE_WAITING;
}

/**
 * logbuf_kring_ready() - is there work for the consumer at its head?
 * @r: the ring.
 *
 * Reads the consumer's published head and the header there, both untrusted:
 * the header is read inside the data area whatever the head says.  If the
 * head moved while we looked, the consumer is running and the answer is
 * "ready" (a spurious POLLIN is harmless; a missed one is not).
 *
 * Return: 1 if a record or skip is committed at the head, 0 if not,
 * -EBADMSG if the shared state is impossible.
 */
int logbuf_kring_ready(struct logbuf_kring *r)
{
	const struct logbuf_rv *rv = &r->rv;
	u64 head, again, off;
	u32 len;
	int kind;

	/* Pairs with the store-release in __logbuf_publish_head(). */
	head = smp_load_acquire(&rv->cons->head);
	if (head % LOGBUF_ALIGN)
		return -EBADMSG;
	off = head & rv->mask;
	/* Pairs with the store-release of len by the producer's commit. */
	len = smp_load_acquire(&__logbuf_hdr_at(rv, head)->len);
	smp_rmb();	/* the header before the second look at the head */
	again = READ_ONCE(rv->cons->head);
	if (again != head)
		return 1;
	kind = __logbuf_hdr_kind(len, rv->mask + 1 - off);
	if (kind < 0)
		return kind;
	return kind != LOGBUF_HDR_EMPTY;
}

/*
 * Whom the listing shows a ring: the ring's creator's user (as the file's
 * opener is) or an opener with CAP_SYS_ADMIN.  The opener's credentials,
 * not the reader's: a file opened unprivileged and handed to a privileged
 * reader shows no more (kallsyms' rule).
 */
static bool logbuf_rings_visible(const struct file *file,
				 const struct logbuf_kring *r)
{
	return uid_eq(r->owner, file->f_cred->uid) ||
	       file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}

/*
 * /sys/class/misc/logbuf/rings: one line per ring the reader may see, for
 * administrators and logbuf list: id, creator's uid (in the opener's user
 * namespace) and process id (in the reader's pid namespace, 0 outside it),
 * LOGBUF_RING_* flags, the kernel's LOGBUF_STATE_* bits, capacity, pages
 * held, records kernel producers dropped, corruptions found.  Made anew
 * for each read (at most a page).
 */
static ssize_t rings_read(struct file *file, struct kobject *kobj,
			  LOGBUF_BIN_ATTR_CONST struct bin_attribute *attr,
			  char *out, loff_t off, size_t count)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct user_namespace *uns = file->f_cred->user_ns;
	struct logbuf_kring *r;
	unsigned long id, more = 0;
	ssize_t ret;
	char *buf;
	int len;

	buf = (char *)get_zeroed_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = scnprintf(buf, PAGE_SIZE,
			"%-10s %-10s %-8s %-6s %-6s %-12s %-8s %-10s %s\n",
			"id", "uid", "pid", "flags", "state", "capacity",
			"pages", "dropped", "errors");
	rcu_read_lock();
	xa_for_each(&logbuf_rings, id, r) {
		if (!logbuf_rings_visible(file, r))
			continue;
		/* Keep room for the last line. */
		if (len > PAGE_SIZE - 128) {
			more++;
			continue;
		}
		len += scnprintf(buf + len, PAGE_SIZE - len,
				 "%-10llu %-10u %-8d %-6x %-6x %-12llu %-8u %-10lld %lld\n",
				 r->id, from_kuid_munged(uns, r->owner),
				 pid_nr_ns(r->creator, ns), r->flags,
				 atomic_read(&r->kstate), r->capacity,
				 r->nr_pages, atomic64_read(&r->dropped),
				 atomic64_read(&r->errors));
	}
	rcu_read_unlock();
	if (more)
		len += scnprintf(buf + len, PAGE_SIZE - len, "... %lu more\n",
				 more);
	ret = memory_read_from_buffer(out, count, &off, buf, len);
	free_page((unsigned long)buf);
	return ret;
}

static LOGBUF_BIN_ATTR_CONST struct bin_attribute logbuf_bin_attr_rings = {
	.attr = { .name = "rings", .mode = 0444 },
	.read = rings_read,
};

/* Totals: rings alive and the kernel memory they hold, in bytes. */
static ssize_t usage_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "rings %ld\nbytes %ld\n",
			  atomic_long_read(&logbuf_nr_rings),
			  atomic_long_read(&logbuf_nr_pages) << PAGE_SHIFT);
}
static DEVICE_ATTR_RO(usage);

static struct attribute *logbuf_dev_attrs[] = {
	&dev_attr_usage.attr,
	NULL,
};

static LOGBUF_BIN_ATTR_CONST struct bin_attribute *LOGBUF_BIN_ATTR_CONST
logbuf_dev_bin_attrs[] = {
	&logbuf_bin_attr_rings,
	NULL,
};

static const struct attribute_group logbuf_dev_group = {
	.attrs = logbuf_dev_attrs,
	.bin_attrs = logbuf_dev_bin_attrs,
};

const struct attribute_group *logbuf_dev_groups[] = {
	&logbuf_dev_group,
	NULL,
};
