// SPDX-License-Identifier: GPL-2.0
/*
 * Typed events: what programs declare through a tracer, created as
 * synthetic trace events (events/synthetic/<name>, with a format file, that
 * filters, triggers and trace-cmd know), and a record's binary fields
 * turned into one such event.
 *
 * Who owns what: an event belongs to the uid that declared it first and
 * lives until the module is unloaded.  Declaring it again with the same
 * fields (a program restarted) gives the same event; anything else is
 * EEXIST.  A caller without CAP_SYS_ADMIN gets names prefixed with
 * "u<uid>_", so no user can take, shadow or remove another's event; there
 * is no removal at all but the module's unload (deleting a module's
 * synthetic event resets every trace buffer, which is no user's to do).
 * max_events and max_events_per_user bound how many there are.
 */
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/trace_events.h>
#include <linux/uaccess.h>
#include <logbuf/tevent.h>
#include "logbuf.h"

static unsigned int logbuf_max_events = 256;
module_param_named(max_events, logbuf_max_events, uint, 0644);
MODULE_PARM_DESC(max_events, "Typed events all users may declare (default 256)");

static unsigned int logbuf_max_events_per_user = 32;
module_param_named(max_events_per_user, logbuf_max_events_per_user, uint,
		   0644);
MODULE_PARM_DESC(max_events_per_user,
		 "Typed events one user without CAP_SYS_ADMIN may declare (default 32)");

/* Kernel credentials: events are created with them. */
static const struct cred *logbuf_kcred;

#if IS_ENABLED(CONFIG_SYNTH_EVENTS)
/**
 * struct logbuf_tev_def - a declared event
 * @node: in logbuf_tevs.
 * @name: its name in tracefs.
 * @owner: who declared it first.
 * @nf: declared fields.
 * @f: the fields.
 * @file: the top trace instance's file of the event (a reference).
 */
struct logbuf_tev_def {
	struct list_head node;
	char name[LOGBUF_TEV_FULL_MAX];
	kuid_t owner;
	unsigned int nf;
	struct logbuf_tev_field f[LOGBUF_TEV_FIELDS_MAX];
	struct trace_event_file *file;
};

static LIST_HEAD(logbuf_tevs);
static DEFINE_MUTEX(logbuf_tev_lock);
static unsigned int logbuf_nr_tevs;

static struct logbuf_tev_def *logbuf_tev_find(const char *name)
{
	struct logbuf_tev_def *d;

	list_for_each_entry(d, &logbuf_tevs, node)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static unsigned int logbuf_tev_count(kuid_t uid)
{
	struct logbuf_tev_def *d;
	unsigned int n = 0;

	list_for_each_entry(d, &logbuf_tevs, node)
		n += uid_eq(d->owner, uid);
	return n;
}

/* The synthetic event's fields: pid and tid, then the declared ones. */
static int logbuf_tev_create(struct logbuf_tev_def *d)
{
	const struct cred *old;
	struct synth_field_desc *sf;
	char (*types)[16];
	unsigned int i;
	int err = -ENOMEM;

	sf = kcalloc(d->nf + 2, sizeof(*sf), GFP_KERNEL);
	types = kcalloc(d->nf, sizeof(*types), GFP_KERNEL);
	if (!sf || !types)
		goto out;
	sf[0].type = "pid_t";
	sf[0].name = "pid";
	sf[1].type = "pid_t";
	sf[1].name = "tid";
	for (i = 0; i < d->nf; i++) {
		const struct logbuf_tev_field *f = &d->f[i];

		/*
		 * Strings are dynamic in the trace buffer whatever their
		 * declared bound (a fixed synthetic string takes 256 bytes);
		 * byte arrays are shown as hex digits.
		 */
		/*
		 * s8 and s16 are s32 in the trace buffer: the synthetic
		 * events' printer (and libtraceevent after it) shows a
		 * narrower signed field as unsigned.  Each field takes 8
		 * bytes there whatever its size, so this costs nothing.
		 */
		if (f->type == LOGBUF_TEV_INT)
			snprintf(types[i], sizeof(types[i]), "%c%u",
				 f->is_signed ? 's' : 'u',
				 f->is_signed && f->size < 4 ? 32 :
							       f->size * 8);
		else
			strscpy(types[i], "char[]", sizeof(types[i]));
		sf[i + 2].type = types[i];
		sf[i + 2].name = f->name;
	}
	/*
	 * As the kernel: tracefs makes the event's directory with the
	 * caller's credentials, which an unprivileged caller's are not
	 * enough for.  Who may declare what was decided before we got here.
	 */
	old = override_creds(logbuf_kcred);
	err = synth_event_create(d->name, sf, d->nf + 2, THIS_MODULE);
	if (!err) {
		d->file = trace_get_event_file(NULL, "synthetic", d->name);
		if (IS_ERR(d->file)) {
			err = PTR_ERR(d->file);
			d->file = NULL;
			synth_event_delete(d->name);
		}
	}
	revert_creds(old);
out:
	kfree(types);
	kfree(sf);
	return err;
}

static bool logbuf_tev_same(const struct logbuf_tev_def *a,
			    const struct logbuf_tev_def *b)
{
	return a->nf == b->nf && !memcmp(a->f, b->f, a->nf * sizeof(a->f[0]));
}

/**
 * logbuf_tev_declare() - declare a typed event, or find it again
 * @uname: its name, user memory.
 * @ufields: its field declarations, user memory.
 * @ufull: 0, or LOGBUF_TEV_FULL_MAX bytes of user memory for its name in
 *	tracefs.
 * @out: the event.
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL (a bad name or declaration), -E2BIG (too
 * many fields or bytes), -EEXIST (the name is taken), -ENOSPC (too many
 * events), or what synth_event_create() returned.
 */
int logbuf_tev_declare(const char __user *uname, const char __user *ufields,
		       char __user *ufull, struct logbuf_tev_def **out)
{
	char name[LOGBUF_TEV_NAME_MAX + 1];
	struct logbuf_tev_def *d, *old;
	bool admin = capable(CAP_SYS_ADMIN);
	kuid_t uid = current_euid();
	char *spec;
	long n;
	int err;

	n = strncpy_from_user(name, uname, sizeof(name));
	if (n < 0)
		return n;
	if (n == sizeof(name) || logbuf_tev_name_ok(name))
		return -EINVAL;
	spec = kmalloc(LOGBUF_TEV_SPEC_MAX, GFP_KERNEL);
	d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	err = -ENOMEM;
	if (!spec || !d)
		goto out_free;
	n = strncpy_from_user(spec, ufields, LOGBUF_TEV_SPEC_MAX);
	err = n < 0 ? n : -EINVAL;
	if (n < 0 || n == LOGBUF_TEV_SPEC_MAX)
		goto out_free;
	err = logbuf_tev_parse(spec, d->f);
	if (err < 0)
		goto out_free;
	d->nf = err;
	d->owner = uid;
	if (admin)
		strscpy(d->name, name, sizeof(d->name));
	else
		snprintf(d->name, sizeof(d->name), "u%u_%s",
			 from_kuid_munged(&init_user_ns, uid), name);

	mutex_lock(&logbuf_tev_lock);
	old = logbuf_tev_find(d->name);
	if (old) {
		err = uid_eq(old->owner, uid) && logbuf_tev_same(old, d) ?
		      0 : -EEXIST;
		kfree(d);
		d = old;
	} else if (logbuf_nr_tevs >= READ_ONCE(logbuf_max_events) ||
		   (!admin && logbuf_tev_count(uid) >=
		    READ_ONCE(logbuf_max_events_per_user))) {
		err = -ENOSPC;
	} else {
		err = logbuf_tev_create(d);
		if (!err) {
			list_add_tail(&d->node, &logbuf_tevs);
			logbuf_nr_tevs++;
		}
	}
	mutex_unlock(&logbuf_tev_lock);
	if (err)
		goto out_free_new;
	if (ufull && copy_to_user(ufull, d->name, strlen(d->name) + 1))
		err = -EFAULT;
	else
		*out = d;
	kfree(spec);
	return err;

out_free_new:
	if (d == old)
		d = NULL;
out_free:
	kfree(spec);
	kfree(d);
	return err;
}

/*
 * The synthetic event's entry in the trace buffer, as the kernel lays it
 * out (kernel/trace/trace_events_synth.c, 6.1 to 7.2): the common header
 * (12 bytes on PREEMPT_RT), an 8-byte-aligned slot per field (pid, tid, then the declared ones) holding an
 * integer in its low bytes or a dynamic string's __data_loc (its offset
 * from the entry's start, and above it its length with the NUL), then the
 * strings.  tevent_test checks this against the event's format file on
 * the oldest kernel and the newest.
 */
struct logbuf_tev_entry {
	struct trace_entry ent;
	u64 slot[];
};

/*
 * Where a checked record's fields are: @src[i], the offset of field i's
 * bytes in the record; @len[i], the bytes a string or byte array takes in
 * the trace buffer, NUL included.
 */
struct logbuf_tev_where {
	u16 src[LOGBUF_TEV_FIELDS_MAX];
	u16 len[LOGBUF_TEV_FIELDS_MAX];
};

/*
 * Check @rec against @def (logbuf_tev_locate(), shared with liblogbuf's
 * collector) and find its fields.  Return the bytes its strings take in
 * the trace buffer (the declaration bounds the sum, logbuf_tev_parse()),
 * or -EBADMSG.
 */
static int logbuf_tev_check(const struct logbuf_tev_def *def, const u8 *rec,
			    u32 len, struct logbuf_tev_where *w)
{
	unsigned int i, dyn = 0;
	u16 n;

	if (logbuf_tev_locate(def->f, def->nf, rec, len, w->src))
		return -EBADMSG;
	for (i = 0; i < def->nf; i++) {
		const struct logbuf_tev_field *f = &def->f[i];

		if (f->type == LOGBUF_TEV_INT)
			continue;
		if (f->type == LOGBUF_TEV_STR) {
			memcpy(&n, rec + w->src[i] - 2, 2);
			/* A NUL inside a string ends it early. */
			w->len[i] = strnlen((const char *)rec + w->src[i], n) + 1;
		} else {	/* LOGBUF_TEV_BYTES, shown as hex digits */
			w->len[i] = 2 * f->n + 1;
		}
		dyn += w->len[i];
	}
	return dyn;
}

static const char logbuf_hex[] = "0123456789abcdef";

/*
 * An integer field's slot: its value sign-extended if it is signed (s8
 * and s16 are s32 in the trace buffer), zero-extended if not.
 */
static u64 logbuf_tev_int(const struct logbuf_tev_field *f, const u8 *p)
{
	u16 v16;
	u32 v32;
	u64 v64;

	switch (f->size) {
	case 1:
		return f->is_signed ? (u64)(s64)(s8)p[0] : p[0];
	case 2:
		memcpy(&v16, p, 2);
		return f->is_signed ? (u64)(s64)(s16)v16 : v16;
	case 4:
		memcpy(&v32, p, 4);
		return f->is_signed ? (u64)(s64)(s32)v32 : v32;
	default:
		memcpy(&v64, p, 8);
		return v64;
	}
}

/* Write a checked record into its entry: slots, then strings. */
static void logbuf_tev_fill(const struct logbuf_tev_def *def,
			    struct logbuf_tev_entry *e, pid_t pid, pid_t tid,
			    const u8 *rec, const struct logbuf_tev_where *w)
{
	u32 at = struct_size(e, slot, def->nf + 2);
	unsigned int i, j;
	const u8 *p;
	char *s;

	e->slot[0] = (u32)pid;
	e->slot[1] = (u32)tid;
	for (i = 0; i < def->nf; i++) {
		const struct logbuf_tev_field *f = &def->f[i];

		p = rec + w->src[i];
		if (f->type == LOGBUF_TEV_INT) {
			e->slot[i + 2] = logbuf_tev_int(f, p);
			continue;
		}
		s = (char *)e + at;
		if (f->type == LOGBUF_TEV_STR) {
			memcpy(s, p, w->len[i] - 1);
		} else {
			for (j = 0; j < f->n; j++) {
				s[2 * j] = logbuf_hex[p[j] >> 4];
				s[2 * j + 1] = logbuf_hex[p[j] & 15];
			}
		}
		s[w->len[i] - 1] = 0;
		e->slot[i + 2] = at | (u32)w->len[i] << 16;
		at += w->len[i];
	}
}

/**
 * logbuf_tev_emit() - one record of a tracer ring as its typed event
 * @def: the event.
 * @pid: the producing thread's process id.
 * @tid: its thread id.
 * @rec: the field values (after struct logbuf_tev), untrusted.
 * @len: their bytes.
 *
 * The record is checked whole first; it must end exactly where its last
 * field does.  Then, if the event is enabled in the top trace instance,
 * it is written straight into the trace buffer, as the kernel's own
 * synth_event_trace_array() would (the same checks of the event's flags,
 * the same reserve and commit, so pid filters, event filters and triggers
 * apply), but with each string's length known, not looked for a byte at a
 * time through a fault-tolerant copy.
 *
 * Context: process context; may be preempted between records.
 * Return: 0, or -EBADMSG (the record does not match the declaration).
 */
int logbuf_tev_emit(struct logbuf_tev_def *def, pid_t pid, pid_t tid,
		    const u8 *rec, u32 len)
{
	struct trace_event_file *file = def->file;
	struct logbuf_tev_where w;
	struct trace_event_buffer fb;
	struct logbuf_tev_entry *e;
	int dyn;

	dyn = logbuf_tev_check(def, rec, len, &w);
	if (dyn < 0)
		return dyn;
	if (!(READ_ONCE(file->flags) & EVENT_FILE_FL_ENABLED))
		return 0;
	/*
	 * As in a tracepoint: the trace buffer and its context are per CPU,
	 * and the preemption count the entry records is the caller's.
	 */
	preempt_disable_notrace();
	if (!trace_trigger_soft_disabled(file)) {
		e = trace_event_buffer_reserve(&fb, file,
					       struct_size(e, slot,
							   def->nf + 2) + dyn);
		/* NULL: the buffer is off or full, or a pid filter said no. */
		if (e) {
			logbuf_tev_fill(def, e, pid, tid, rec, &w);
			trace_event_buffer_commit(&fb);
		}
	}
	preempt_enable_notrace();
	return 0;
}

/* Delete every event (module unload). */
static void logbuf_tev_delete_all(void)
{
	struct logbuf_tev_def *d, *tmp;

	list_for_each_entry_safe(d, tmp, &logbuf_tevs, node) {
		trace_put_event_file(d->file);
		/*
		 * Cannot be busy: an enabled event, or one with a trigger,
		 * holds a reference on this module (synth_event_reg()), so
		 * the module could not be unloading.
		 */
		synth_event_delete(d->name);
		list_del(&d->node);
		kfree(d);
	}
}
#else
/*
 * A kernel without synthetic events (CONFIG_SYNTH_EVENTS off; Debian's
 * have it): tracers still make rings, but no event can be declared, so
 * no record can ever decode (each is counted as an error and skipped).
 */
int logbuf_tev_declare(const char __user *uname, const char __user *ufields,
		       char __user *ufull, struct logbuf_tev_def **out)
{
	return -EOPNOTSUPP;
}

int logbuf_tev_emit(struct logbuf_tev_def *def, pid_t pid, pid_t tid,
		    const u8 *rec, u32 len)
{
	return -EBADMSG;
}

static void logbuf_tev_delete_all(void)
{
}
#endif

/* Module load: the credentials events are created with. */
int logbuf_tev_init(void)
{
	logbuf_kcred = prepare_kernel_cred(&init_task);
	return logbuf_kcred ? 0 : -ENOMEM;
}

/* Module unload: no ring is left, so no tracer uses an event. */
void logbuf_tev_exit(void)
{
	logbuf_tev_delete_all();
	put_cred(logbuf_kcred);
}

