// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * logbuf(1)'s call stacks.  The kernel chain comes symbolized by
 * /proc/kallsyms (the tool runs privileged, so its addresses are real).
 * The user chain is unwound from the record's stack copy with the
 * program's call frame information through elfutils' libdwfl, as perf's
 * "--call-graph dwarf" does; without a copy, or where it gives no more than
 * the first frame, the kernel's frame pointer walk serves.  User addresses
 * are symbolized with libdwfl from the process's mappings, which it reads
 * from /proc/PID/maps the first time the process is seen (and again when
 * an address is in none of them): a process that is gone by then keeps
 * its addresses, with no names.
 */
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <linux/logbuf.h>
#include <logbuf/trace.h>
#include "stack.h"

/* ---- the record's struct logbuf_ev_stack -------------------------- */

static const struct logbuf_ev_stack *stack_of(const void *d, size_t len)
{
	const struct logbuf_ev_raw *e = d;
	const struct logbuf_ev_stack *st;
	size_t at, need;

	if (len < sizeof(*e) || e->ev.type != LOGBUF_EV_RAW ||
	    e->raw_size > len - sizeof(*e))
		return NULL;
	at = (sizeof(*e) + e->raw_size + 7) & ~(size_t)7;
	if (len < at + sizeof(*st))
		return NULL;
	st = (const void *)((const char *)d + at);
	need = sizeof(*st) + (st->nr_kernel + st->nr_user) * 8ul +
	       st->ustack_size;
	if (need > len - at || st->ustack_valid > st->ustack_size)
		return NULL;
	return st;
}

bool stack_has(const void *d, size_t len)
{
	return stack_of(d, len);
}

/* ---- kernel symbols ------------------------------------------------ */

struct ksym {
	uint64_t addr;
	char *name;
};

static struct ksym *ksyms;
static size_t nr_ksyms;
static bool ksyms_read;

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void ksyms_load(void)
{
	char name[256], type;
	size_t cap = 0;
	uint64_t addr;
	FILE *f;

	ksyms_read = true;
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return;
	while (fscanf(f, "%" SCNx64 " %c %255s%*[^\n]", &addr, &type,
		      name) == 3) {
		if (!addr || (type != 't' && type != 'T' && type != 'w' &&
			      type != 'W'))
			continue;
		if (nr_ksyms == cap) {
			struct ksym *n;

			cap = cap ? 2 * cap : 65536;
			n = realloc(ksyms, cap * sizeof(*n));
			if (!n)
				break;
			ksyms = n;
		}
		ksyms[nr_ksyms].addr = addr;
		ksyms[nr_ksyms].name = strdup(name);
		if (ksyms[nr_ksyms].name)
			nr_ksyms++;
	}
	fclose(f);
	qsort(ksyms, nr_ksyms, sizeof(*ksyms), ksym_cmp);
}

/* The symbol @addr lies in; @look is @addr, or a return address less 1. */
static void ksym_find(struct frame *fr, uint64_t look)
{
	size_t lo = 0, hi;

	if (!ksyms_read)
		ksyms_load();
	hi = nr_ksyms;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ksyms[mid].addr <= look)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return;
	snprintf(fr->sym, sizeof(fr->sym), "%s", ksyms[lo - 1].name);
	fr->off = fr->addr - ksyms[lo - 1].addr;
}

/* ---- processes: their mappings, and unwinding ------------------------ */

/* The record being unwound, for libdwfl's callbacks. */
static struct {
	const struct logbuf_ev_stack *st;
	const uint8_t *copy;
	uint64_t pcs[STACK_FRAMES_MAX];
	bool act[STACK_FRAMES_MAX];
	int n, max;
} cur;

static bool cb_get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **targ)
{
	(void)dwfl;
	(void)tid;
	*targ = arg;
	return true;
}

static pid_t cb_next_thread(Dwfl *dwfl, void *arg, void **targ)
{
	(void)dwfl;
	(void)arg;
	(void)targ;
	return 0;	/* only get_thread is used */
}

/* Only the copied stack is memory we have. */
static bool cb_memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result,
			   void *arg)
{
	uint64_t sp = cur.st->uregs[1];

	(void)dwfl;
	(void)arg;
	if (addr < sp || addr - sp > cur.st->ustack_valid ||
	    cur.st->ustack_valid - (addr - sp) < sizeof(*result))
		return false;
	memcpy(result, cur.copy + (addr - sp), sizeof(*result));
	return true;
}

/* x86-64 DWARF registers: 6 rbp, 7 rsp, and the pc. */
static bool cb_set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	Dwarf_Word regs[2] = { cur.st->uregs[2], cur.st->uregs[1] };

	(void)arg;
	if (!dwfl_thread_state_registers(thread, 6, 2, regs))
		return false;
	dwfl_thread_state_register_pc(thread, cur.st->uregs[0]);
	return true;
}

static const Dwfl_Thread_Callbacks thread_cbs = {
	.next_thread = cb_next_thread,
	.get_thread = cb_get_thread,
	.memory_read = cb_memory_read,
	.set_initial_registers = cb_set_initial_registers,
};

static char *debuginfo_path;

static const Dwfl_Callbacks proc_cbs = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

struct proc {
	int32_t tgid;
	Dwfl *dwfl;
	bool attached;		/* dwfl_attach_state() took */
	uint64_t maps;		/* a hash of /proc/PID/maps when read */
	uint32_t gen;		/* its symbol cache entries' generation */
	char comm[32];
};

#define PROCS	64
static struct proc procs[PROCS];
static unsigned int procs_next;

static void proc_drop(struct proc *p)
{
	if (p->dwfl)
		dwfl_end(p->dwfl);
	memset(p, 0, sizeof(*p));
}

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* A hash of the process's mappings as they are now; 0 if it is gone. */
static uint64_t maps_hash(int32_t tgid)
{
	char path[64], buf[65536];
	uint64_t h = 0;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", tgid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while ((n = fread(buf, 1, sizeof(buf), f)))
		h ^= fnv(buf, n) + n;
	fclose(f);
	return h;
}

/* (Re)read @tgid's mappings into @p; false if it is gone. */
static bool proc_load(struct proc *p, int32_t tgid)
{
	uint64_t maps = maps_hash(tgid);
	uint32_t gen = p->gen;
	char path[64];
	Dwfl *dwfl;
	FILE *f;

	dwfl = dwfl_begin(&proc_cbs);
	if (!dwfl)
		return false;
	dwfl_report_begin(dwfl);
	if (dwfl_linux_proc_report(dwfl, tgid) ||
	    dwfl_report_end(dwfl, NULL, NULL)) {
		dwfl_end(dwfl);
		return false;
	}
	proc_drop(p);
	p->tgid = tgid;
	p->dwfl = dwfl;
	p->maps = maps;
	p->gen = gen + 1;	/* what was cached for the slot is stale */
	p->attached = dwfl_attach_state(dwfl, NULL, tgid, &thread_cbs, NULL);
	snprintf(path, sizeof(path), "/proc/%d/comm", tgid);
	f = fopen(path, "re");
	if (!f || !fgets(p->comm, sizeof(p->comm), f))
		snprintf(p->comm, sizeof(p->comm), "pid %d", tgid);
	p->comm[strcspn(p->comm, "\n")] = 0;
	if (f)
		fclose(f);
	return true;
}

static struct proc *proc_get(int32_t tgid)
{
	struct proc *p;
	unsigned int i;

	if (tgid <= 0)
		return NULL;
	for (i = 0; i < PROCS; i++)
		if (procs[i].tgid == tgid)
			return &procs[i];
	p = &procs[procs_next++ % PROCS];
	return proc_load(p, tgid) ? p : NULL;
}

void stack_preload(int32_t tgid)
{
	proc_get(tgid);
}

static int unwind_cb(Dwfl_Frame *state, void *arg)
{
	Dwarf_Addr pc;
	bool act;

	(void)arg;
	if (!dwfl_frame_pc(state, &pc, &act) || !pc)
		return DWARF_CB_ABORT;
	cur.pcs[cur.n] = pc;
	cur.act[cur.n] = act;
	return ++cur.n < cur.max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

/* The user chain from the copy, into cur.pcs; how many frames. */
static int unwind(struct proc *p, const struct logbuf_ev_stack *st,
		  int32_t tid, int max)
{
	if (!p || !p->attached || !st->ustack_valid || !st->uregs[0])
		return 0;
	cur.st = st;
	cur.copy = (const uint8_t *)&st->ips[st->nr_kernel + st->nr_user];
	cur.n = 0;
	cur.max = max;
	dwfl_getthread_frames(p->dwfl, tid, unwind_cb, NULL);
	return cur.n;
}

static void hex(char *out, const unsigned char *b, int n)
{
	int i;

	for (i = 0; i < n && i < 20; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/*
 * The symbols of user addresses, per process: resolved once, as a
 * frame-pointer walk or an unwinder meets the same return addresses over
 * and over.  An entry of another generation of its slot's process is stale
 * (the mappings were read again, or the slot went to another process).
 */
struct symc {
	struct proc *p;
	uint32_t gen;
	uint64_t look;
	bool known;
	struct frame fr;	/* for addr == look */
};

#define SYMC	4096
static struct symc symc[SYMC];

static void usym_lookup(struct proc *p, struct frame *fr, uint64_t look,
			bool *reloaded)
{
	const char *name, *file, *main = NULL;
	const unsigned char *bits;
	Dwfl_Module *m;
	GElf_Addr vaddr;
	Dwarf_Addr bias;
	GElf_Off off;
	GElf_Sym sym;
	int n;

	m = dwfl_addrmodule(p->dwfl, look);
	/*
	 * Mapped since we read the mappings: read them again if they
	 * changed, once per record (a frame-pointer walk through code
	 * without them finds addresses that are in no mapping at all).
	 */
	if (!m && !*reloaded) {
		*reloaded = true;
		if (maps_hash(p->tgid) != p->maps && proc_load(p, p->tgid))
			m = dwfl_addrmodule(p->dwfl, look);
	}
	if (!m)
		return;
	/* Copied: the modules go when the mappings are read again. */
	file = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, &main, NULL);
	snprintf(fr->file, sizeof(fr->file), "%s", main ?: file ?: "");
	n = dwfl_module_build_id(m, &bits, &vaddr);
	if (n > 0)
		hex(fr->build_id, bits, n);
	if (dwfl_module_getelf(m, &bias))
		fr->file_addr = look - bias;
	name = dwfl_module_addrinfo(m, look, &off, &sym, NULL, NULL, NULL);
	if (name) {
		snprintf(fr->sym, sizeof(fr->sym), "%s", name);
		fr->off = off;
	}
}

static void usym_find(struct proc *p, struct frame *fr, uint64_t look,
		      bool *reloaded)
{
	struct symc *c;
	uint64_t addr = fr->addr;

	if (!p)
		return;
	c = &symc[(((uintptr_t)p >> 4) ^ look ^ (look >> 12)) % SYMC];
	if (c->p != p || c->gen != p->gen || c->look != look) {
		memset(&c->fr, 0, sizeof(c->fr));
		usym_lookup(p, &c->fr, look, reloaded);
		c->p = p;
		c->gen = p->gen;	/* as it is after a reload */
		c->look = look;
	}
	*fr = c->fr;
	fr->addr = addr;
	fr->kernel = false;
	/* A return address is looked up one byte before it. */
	if (fr->sym[0])
		fr->off += addr - look;
	if (fr->file[0])
		fr->file_addr += addr - look;
}

/* The frames of the last record resolved, and a copy of that record. */
static struct {
	struct frame fr[STACK_FRAMES_MAX];
	int n, nr_kernel;
	enum stack_how how;
	unsigned char rec[1 << 16];	/* struct logbuf_ev.size is a __u16 */
	size_t len;
} memo;

static int resolve(const void *d, const struct logbuf_ev_stack *st,
		   struct frame *out, int *nr_kernel, enum stack_how *how)
{
	const struct logbuf_ev_raw *e = d;
	bool reloaded = false;
	const uint64_t *ips;
	struct proc *p;
	int i, n = 0, nu;

	*nr_kernel = 0;
	*how = STACK_NONE;
	for (i = 0; i < st->nr_kernel && n < STACK_FRAMES_MAX; i++, n++) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].addr = st->ips[i];
		out[n].kernel = true;
		ksym_find(&out[n], i ? out[n].addr - 1 : out[n].addr);
	}
	*nr_kernel = n;
	if (!st->uregs[0])
		return n;
	p = proc_get(e->ev.tgid);
	nu = unwind(p, st, e->ev.pid, STACK_FRAMES_MAX - n);
	if (nu > 1) {
		*how = STACK_DWARF;
		ips = cur.pcs;
	} else {
		*how = STACK_FP;
		nu = st->nr_user;
		if (nu > STACK_FRAMES_MAX - n)
			nu = STACK_FRAMES_MAX - n;
		ips = (const uint64_t *)&st->ips[st->nr_kernel];
		for (i = 0; i < nu; i++)
			cur.act[i] = !i;
	}
	for (i = 0; i < nu; i++, n++) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].addr = ips[i];
		usym_find(p, &out[n], cur.act[i] ? ips[i] : ips[i] - 1,
			  &reloaded);
	}
	return n;
}

/*
 * Once per record: --perfetto and the printed event ask for the same one
 * in turn, and unwinding and symbolizing are the expensive part.  Only a
 * record equal to the last, byte for byte (timestamp included), is
 * answered from the memo.
 */
const struct frame *stack_frames(const void *d, size_t len, int *n,
				 int *nr_kernel, enum stack_how *how)
{
	const struct logbuf_ev_stack *st = stack_of(d, len);

	if (!st) {
		*n = *nr_kernel = 0;
		*how = STACK_NONE;
		return memo.fr;
	}
	if (len != memo.len || memcmp(d, memo.rec, len)) {
		memo.n = resolve(d, st, memo.fr, &memo.nr_kernel, &memo.how);
		memcpy(memo.rec, d, len);
		memo.len = len;
	}
	*n = memo.n;
	*nr_kernel = memo.nr_kernel;
	*how = memo.how;
	return memo.fr;
}

/* ---- output ------------------------------------------------------ */

static void frame_json(FILE *f, const struct frame *fr, bool first)
{
	fprintf(f, "%s{\"addr\":\"%#" PRIx64 "\",\"sym\":", first ? "" : ",",
		fr->addr);
	logbuf_trace_json_str(f, fr->sym, strlen(fr->sym));
	fprintf(f, ",\"off\":%" PRIu64, fr->off);
	if (!fr->kernel && fr->file[0]) {
		fprintf(f, ",\"file\":");
		logbuf_trace_json_str(f, fr->file, strlen(fr->file));
		fprintf(f, ",\"file_addr\":\"%#" PRIx64 "\",\"build_id\":\"%s\"",
			fr->file_addr, fr->build_id);
	}
	fputc('}', f);
}

void stack_print(FILE *f, const void *d, size_t len, bool json)
{
	const struct frame *fr;
	const struct logbuf_ev_stack *st = stack_of(d, len);
	enum stack_how how;
	int i, n, nk;

	if (!st)
		return;
	fr = stack_frames(d, len, &n, &nk, &how);
	if (json) {
		if (st->flags & LOGBUF_STACK_KERNEL) {
			fprintf(f, ",\"kstack\":[");
			for (i = 0; i < nk; i++)
				frame_json(f, &fr[i], !i);
			fputc(']', f);
		}
		if (st->flags & LOGBUF_STACK_USER) {
			fprintf(f, ",\"ustack\":[");
			for (i = nk; i < n; i++)
				frame_json(f, &fr[i], i == nk);
			fprintf(f, "],\"ustack_from\":\"%s\"",
				how == STACK_DWARF ? "dwarf" :
				how == STACK_FP ? "frame-pointers" : "none");
		}
		if (st->flags & LOGBUF_STACK_NESTED)
			fprintf(f, ",\"stack_nested\":true");
		return;
	}
	if (st->flags & LOGBUF_STACK_NESTED)
		fprintf(f, "\t(no stack: nested too deep)\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "\t%16" PRIx64 " ", fr[i].addr);
		if (fr[i].sym[0])
			fprintf(f, "%s+%#" PRIx64, fr[i].sym, fr[i].off);
		else
			fputs("[unknown]", f);
		fprintf(f, " (%s)\n", fr[i].kernel ? "[kernel]" :
			fr[i].file[0] ? fr[i].file : "?");
	}
}

/* The frames as one JSON array of strings, "sym+0xoff [k]", innermost first. */
bool stack_args(FILE *f, const void *d, size_t len)
{
	const struct frame *fr;
	enum stack_how how;
	char buf[192];
	int i, n, nk;

	fr = stack_frames(d, len, &n, &nk, &how);
	if (!n)
		return false;
	fputs("\"stack\":[", f);
	for (i = 0; i < n; i++) {
		if (fr[i].sym[0])
			snprintf(buf, sizeof(buf), "%s+%#" PRIx64 "%s",
				 fr[i].sym, fr[i].off, fr[i].kernel ?
				 " [k]" : "");
		else
			snprintf(buf, sizeof(buf), "%#" PRIx64 "%s",
				 fr[i].addr, fr[i].kernel ? " [k]" : "");
		if (i)
			fputc(',', f);
		logbuf_trace_json_str(f, buf, strlen(buf));
	}
	fputc(']', f);
	return true;
}

/* ---- --folded: one line per distinct stack, with its count ----------- */

struct fold {
	char *key;
	uint64_t count;
};

static struct fold *folds;
static size_t nr_folds, cap_folds;	/* open addressing, cap a power of 2 */


static void fold_count(char *key)
{
	size_t i;

	if (2 * (nr_folds + 1) > cap_folds) {
		size_t ncap = cap_folds ? 2 * cap_folds : 1024, j;
		struct fold *n = calloc(ncap, sizeof(*n));

		if (!n) {
			free(key);
			return;
		}
		for (j = 0; j < cap_folds; j++) {
			if (!folds[j].key)
				continue;
			for (i = fnv(folds[j].key, strlen(folds[j].key)) &
				 (ncap - 1); n[i].key;
			     i = (i + 1) & (ncap - 1))
				;
			n[i] = folds[j];
		}
		free(folds);
		folds = n;
		cap_folds = ncap;
	}
	for (i = fnv(key, strlen(key)) & (cap_folds - 1); folds[i].key;
	     i = (i + 1) & (cap_folds - 1)) {
		if (!strcmp(folds[i].key, key)) {
			folds[i].count++;
			free(key);
			return;
		}
	}
	folds[i].key = key;
	folds[i].count = 1;
	nr_folds++;
}

/* Frame names hold no ';' (the separator) and no spaces. */
static void fold_name(FILE *m, const struct frame *fr)
{
	const char *s = fr->sym;
	char buf[32];

	if (!*s) {
		snprintf(buf, sizeof(buf), "%#" PRIx64, fr->addr);
		s = buf;
	}
	for (; *s; s++)
		fputc(*s == ';' || *s == ' ' ? '_' : *s, m);
	if (fr->kernel)
		fputs("_[k]", m);
}

/* Root first: the process, its user frames outermost first, the kernel's. */
void stack_fold(const void *d, size_t len)
{
	const struct frame *fr;
	const struct logbuf_ev_raw *e = d;
	enum stack_how how;
	struct proc *p;
	size_t size;
	char *key;
	FILE *m;
	int i, n, nk;

	fr = stack_frames(d, len, &n, &nk, &how);
	if (!n)
		return;
	m = open_memstream(&key, &size);
	if (!m)
		return;
	p = proc_get(e->ev.tgid);
	if (p)
		fputs(p->comm, m);
	else
		fprintf(m, "pid_%u", e->ev.tgid);
	for (i = n - 1; i >= nk; i--) {
		fputc(';', m);
		fold_name(m, &fr[i]);
	}
	for (i = nk - 1; i >= 0; i--) {
		fputc(';', m);
		fold_name(m, &fr[i]);
	}
	if (fclose(m))
		return;
	fold_count(key);
}

static int fold_cmp(const void *a, const void *b)
{
	const struct fold *x = a, *y = b;

	if (!x->key || !y->key)
		return !x->key - !y->key;
	return strcmp(x->key, y->key);
}

void stack_fold_print(FILE *f)
{
	size_t i;

	if (!folds)
		return;
	qsort(folds, cap_folds, sizeof(*folds), fold_cmp);
	for (i = 0; i < nr_folds; i++)
		fprintf(f, "%s %" PRIu64 "\n", folds[i].key, folds[i].count);
}
