// SPDX-License-Identifier: GPL-2.0
/*
 * kbench: logbuf's kernel paths against their peers, in one boot (run by
 * scripts/run/bench-kernel.sh inside a virtme-ng guest, as root, with the
 * module loaded).  Three comparisons:
 *
 *  syscall  kernel -> user, per row (a source, a consumer mode, 1 or 2
 *           threads calling getpgid() in a loop), logbuf against every BPF
 *           peer (kbench.bpf.c: classic tracepoint, raw_tp and tp_btf,
 *           each with bpf_ringbuf_output() and with reserve/submit).
 *           Sources: "sys", every system call of every task traced at
 *           raw_syscalls:sys_enter into an 80-byte record (logbuf's
 *           LOGBUF_EV_SYS_ENTER); "event", syscalls:sys_enter_getpgid
 *           through LOGBUF_IOC_ATTACH_EVENTS (a perf counter's raw sample,
 *           56-byte records), the BPF peers keeping getpgid's calls.
 *           "probe", a kprobe on __x64_sys_getpgid with the pid argument
 *           fetched (pid=+112(%di):s64, the same 56-byte records): logbuf's
 *           kprobe event (what logbuf trace kprobe: makes) against BPF
 *           kprobe programs (what bpftrace compiles kprobe: to).
 *           Modes: busy (logbuf_try_recv() / ring_buffer__consume()),
 *           parked (logbuf_recv(-1) with the ring's default wake-up policy,
 *           10 ms, also with 0 us and 1 ms / ring_buffer__poll(-1), and BPF
 *           with BPF_RB_NO_WAKEUP polled every 10 ms, as BPF users do).
 *           4 MiB rings.  Each call's argument is its thread's sequence
 *           number: the consumer checks that every thread's records arrive
 *           complete and in order; a gap is a drop.  With 2 threads pinned
 *           to CPUs 0 and 1 also: one shared ring, a ring per CPU
 *           (logbuf_attach.ring_fds), and BPF.  The report gives, per row,
 *           the worst ratio against any BPF peer of the row, and the
 *           delivery latency (event time to consumer) of each wake-up
 *           policy at a low rate.
 *  ftrace   user -> ftrace.  1 or 2 threads send 64-byte records into a
 *           kernel-consumer ring (logbuf:logbuf_record events), emit
 *           them as a typed event (synthetic:kbench_ev, a tracer's ring
 *           per thread) or write them to trace_marker.  Producer CPU time per record, records
 *           in the trace buffer per second at the end of the window, and
 *           the count once everything drained (none may be missing).
 *  u2u      user -> user, 64-byte records with sequence numbers, one
 *           producer, one consumer: pipe(), a ring through /dev/logbuf,
 *           the same library on a heap channel; busy and parked consumers,
 *           doorbells and wake-ups per record from LOGBUF_IOC_STATS.
 *
 * Every candidate runs in short windows; candidates alternate, in a
 * rotated order, round after round; the table gives medians and spreads.
 * Under emulation only ratios within one run mean anything.
 *
 *   kbench [--rounds N] [--window-ms MS] [--bpf OBJ] [--only GROUP]
 *          [--json FILE]
 *
 * GROUP: syscall, event, probe, latency, ftrace, u2u, or kernel (the first
 * four).
 * --match STR (up to 8 times): only the candidates whose "group name Nt"
 * contains one of them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/logbuf.h>

#include "logbuf.h"
#include "bench.h"
#include "kbench.h"

int window_ms = 300;
static const char *bpf_path = "kbench.bpf.o";
pid_t self;
static const char *only;
static const char *match[8];	/* --match: "group name Nt" substrings */
static int nmatch;

_Alignas(CL) atomic_int go;
_Alignas(CL) atomic_int stop;
static _Alignas(CL) atomic_int cons_done;

void die(const char *what, int err)
{
	fprintf(stderr, "kbench: %s: %s\n", what, strerror(err));
	exit(1);
}

void sleep_window(void)
{
	usleep(window_ms * 1000);
}

/* ---- syscall: kernel -> user ------------------------------------------- */

enum { BUSY, PARKED, NOWAKE, UNTRACED };
enum { S_SYS, S_EV, S_KP };

static const char *const src_names[] = { "sys", "event", "probe" };
enum { P_NONE, P_LOGBUF, P_PERCPU, P_BPF };

struct seqchk {
	pid_t tid[MAXT + 1];
	uint64_t next[MAXT + 1];
	uint64_t matched, gaps, disorder;
	int done;
};

/*
 * Latency runs: each of our events' delivery delay, event time (the
 * kernel's CLOCK_MONOTONIC, both peers) to the consumer holding it.
 */
#define LAT_N		300
static uint64_t *lat_buf;
static int lat_n;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* One traced event: ours (getpgid with a sequence argument) or not. */
static void seq_check(struct seqchk *s, const struct logbuf_ev_syscall *e)
{
	uint64_t a = e->args[0];
	int i;

	if (e->ev.tgid != (uint32_t)self || e->id != SYS_getpgid)
		return;
	if (a == SENTINEL) {
		s->done = 1;
		return;
	}
	if (a < SEQ_BASE)
		return;
	a -= SEQ_BASE;
	for (i = 0; i < MAXT + 1 && s->tid[i] && s->tid[i] != (pid_t)e->ev.pid; i++)
		;
	if (i == MAXT + 1)
		return;
	s->tid[i] = e->ev.pid;
	if (lat_buf && lat_n < LAT_N) {
		uint64_t t = mono_ns();

		lat_buf[lat_n++] = t > e->ev.ts_ns ? t - e->ev.ts_ns : 0;
	}
	if (a > s->next[i])
		s->gaps += a - s->next[i];
	else if (a < s->next[i])
		s->disorder++;
	s->next[i] = a + 1;
	s->matched++;
}

static uint32_t getpgid_id;	/* syscalls:sys_enter_getpgid */
uint32_t kp_id;		/* kbench:getpgid, our kprobe event */

/* A getpgid() record of the any-event source, checked as a syscall one. */
static void raw_check(struct seqchk *s, const void *d, size_t len)
{
	const struct logbuf_ev_raw *e = d;
	struct logbuf_ev_syscall c = { 0 };

	if (len < sizeof(*e) + 24 || e->ev.type != LOGBUF_EV_RAW ||
	    (e->id != getpgid_id && (!kp_id || e->id != kp_id)) ||
	    e->raw_size < 24)
		return;
	c.ev = e->ev;
	c.id = SYS_getpgid;
	memcpy(&c.args[0], e->raw + 16, 8);
	seq_check(s, &c);
}

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double run_window(struct sysprod *p, int threads, bool pinned,
		  uint64_t *calls, double *cpu)
{
	pthread_t th[MAXT];
	double t0, dt;
	int i;

	for (i = 0; i < threads; i++) {
		p[i].cpu = pinned ? i : -1;
		pthread_create(&th[i], NULL, sys_producer, &p[i]);
	}
	t0 = now();
	atomic_store(&go, 1);
	sleep_window();
	atomic_store(&stop, 1);
	dt = now() - t0;
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		*calls += p[i].calls;
		*cpu += p[i].cpu_s;
	}
	return dt;
}

void *sys_producer(void *arg)
{
	struct sysprod *p = arg;
	uint64_t seq = 0;
	double c0;

	if (p->cpu >= 0)
		pin(p->cpu);
	while (!atomic_load(&go))
		;
	c0 = thread_cpu();
	if (lat_buf) {
		/* A low rate: one event a millisecond, LAT_N of them. */
		const struct timespec ms = { .tv_nsec = 1000000 };

		for (; seq < LAT_N; seq++) {
			syscall(SYS_getpgid, SEQ_BASE + seq);
			nanosleep(&ms, NULL);
		}
	}
	while (!lat_buf && !atomic_load_explicit(&stop, memory_order_relaxed))
		syscall(SYS_getpgid, SEQ_BASE + seq++);
	p->cpu_s = thread_cpu() - c0;
	p->calls = seq;
	return NULL;
}

#define MAXR		8	/* rings of the per-CPU candidate */

struct sysrun {
	struct cand *c;
	bool raw;		/* any-event records (struct logbuf_ev_raw) */
	struct logbuf_receiver *rx;
	struct logbuf_receiver *rxs[MAXR];	/* per-CPU: every ring */
	int nr;
	struct ring_buffer *rb;
	struct seqchk s;
};

static int bpf_cb(void *ctx, void *data, size_t len)
{
	struct sysrun *r = ctx;

	/* NULL: what the last window left behind (after its sentinel). */
	if (r && r->raw)
		raw_check(&r->s, data, len);
	else if (r && len >= sizeof(struct logbuf_ev_syscall))
		seq_check(&r->s, data);
	return 0;
}

/*
 * Per-CPU rings, busy: each in turn; after the sentinel, everything left
 * (the producers had finished before it was made: all is committed).
 */
static void sys_consume_rings(struct sysrun *r)
{
	bool last = false;
	int k;

	for (;;) {
		for (k = 0; k < r->nr; k++) {
			const void *d;
			size_t len;

			while (!logbuf_try_recv(r->rxs[k], &d, &len))
				if (len >= sizeof(struct logbuf_ev_syscall))
					seq_check(&r->s, d);
		}
		if (last)
			break;
		last = r->s.done;
	}
}

static void *sys_consumer(void *arg)
{
	struct sysrun *r = arg;
	int mode = r->c->mode;

	if (r->nr) {
		sys_consume_rings(r);
		atomic_store(&cons_done, 1);
		return NULL;
	}
	while (!r->s.done) {
		if (r->rx) {
			const void *d;
			size_t len;
			int err = mode == BUSY ? logbuf_try_recv(r->rx, &d, &len) :
				  logbuf_recv(r->rx, &d, &len, -1);

			if (!err && r->raw)
				raw_check(&r->s, d, len);
			else if (!err && len >= sizeof(struct logbuf_ev_syscall))
				seq_check(&r->s, d);
			else if (err && err != -EAGAIN && err != -ETIMEDOUT &&
				 err != -EINTR)
				die("logbuf_recv", -err);
		} else {
			/* NOWAKE: no wake-ups come; look every 10 ms. */
			int n = mode == BUSY ? ring_buffer__consume(r->rb) :
				ring_buffer__poll(r->rb, mode == PARKED ? -1 : 10);

			if (n >= 0 && mode == NOWAKE)
				n = ring_buffer__consume(r->rb);
			if (n < 0 && n != -EINTR)
				die("ring_buffer", -n);
		}
	}
	atomic_store(&cons_done, 1);
	return NULL;
}

static struct bpf_object *bobj;
static int brb_fd, bbss_fd;

/* Set the programs' wake_flags (the object's .bss: that one variable). */
static void bpf_wake_flags(uint64_t flags)
{
	uint32_t k = 0;

	if (bpf_map_update_elem(bbss_fd, &k, &flags, BPF_ANY))
		die("setting wake_flags", errno);
}

/*
 * The id of trace event @ev ("system/event"), and a check that its pid
 * field sits where the candidates read it (raw bytes 16..23).
 */
static uint32_t event_with_pid_at_16(const char *ev)
{
	char buf[4096], path[256];
	uint32_t id;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), TRACING "events/%s/id", ev);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%u", &id) != 1)
		die(path, ENOENT);
	fclose(f);
	snprintf(path, sizeof(path), TRACING "events/%s/format", ev);
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	if (!strstr(buf, "pid;\toffset:16;\tsize:8;"))
		die(path, EINVAL);	/* pid is not at 16 */
	return id;
}

static void getpgid_event(void)
{
	getpgid_id = event_with_pid_at_16("syscalls/sys_enter_getpgid");
}

/*
 * The kprobe event logbuf trace would make for kprobe:__x64_sys_getpgid
 * pid=+112(%di):s64 (the syscall's pt_regs, di at 112): its raw fields are
 * common, __probe_ip, pid, so pid sits at 16 as in the tracepoint's.
 */
static void kprobe_event(void)
{
	static const char def[] =
		"p:kbench/getpgid __x64_sys_getpgid pid=+112(%di):s64\n";
	int fd;

	fd = open(TRACING "kprobe_events", O_WRONLY | O_APPEND);
	if (fd < 0)
		die("kprobe_events", errno);
	if (write(fd, "-:kbench/getpgid\n", 17) < 0 && errno != ENOENT)
		die("deleting kbench/getpgid", errno);
	if (write(fd, def, strlen(def)) < 0)
		die("making kbench/getpgid", errno);
	close(fd);
	kp_id = event_with_pid_at_16("kbench/getpgid");
}

static void kprobe_event_delete(void)
{
	int fd = open(TRACING "kprobe_events", O_WRONLY | O_APPEND);

	if (fd >= 0 && write(fd, "-:kbench/getpgid\n", 17) < 0)
		fprintf(stderr, "kbench: deleting kbench/getpgid: %s\n",
			strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void bpf_open(void)
{
	struct bpf_map *m;
	int err;

	bobj = bpf_object__open_file(bpf_path, NULL);
	err = libbpf_get_error(bobj);
	if (err)
		die(bpf_path, -err);
	getpgid_event();
	bpf_object__for_each_map(m, bobj) {
		const char *n = bpf_map__name(m);

		if (strlen(n) >= 7 && !strcmp(n + strlen(n) - 7, ".rodata") &&
		    bpf_map__set_initial_value(m, &getpgid_id,
					       sizeof(getpgid_id)))
			die("setting the BPF program's event id", EINVAL);
	}
	err = bpf_object__load(bobj);
	if (err)
		die("loading the BPF programs", -err);
	brb_fd = bpf_object__find_map_fd_by_name(bobj, "rb");
	bbss_fd = -1;
	bpf_object__for_each_map(m, bobj) {
		const char *n = bpf_map__name(m);

		if (strlen(n) >= 4 && !strcmp(n + strlen(n) - 4, ".bss"))
			bbss_fd = bpf_map__fd(m);
	}
	if (brb_fd < 0 || bbss_fd < 0)
		die("the BPF object's maps", ENOENT);
}

/*
 * m[0]: our events delivered per second, m[1]: getpgid() calls per second
 * per thread, m[2]: drops (gaps + never delivered), m[3]: producer CPU ns
 * per call.
 */
static int run_syscall(struct cand *c, double m[NMET])
{
	struct logbuf_attach a = { .size = sizeof(a) };
	struct sysprod p[MAXT] = { 0 };
	int cfds[MAXR];
	pthread_t ct;
	struct sysrun r = { .c = c };
	struct bpf_link *link = NULL;
	uint64_t calls = 0;
	int pfd = -1, cfd = -1, i, err;
	double dt, cpu = 0;
	bool traced = c->peer != P_NONE;
	bool is_bpf = c->peer == P_BPF;
	bool percpu = c->peer == P_PERCPU;
	bool event = c->src != S_SYS;
	bool pinned = c->pinned;
	LOGBUF_OPTS(logbuf_dev_opts, dopt,
		    .flags = LOGBUF_CREATE_KERNEL_PROD |
			     (c->wake_us >= 0 ? LOGBUF_CREATE_WAKEUP : 0),
		    .wakeup_us = c->wake_us >= 0 ? c->wake_us : 0);

	atomic_store(&go, 0);
	atomic_store(&stop, 0);
	atomic_store(&cons_done, 0);
	r.raw = event;
	if (event && !is_bpf) {
		struct logbuf_attach_events ae = {
			.size = sizeof(ae), .nr_ids = 1,
			.ids = (uintptr_t)(c->src == S_KP ? &kp_id :
						    &getpgid_id),
		};

		err = logbuf_dev_create_opts(RING, &dopt, &pfd, &cfd);
		if (err)
			die("logbuf_dev_create", -err);
		if (ioctl(cfd, LOGBUF_IOC_ATTACH_EVENTS, &ae))
			die("LOGBUF_IOC_ATTACH_EVENTS", errno);
		r.rx = logbuf_receiver_open(cfd);
		if (!r.rx)
			die("logbuf_receiver_open", errno);
	} else if (percpu) {
		/* A ring per CPU, each as big as the shared one. */
		r.nr = (int)sysconf(_SC_NPROCESSORS_CONF);
		if (r.nr < 1 || r.nr > MAXR)
			die("per-cpu: CPUs", EINVAL);
		for (i = 0; i < r.nr; i++) {
			err = logbuf_dev_create(RING, LOGBUF_CREATE_KERNEL_PROD,
						&pfd, &cfds[i]);
			if (err)
				die("logbuf_dev_create", -err);
			r.rxs[i] = logbuf_receiver_open(cfds[i]);
			if (!r.rxs[i])
				die("logbuf_receiver_open", errno);
		}
		a.events = LOGBUF_EV_SYS_ENTER;
		a.ring_fds = (uintptr_t)cfds;
		a.nr_rings = r.nr;
		if (ioctl(cfds[0], LOGBUF_IOC_ATTACH, &a))
			die("LOGBUF_IOC_ATTACH (per-cpu)", errno);
		cfd = cfds[0];
	} else if (traced && !is_bpf) {
		err = logbuf_dev_create_opts(RING, &dopt, &pfd, &cfd);
		if (err)
			die("logbuf_dev_create", -err);
		a.events = LOGBUF_EV_SYS_ENTER;
		if (ioctl(cfd, LOGBUF_IOC_ATTACH, &a))
			die("LOGBUF_IOC_ATTACH", errno);
		r.rx = logbuf_receiver_open(cfd);
		if (!r.rx)
			die("logbuf_receiver_open", errno);
	} else if (traced) {
		r.rb = ring_buffer__new(brb_fd, bpf_cb, NULL, NULL);
		if (!r.rb || ring_buffer__consume(r.rb) < 0)
			die("ring_buffer__new", errno);
		ring_buffer__free(r.rb);
		r.rb = ring_buffer__new(brb_fd, bpf_cb, &r, NULL);
		if (!r.rb)
			die("ring_buffer__new", errno);
		bpf_wake_flags(c->mode == NOWAKE ? BPF_RB_NO_WAKEUP : 0);
		link = bpf_program__attach(
			bpf_object__find_program_by_name(bobj, c->prog));
		if (libbpf_get_error(link))
			die("attaching the BPF program", -libbpf_get_error(link));
	}
	if (traced)
		pthread_create(&ct, NULL, sys_consumer, &r);
	dt = run_window(p, c->threads, pinned, &calls, &cpu);
	if (traced) {
		/* Everything before the sentinel is in the ring before it. */
		for (i = 0; !atomic_load(&cons_done); i++) {
			if (i == 3000)
				die("the consumer never saw the window's end",
				    ETIMEDOUT);
			syscall(SYS_getpgid, SENTINEL);
			usleep(10000);
		}
		pthread_join(ct, NULL);
	}
	if (percpu) {
		a.events = 0;
		ioctl(cfds[0], LOGBUF_IOC_ATTACH, &a);
		for (i = 0; i < r.nr; i++) {
			logbuf_receiver_free(r.rxs[i]);
			close(cfds[i]);
		}
	} else if (traced && !is_bpf) {
		struct logbuf_attach_events ae = { .size = sizeof(ae) };
		struct logbuf_stats st = { .size = sizeof(st) };

		a.events = 0;
		ioctl(cfd, event ? LOGBUF_IOC_ATTACH_EVENTS : LOGBUF_IOC_ATTACH,
		      event ? (void *)&ae : (void *)&a);
		ioctl(cfd, LOGBUF_IOC_STATS, &st);
		m[4] = r.s.matched ? st.wakeups * 1000.0 / r.s.matched : 0;
		logbuf_receiver_free(r.rx);
		close(pfd);
		close(cfd);
	} else if (traced) {
		bpf_link__destroy(link);
		ring_buffer__free(r.rb);
	}
	if (traced && r.s.disorder) {
		fprintf(stderr, "kbench: %s: %" PRIu64 " records out of order\n",
			c->name, r.s.disorder);
		return -1;
	}
	m[0] = traced ? r.s.matched / dt : 0;
	m[1] = calls / dt / c->threads;
	m[2] = traced ? (double)(calls - r.s.matched) : 0;
	m[3] = cpu / calls * 1e9;
	return 0;
}

/* ---- ftrace: user -> trace buffer -------------------------------------- */

static int tr_write(const char *file, const char *val)
{
	char path[256];
	int fd, n;

	snprintf(path, sizeof(path), TRACING "%s", file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Events in the trace buffers now, and events they overwrote. */
static uint64_t tr_entries(uint64_t *overrun)
{
	uint64_t sum = 0, ov = 0;
	char path[128], line[128];
	int cpu;

	for (cpu = 0; cpu < 64; cpu++) {
		FILE *f;

		snprintf(path, sizeof(path), TRACING "per_cpu/cpu%d/stats", cpu);
		f = fopen(path, "r");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f)) {
			unsigned long long v;

			if (sscanf(line, "entries: %llu", &v) == 1)
				sum += v;
			else if (sscanf(line, "overrun: %llu", &v) == 1 ||
				 sscanf(line, "dropped events: %llu", &v) == 1)
				ov += v;
		}
		fclose(f);
	}
	*overrun = ov;
	return sum;
}

struct ftprod {
	int pfd;		/* a ring's producer end, or -1 */
	struct logbuf_event *ev;	/* or a typed event */
	int marker_fd;
	int id;
	_Alignas(CL) uint64_t sent;
	uint64_t refused;
	double cpu_s;
};

static void *ft_producer(void *arg)
{
	struct ftprod *p = arg;
	/* A sender is one thread's: each opens its own on the ring. */
	struct logbuf_sender *tx = NULL;
	char rec[REC];
	uint64_t seq = 0;
	double c0;

	if (p->pfd >= 0 && !(tx = logbuf_sender_open(p->pfd)))
		die("logbuf_sender_open", errno);
	memset(rec, 'x', sizeof(rec));
	while (!atomic_load(&go))
		;
	c0 = thread_cpu();
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		/*
		 * Text for trace_marker and the untyped ring; a typed event
		 * carries the thread and the count in binary, unformatted,
		 * as a program's would.
		 */
		if (!p->ev) {
			int n = snprintf(rec, sizeof(rec), "t%d %" PRIu64 " ",
					 p->id, seq);

			rec[n] = 'x';
		}
		if (p->ev || tx) {
			/* A typed event: 64 bytes of id, thread, seq, 47 + NUL. */
			int err = p->ev ?
				  logbuf_emit(p->ev, p->id, seq,
					      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx") :
				  logbuf_try_send(tx, rec, REC);

			if (err == -EAGAIN) {
				p->refused++;
				__builtin_ia32_pause();
				continue;
			}
			if (err)
				die(p->ev ? "logbuf_emit" : "logbuf_try_send", -err);
		} else if (write(p->marker_fd, rec, REC) != REC) {
			die("trace_marker", errno);
		}
		seq++;
	}
	p->cpu_s = thread_cpu() - c0;
	p->sent = seq;
	logbuf_sender_free(tx);
	return NULL;
}

/*
 * m[0]: records in the trace buffer per second at the end of the window,
 * m[1]: producer CPU ns per record, m[2]: records missing once drained
 * (must be 0), m[3]: refused claims per record sent, m[4]: doorbell
 * ioctls per record (logbuf).
 */
static int run_ftrace(struct cand *c, double m[NMET])
{
	struct ftprod p[MAXT] = { 0 };
	uint64_t sent = 0, refused = 0, at_stop, last = 0, ov, e;
	bool is_lb = strstr(c->name, "logbuf") != NULL;
	bool is_ev = strstr(c->name, "typed") != NULL;
	int pfd = -1, cfd = -1, mfd = -1, i, stable;
	struct logbuf_event *ev = NULL;
	struct logbuf_tracer *t = NULL;
	pthread_t th[MAXT];
	double t0, dt, cpu = 0;

	atomic_store(&go, 0);
	atomic_store(&stop, 0);
	tr_write("trace", "");
	if (is_ev) {
		LOGBUF_OPTS(logbuf_tracer_opts, to, .ring_capacity = RING);

		t = logbuf_tracer_open(&to);
		if (!t)
			die("logbuf_tracer_open", errno);
		ev = logbuf_event_new(t, "kbench_ev",
				      "u32 t; u64 seq; char text[48]");
		if (!ev)
			die("logbuf_event_new", errno);
		if (tr_write("events/synthetic/kbench_ev/enable", "1"))
			die("enabling synthetic:kbench_ev", errno);
	} else if (is_lb) {
		int err = logbuf_dev_create(RING, LOGBUF_RING_MPSC |
					    LOGBUF_CREATE_KERNEL_CONS,
					    &pfd, &cfd);

		if (err)
			die("logbuf_dev_create", -err);
	} else {
		mfd = open(TRACING "trace_marker", O_WRONLY);
		if (mfd < 0)
			die("trace_marker", errno);
	}
	for (i = 0; i < c->threads; i++) {
		p[i] = (struct ftprod){ .pfd = pfd, .ev = ev,
					.marker_fd = mfd, .id = i };
		pthread_create(&th[i], NULL, ft_producer, &p[i]);
	}
	t0 = now();
	atomic_store(&go, 1);
	sleep_window();
	atomic_store(&stop, 1);
	at_stop = tr_entries(&ov);
	dt = now() - t0;
	for (i = 0; i < c->threads; i++) {
		pthread_join(th[i], NULL);
		sent += p[i].sent;
		refused += p[i].refused;
		cpu += p[i].cpu_s;
	}
	if (is_ev) {
		struct logbuf_tracer_stats st = { .sz = sizeof(st) };

		/* Wait (10 s at most) until the drain has taken every event. */
		for (i = 0; i < 1000; i++) {
			logbuf_tracer_stats(t, &st);
			if (st.records >= sent)
				break;
			usleep(10000);
		}
		m[4] = 0;
		/* (Skips are the wrap's padding: not a loss.) */
		if (st.records != sent || st.errors)
			fprintf(stderr, "kbench: %s: sent %" PRIu64 ", drained %"
				PRIu64 ", errors %" PRIu64 "\n", c->name, sent,
				(uint64_t)st.records, (uint64_t)st.errors);
		logbuf_tracer_close(t);
	} else if (is_lb) {
		struct logbuf_stats st = { .size = sizeof(st) };

		/* Wait (10 s at most) until the drain has taken every record. */
		for (i = 0; i < 1000; i++) {
			if (ioctl(pfd, LOGBUF_IOC_STATS, &st))
				die("LOGBUF_IOC_STATS", errno);
			if (st.records_consumed >= sent)
				break;
			usleep(10000);
		}
		m[4] = (double)st.doorbells / sent;
		if (st.records_consumed != sent || st.lost || st.errors)
			fprintf(stderr, "kbench: %s: sent %" PRIu64 ", drained %llu"
				", lost %llu, errors %llu\n", c->name, sent,
				(unsigned long long)st.records_consumed,
				(unsigned long long)st.lost,
				(unsigned long long)st.errors);
		close(pfd);
		if (cfd >= 0)
			close(cfd);
	} else {
		close(mfd);
	}
	for (stable = 0, i = 0; i < 1000 && stable < 10; i++) {
		usleep(10000);
		e = tr_entries(&ov);
		stable = e == last ? stable + 1 : 0;
		last = e;
	}
	if (is_ev)
		tr_write("events/synthetic/kbench_ev/enable", "0");
	if (ov) {
		fprintf(stderr, "kbench: %s: the trace buffer overran or "
			"dropped %" PRIu64 " events\n", c->name, ov);
		return -1;
	}
	m[0] = at_stop / dt;
	m[1] = cpu / sent * 1e9;
	m[2] = last < sent ? (double)(sent - last) : 0;
	m[3] = (double)refused / sent;
	if (last > sent) {
		fprintf(stderr, "kbench: %s: %" PRIu64 " events for %" PRIu64
			" records: is another event enabled?\n", c->name, last,
			sent);
		return -1;
	}
	return 0;
}

/*
 * A typed event's delivery delay at a low rate: DELAY_N events, one every
 * 2 ms, each carrying its CLOCK_MONOTONIC time when emitted; with the
 * trace clock on "mono", the delay is the event's trace timestamp (taken
 * by the drain as it writes the event) minus that time.  Microseconds:
 * the trace prints them.  Returns 0, or -1 if an event is missing.
 */
#define DELAY_N		500

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int typed_delay(double *p50, double *p99, double *max)
{
	const struct timespec gap = { .tv_nsec = 2 * 1000 * 1000 };
	struct logbuf_tracer_stats st = { .sz = sizeof(st) };
	static uint64_t d[DELAY_N];
	struct logbuf_tracer *t;
	struct logbuf_event *ev;
	char line[512];
	int i, n = 0;
	FILE *f;

	t = logbuf_tracer_open(NULL);
	if (!t)
		die("logbuf_tracer_open", errno);
	ev = logbuf_event_new(t, "kbench_lat", "u64 t0");
	if (!ev)
		die("logbuf_event_new", errno);
	tr_write("trace_clock", "mono");
	tr_write("trace", "");
	if (tr_write("events/synthetic/kbench_lat/enable", "1"))
		die("enabling synthetic:kbench_lat", errno);
	for (i = 0; i < DELAY_N; i++) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (logbuf_emit(ev, ts.tv_sec * 1000000000ULL + ts.tv_nsec))
			die("logbuf_emit", EAGAIN);
		nanosleep(&gap, NULL);
	}
	for (i = 0; i < 1000; i++) {
		logbuf_tracer_stats(t, &st);
		if (st.records >= DELAY_N)
			break;
		usleep(10000);
	}
	tr_write("events/synthetic/kbench_lat/enable", "0");
	logbuf_tracer_close(t);
	f = fopen(TRACING "trace", "r");
	if (!f)
		die("trace", errno);
	while (n < DELAY_N && fgets(line, sizeof(line), f)) {
		char *e = strstr(line, ": kbench_lat:"), *b;
		unsigned long long t0;
		double ts;

		if (!e || !(b = strstr(e, " t0=")) ||
		    sscanf(b, " t0=%llu", &t0) != 1)
			continue;
		for (b = e; b > line && b[-1] != ' '; b--)
			;
		if (sscanf(b, "%lf", &ts) != 1)
			continue;
		/* The trace's microseconds against the event's nanoseconds. */
		d[n++] = (uint64_t)(ts * 1e6) * 1000 > t0 ?
			 (uint64_t)(ts * 1e6) * 1000 - t0 : 0;
	}
	fclose(f);
	tr_write("trace_clock", "local");
	tr_write("trace", "");
	if (n < DELAY_N) {
		fprintf(stderr, "kbench: typed delay: %d of %d events in the "
			"trace\n", n, DELAY_N);
		return -1;
	}
	qsort(d, n, sizeof(d[0]), cmp_u64);
	*p50 = d[n / 2] / 1e3;
	*p99 = d[n * 99 / 100] / 1e3;
	*max = d[n - 1] / 1e3;
	return 0;
}

/* ---- u2u: user -> user ------------------------------------------------- */

enum { U_PIPE, U_DEV_BUSY, U_DEV_PARKED, U_HEAP_BUSY, U_HEAP_PARKED };

struct u2u {
	struct logbuf_sender *tx;
	struct logbuf_receiver *rx;
	int pipe[2];
	_Alignas(CL) uint64_t sent;
	_Alignas(CL) uint64_t got, bad;
};

static void *u2u_producer(void *arg)
{
	struct u2u *u = arg;
	uint64_t rec[REC / 8] = { 0 }, seq = 0;

	pin(0);
	while (!atomic_load(&go))
		;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		rec[0] = seq;
		if (u->tx) {
			int err = logbuf_try_send(u->tx, rec, REC);

			if (err == -EAGAIN) {
				__builtin_ia32_pause();
				continue;
			}
			if (err)
				die("logbuf_try_send", -err);
		} else if (write(u->pipe[1], rec, REC) != REC) {
			die("pipe write", errno);
		}
		seq++;
	}
	u->sent = seq;
	/* The receiver sees the sender leave (EPIPE / EOF). */
	if (u->tx)
		logbuf_sender_free(u->tx);
	else
		close(u->pipe[1]);
	return NULL;
}

static void u2u_consume(struct u2u *u, bool parked)
{
	uint64_t expect = 0, bad = 0;

	for (;;) {
		const uint64_t *d;
		size_t len;

		if (u->rx) {
			int err = parked ? logbuf_recv(u->rx, (const void **)&d,
						      &len, -1) :
				  logbuf_try_recv(u->rx, (const void **)&d, &len);

			if (err == -EAGAIN)
				continue;
			if (err == -EPIPE)
				break;
			if (err)
				die("logbuf_recv", -err);
			bad += len != REC || d[0] != expect;
		} else {
			uint64_t rec[REC / 8];
			ssize_t n = read(u->pipe[0], rec, REC);

			if (!n)
				break;
			if (n != REC)
				die("pipe read", n < 0 ? errno : EIO);
			bad += rec[0] != expect;
		}
		expect++;
	}
	u->got = expect;
	u->bad = bad;
}

static void *u2u_timer(void *arg)
{
	(void)arg;
	sleep_window();
	atomic_store(&stop, 1);
	return NULL;
}

/*
 * m[0]: records per second, m[1]: doorbells per record, m[2]: wake-ups
 * per record (both from LOGBUF_IOC_STATS, /dev/logbuf rings only), m[3]:
 * records missing or out of order (must be 0).
 */
static int run_u2u(struct cand *c, double m[NMET])
{
	struct logbuf_stats st = { .size = sizeof(st) };
	struct u2u u = { .pipe = { -1, -1 } };
	bool dev = c->mode == U_DEV_BUSY || c->mode == U_DEV_PARKED;
	bool parked = c->mode == U_DEV_PARKED || c->mode == U_HEAP_PARKED;
	pthread_t th, tm;
	int pfd = -1, cfd = -1, err;
	double t0, dt;

	atomic_store(&go, 0);
	atomic_store(&stop, 0);
	if (c->mode == U_PIPE) {
		if (pipe(u.pipe))
			die("pipe", errno);
	} else if (dev) {
		err = logbuf_dev_create(RING, 0, &pfd, &cfd);
		if (err)
			die("logbuf_dev_create", -err);
		u.tx = logbuf_sender_open(pfd);
		u.rx = logbuf_receiver_open(cfd);
		close(pfd);	/* the sender holds the producer end */
		if (!u.tx || !u.rx)
			die("opening the ends", errno);
	} else {
		err = logbuf_channel_new(RING, 0, &u.tx, &u.rx);
		if (err)
			die("logbuf_channel_new", -err);
	}
	pthread_create(&th, NULL, u2u_producer, &u);
	pin(1);
	pthread_create(&tm, NULL, u2u_timer, NULL);
	t0 = now();
	atomic_store(&go, 1);
	u2u_consume(&u, parked);
	dt = now() - t0;
	pthread_join(tm, NULL);
	pthread_join(th, NULL);
	unpin();
	if (dev) {
		ioctl(cfd, LOGBUF_IOC_STATS, &st);
		close(cfd);
	}
	if (u.rx)
		logbuf_receiver_free(u.rx);
	else
		close(u.pipe[0]);
	m[0] = u.got / dt;
	m[1] = dev ? (double)st.doorbells / u.got : 0;
	m[2] = dev ? (double)st.wakeups / u.got : 0;
	m[3] = (double)(u.sent - u.got) + u.bad;
	return 0;
}

/* ---- candidates and rounds -------------------------------------------- */

#define FT(nm, t) { .group = "ftrace", .name = nm, .threads = t, \
	.run = run_ftrace, \
	.met = { "landed/s", "producer ns/rec", "missing", "refused/rec", \
		 "doorbells/rec" } }
#define U2U(nm, md) { .group = "u2u", .name = nm, .threads = 1, \
	.mode = md, .run = run_u2u, \
	.met = { "records/s", "doorbells/rec", "wakeups/rec", "lost" } }

static const struct cand fixed_cands[] = {
	FT("logbuf ring", 1),
	FT("typed event", 1),
	FT("trace_marker", 1),
	FT("logbuf ring", 2),
	FT("typed event", 2),
	FT("trace_marker", 2),
	U2U("pipe", U_PIPE),
	U2U("/dev/logbuf ring, busy", U_DEV_BUSY),
	U2U("heap channel, busy", U_HEAP_BUSY),
	U2U("/dev/logbuf ring, parked", U_DEV_PARKED),
	U2U("heap channel, parked", U_HEAP_PARKED),
};

#define MAXCANDS	160
static struct cand cands[MAXCANDS];
static int ncands;
#define NCANDS	ncands

static const char *const bpf_kinds[] = {
	"tp_output", "tp_reserve", "raw_output", "raw_reserve",
	"btf_output", "btf_reserve",
};
#define NKINDS	(int)(sizeof(bpf_kinds) / sizeof(bpf_kinds[0]))

static const char *const mode_names[] = { "busy", "parked", "nowake" };
static const char *const kp_kinds[] = { "kprobe_output", "kprobe_reserve" };

/* A kernel -> user candidate; its name is built from its parts. */
static void add_sys(int src, int threads, int mode, int peer, int kind,
		    int wake_us, bool pinned)
{
	struct cand *c = &cands[ncands++];
	char name[64], prog[32];

	if (ncands > MAXCANDS)
		die("too many candidates", E2BIG);
	if (peer == P_NONE)
		snprintf(name, sizeof(name), "untraced");
	else if (peer == P_BPF)
		snprintf(name, sizeof(name), "bpf %s %s%s", src == S_KP ?
			 kp_kinds[kind] : bpf_kinds[kind],
			 mode == NOWAKE ? "no-wakeup, 10ms poll" :
			 mode_names[mode], pinned ? " pinned" : "");
	else if (wake_us >= 0)
		snprintf(name, sizeof(name), "logbuf %s, wakeup %dus",
			 mode_names[mode], wake_us);
	else
		snprintf(name, sizeof(name), "logbuf%s %s%s",
			 peer == P_PERCPU ? " per-cpu" : "", mode_names[mode],
			 pinned ? " pinned" : "");
	snprintf(prog, sizeof(prog), "%s_%s", src == S_EV ? "ev" : "sys",
		 peer == P_BPF ? bpf_kinds[kind] : "");
	if (src == S_KP)
		snprintf(prog, sizeof(prog), "kp_%s", kind ? "reserve" :
			 "output");
	*c = (struct cand){
		.group = src == S_EV ? "event" : src == S_KP ? "probe" :
			 "syscall",
		.name = strdup(name), .threads = threads, .mode = mode,
		.src = src, .peer = peer,
		.prog = peer == P_BPF ? strdup(prog) : NULL,
		.wake_us = wake_us, .pinned = pinned, .run = run_syscall,
		.met = { "events/s", "calls/s/thread", "lost", "cpu ns/call",
			 "wakeups/kev" },
	};
}

/*
 * Per source, threads and mode: untraced, logbuf (the ring's default
 * wake-up policy; parked also with 0 us and 1 ms), every BPF program;
 * parked also BPF without wake-ups, polled every 10 ms.
 */
static void build_cands(void)
{
	int src, t, mode, k;

	for (src = S_SYS; src <= S_KP; src++) {
		for (t = 1; t <= MAXT; t++) {
			if (src == S_SYS)
				add_sys(src, t, UNTRACED, P_NONE, 0, -1, false);
			for (mode = BUSY; mode <= PARKED && src == S_KP;
			     mode++) {
				add_sys(src, t, mode, P_LOGBUF, 0, -1, false);
				for (k = 0; k < 2; k++)
					add_sys(src, t, mode, P_BPF, k, -1,
						false);
				for (k = 0; k < 2 && mode == PARKED; k++)
					add_sys(src, t, NOWAKE, P_BPF, k, -1,
						false);
			}
			for (mode = BUSY; mode <= PARKED && src != S_KP;
			     mode++) {
				add_sys(src, t, mode, P_LOGBUF, 0, -1, false);
				if (mode == PARKED) {
					add_sys(src, t, mode, P_LOGBUF, 0, 0, false);
					add_sys(src, t, mode, P_LOGBUF, 0, 1000,
						false);
				}
				for (k = 0; k < NKINDS; k++)
					add_sys(src, t, mode, P_BPF, k, -1, false);
				if (mode == PARKED)
					for (k = 0; k < NKINDS; k++)
						add_sys(src, t, NOWAKE, P_BPF, k,
							-1, false);
			}
		}
	}
	add_sys(S_SYS, 2, BUSY, P_LOGBUF, 0, -1, true);
	add_sys(S_SYS, 2, BUSY, P_PERCPU, 0, -1, true);
	add_sys(S_SYS, 2, BUSY, P_BPF, 0, -1, true);
	for (k = 0; k < (int)(sizeof(fixed_cands) / sizeof(fixed_cands[0]));
	     k++)
		cands[ncands++] = fixed_cands[k];
	ncands += tool_cands(&cands[ncands], MAXCANDS - ncands);
}

static struct cand *find(const char *group, const char *name, int threads)
{
	int k;

	for (k = 0; k < NCANDS; k++)
		if (!strcmp(cands[k].group, group) &&
		    !strcmp(cands[k].name, name) && cands[k].threads == threads)
			return &cands[k];
	return NULL;
}

double med(const struct cand *c, int i)
{
	double lo, hi;

	return c ? median(c->v[i], c->n, &lo, &hi) : 0;
}

static void ratio(const char *what, double a, double b)
{
	printf("  %-58s %6.2fx\n", what, b > 0 ? a / b : 0);
}

/* What the report compares: metric @met of candidate @a over @b. */
static const struct ratio_def {
	const char *what;	/* a format for the thread count */
	const char *group, *a, *b;
	int threads, met;
} ratios[] = {
#define R(w, g, a, b, t, m) { w, g, a, b, t, m }
#define BY_THREADS(w, g, a, b, m) R(w, g, a, b, 1, m), R(w, g, a, b, 2, m)
	BY_THREADS("ftrace %dt: landed/s logbuf / trace_marker", "ftrace",
		   "logbuf ring", "trace_marker", 0),
	BY_THREADS("ftrace %dt: producer cost trace_marker / logbuf", "ftrace",
		   "trace_marker", "logbuf ring", 1),
	BY_THREADS("ftrace %dt: landed/s typed event / trace_marker", "ftrace",
		   "typed event", "trace_marker", 0),
	BY_THREADS("ftrace %dt: producer cost trace_marker / typed", "ftrace",
		   "trace_marker", "typed event", 1),
	BY_THREADS("ftrace %dt: landed/s typed event / logbuf ring", "ftrace",
		   "typed event", "logbuf ring", 0),
	R("syscall %dt pinned: logbuf per-cpu / logbuf shared", "syscall",
	  "logbuf per-cpu busy pinned", "logbuf busy pinned", 2, 0),
	R("syscall %dt pinned: logbuf per-cpu / bpf", "syscall",
	  "logbuf per-cpu busy pinned", "bpf tp_output busy pinned", 2, 0),
	R("syscall %dt pinned: producer cpu ns/call, shared / per-cpu",
	  "syscall", "logbuf busy pinned", "logbuf per-cpu busy pinned", 2, 3),
	R("u2u: /dev/logbuf busy / pipe", "u2u", "/dev/logbuf ring, busy",
	  "pipe", 1, 0),
	R("u2u: /dev/logbuf busy / heap busy", "u2u",
	  "/dev/logbuf ring, busy", "heap channel, busy", 1, 0),
	R("u2u: /dev/logbuf parked / heap parked", "u2u",
	  "/dev/logbuf ring, parked", "heap channel, parked", 1, 0),
#undef BY_THREADS
#undef R
};

/*
 * Delivery latency of each wake-up policy, pooled over the rounds: the
 * consumer parked, one event a millisecond (syscall source, 1 thread).
 */
static struct latc {
	const char *name;
	int peer, mode, wake_us;
	const char *prog;
	uint64_t d[LAT_N * MAXROUNDS];
	int n;
} lats[] = {
#define LAT(nm, p, md, us, pg) { .name = nm, .peer = p, .mode = md, \
	.wake_us = us, .prog = pg }
	LAT("logbuf, default policy", P_LOGBUF, PARKED, -1, NULL),
	LAT("logbuf, wakeup 0 (every record)", P_LOGBUF, PARKED, 0, NULL),
	LAT("logbuf, wakeup 1ms", P_LOGBUF, PARKED, 1000, NULL),
	LAT("bpf btf_reserve, ring_buffer__poll", P_BPF, PARKED, -1,
	    "sys_btf_reserve"),
	LAT("bpf btf_reserve, no-wakeup, 10ms poll", P_BPF, NOWAKE, -1,
	    "sys_btf_reserve"),
#undef LAT
};
#define NLATS	(int)(sizeof(lats) / sizeof(lats[0]))

static int run_latency(struct latc *l)
{
	struct cand c = {
		.group = "syscall", .name = l->name, .threads = 1,
		.mode = l->mode, .src = S_SYS, .peer = l->peer,
		.prog = l->prog, .wake_us = l->wake_us,
	};
	double m[NMET];
	int err;

	lat_buf = l->d + l->n;
	lat_n = 0;
	err = run_syscall(&c, m);
	lat_buf = NULL;
	if (!err && lat_n < LAT_N) {
		fprintf(stderr, "kbench: latency %s: %d of %d events\n",
			l->name, lat_n, LAT_N);
		err = -1;
	}
	if (!err)
		l->n += lat_n;
	return err;
}

/*
 * Per row of the kernel -> user groups: logbuf (the default wake-up
 * policy) against the best BPF peer of the row, events/s and the tracing
 * CPU per call (the producer's CPU per call minus the untraced one's).
 */
static void report_rows(void)
{
	static const int policies[] = { -1, 1000 };
	int src, t, mode, k, p;

	printf("\nKernel -> user, worst ratio per row: logbuf against the best "
	       "BPF peer of the row\n");
	printf("%-6s %3s %-6s %-9s %11s %11s %-30s %7s %8s %8s %7s\n",
	       "source", "thr", "mode", "wakeup", "logbuf ev/s", "best bpf",
	       "(peer)", "ratio", "lb cpu", "bpf cpu", "cpu x");
	for (src = S_SYS; src <= S_KP; src++)
		for (t = 1; t <= MAXT; t++)
			for (mode = BUSY; mode <= PARKED; mode++)
				for (p = 0; p < (mode == PARKED ? 2 : 1); p++) {
				struct cand *lb = NULL, *best = NULL,
					    *cheap = NULL, *un = NULL;
				double base, lbc, bc;

				for (k = 0; k < NCANDS; k++) {
					struct cand *c = &cands[k];

					if (c->run != run_syscall ||
					    c->threads != t || c->pinned)
						continue;
					if (c->peer == P_NONE)
						un = c;
					if (c->src != src)
						continue;
					if (c->peer == P_LOGBUF &&
					    c->wake_us == policies[p] &&
					    c->mode == mode)
						lb = c;
					if (c->peer != P_BPF ||
					    (c->mode != mode &&
					     !(mode == PARKED &&
					       c->mode == NOWAKE)))
						continue;
					if (!best || med(c, 0) > med(best, 0))
						best = c;
					if (!cheap || med(c, 3) < med(cheap, 3))
						cheap = c;
				}
				if (!lb || !best || !un || !lb->n)
					continue;
				base = med(un, 3);
				lbc = med(lb, 3) - base;
				bc = med(cheap, 3) - base;
				printf("%-6s %3d %-6s %-9s %11.4g %11.4g %-30s "
				       "%6.2fx %8.0f %8.0f %6.2fx\n",
				       src_names[src], t, mode_names[mode],
				       policies[p] < 0 ? "default" : "1ms",
				       med(lb, 0), med(best, 0), best->name + 4,
				       med(best, 0) > 0 ?
				       med(lb, 0) / med(best, 0) : 0,
				       lbc, bc, lbc > 0 ? bc / lbc : 0);
				}
	printf("  (cpu: ns per traced call above the untraced call's, the "
	       "producer's; cpu x: the cheapest BPF peer's over logbuf's)\n");
}

static void report_latency(void)
{
	int k;

	printf("\nDelivery latency, event to consumer, one event a ms, "
	       "consumer parked (us)\n");
	printf("  %-40s %6s %8s %8s %8s\n", "policy", "n", "p50", "p99",
	       "max");
	for (k = 0; k < NLATS; k++) {
		struct latc *l = &lats[k];

		if (!l->n)
			continue;
		qsort(l->d, l->n, sizeof(l->d[0]), cmp_u64);
		printf("  %-40s %6d %8.0f %8.0f %8.0f\n", l->name, l->n,
		       l->d[l->n / 2] / 1e3, l->d[l->n * 99 / 100] / 1e3,
		       l->d[l->n - 1] / 1e3);
	}
}

static void report(FILE *f, int rounds)
{
	const char *g = "";
	int k, i;

	printf("\nMedians of %d rounds of %d ms (spread = min..max)\n", rounds,
	       window_ms);
	for (k = 0; k < NCANDS; k++) {
		struct cand *c = &cands[k];

		if (strcmp(g, c->group)) {
			g = c->group;
			printf("\n%-8s %-26s %3s", g, "candidate", "thr");
			for (i = 0; i < NMET && c->met[i]; i++)
				printf(" %28s", c->met[i]);
			printf("\n");
		}
		printf("%-8s %-26s %3d", "", c->name, c->threads);
		for (i = 0; i < NMET && c->met[i]; i++) {
			double lo, hi, m = median(c->v[i], c->n, &lo, &hi);
			char b[64];

			snprintf(b, sizeof(b), "%.4g (%.3g..%.3g)", m, lo, hi);
			printf(" %28s", b);
		}
		printf("\n");
	}
	report_rows();
	report_tools(cands, NCANDS);
	report_latency();
	printf("\nRatios of medians (this run)\n");
	for (k = 0; k < (int)(sizeof(ratios) / sizeof(ratios[0])); k++) {
		const struct ratio_def *d = &ratios[k];
		char w[96];

		snprintf(w, sizeof(w), d->what, d->threads);
		ratio(w, med(find(d->group, d->a, d->threads), d->met),
		      med(find(d->group, d->b, d->threads), d->met));
	}
	if (!f)
		return;
	fprintf(f, "{\n  \"window_ms\": %d, \"rounds\": %d,\n  \"results\": [\n",
		window_ms, rounds);
	for (k = 0; k < NCANDS; k++) {
		struct cand *c = &cands[k];

		fprintf(f, "    {\"group\": \"%s\", \"name\": \"%s\", \"threads\": %d",
			c->group, c->name, c->threads);
		for (i = 0; i < NMET && c->met[i]; i++) {
			double lo, hi, m = median(c->v[i], c->n, &lo, &hi);

			fprintf(f, ", \"%s\": [%.6g, %.6g, %.6g]", c->met[i], m, lo, hi);
		}
		fprintf(f, "}%s\n", k + 1 < NCANDS ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
}

/* --only GROUP; "kernel": syscall, event and latency. */
static bool wanted(const char *group)
{
	if (!only || !strcmp(only, group))
		return true;
	return !strcmp(only, "kernel") && (!strcmp(group, "syscall") ||
					   !strcmp(group, "event") ||
					   !strcmp(group, "probe") ||
					   !strcmp(group, "latency"));
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--rounds N] [--window-ms MS] [--bpf OBJ] "
		"[--only kernel|syscall|event|probe|latency|ftrace|u2u|"
		"tools]\n       [--match STR] [--json FILE] [--tool LOGBUF]\n",
		argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *json = NULL;
	int rounds = 7, r, k, i, fails = 0;
	FILE *f = NULL;

	for (i = 1; i < argc; i++) {
		char *end = NULL;

		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = strtol(argv[++i], &end, 10);
		else if (!strcmp(argv[i], "--window-ms") && i + 1 < argc)
			window_ms = strtol(argv[++i], &end, 10);
		else if (!strcmp(argv[i], "--bpf") && i + 1 < argc)
			bpf_path = argv[++i];
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--tool") && i + 1 < argc)
			logbuf_tool = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--match") && i + 1 < argc &&
			 nmatch < 8)
			match[nmatch++] = argv[++i];
		else
			usage(argv[0]);
		if (end && *end)
			usage(argv[0]);
	}
	if (rounds < 1 || rounds > MAXROUNDS || window_ms < 10 ||
	    window_ms > 60000)
		usage(argv[0]);
	self = getpid();
	build_cands();
	bpf_open();
	if (wanted("probe") || wanted("tools"))
		kprobe_event();
	/* Only the events under test, into buffers that hold a window. */
	tr_write("tracing_on", "0");
	tr_write("events/enable", "0");
	tr_write("buffer_size_kb", "131072");
	tr_write("trace_clock", "local");
	if (tr_write("events/logbuf/logbuf_record/enable", "1"))
		die("enabling logbuf:logbuf_record", ENOENT);
	tr_write("tracing_on", "1");
	fprintf(stderr, "kbench: %d candidates x %d rounds of %d ms, alternating\n",
		NCANDS, rounds, window_ms);
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < NCANDS; k++) {
			struct cand *c = &cands[(k + r * 3) % NCANDS];
			double m[NMET] = { 0 };

			/* The untraced baseline serves every source. */
			if (!wanted(c->group) &&
			    !(c->run == run_syscall && c->peer == P_NONE &&
			      (wanted("event") || wanted("probe") ||
			       wanted("tools"))))
				continue;
			if (nmatch) {
				char gn[128];
				int j;

				snprintf(gn, sizeof(gn), "%s %s %dt", c->group,
					 c->name, c->threads);
				for (j = 0; j < nmatch && !strstr(gn, match[j]);
				     j++)
					;
				if (j == nmatch)
					continue;
			}
			/* Progress, so that a window that never ends is named. */
			fprintf(stderr, "kbench: round %d: %s %s, %d thread%s\n",
				r + 1, c->group, c->name, c->threads,
				c->threads > 1 ? "s" : "");
			if (c->run(c, m)) {
				fails++;
				continue;
			}
			for (i = 0; i < NMET; i++)
				c->v[i][c->n] = m[i];
			c->n++;
		}
		for (k = 0; k < NLATS && wanted("latency"); k++) {
			fprintf(stderr, "kbench: round %d: latency %s\n", r + 1,
				lats[(k + r) % NLATS].name);
			if (run_latency(&lats[(k + r) % NLATS]))
				fails++;
		}
		fprintf(stderr, "  round %d/%d done\n", r + 1, rounds);
	}
	tr_write("events/logbuf/logbuf_record/enable", "0");
	tr_write("trace", "");
	if (wanted("probe") || wanted("tools"))
		kprobe_event_delete();
	if (!only || !strcmp(only, "ftrace")) {
		double p50, p99, max;

		fprintf(stderr, "kbench: typed event delivery delay\n");
		if (typed_delay(&p50, &p99, &max))
			fails++;
		else
			printf("typed event, %d events 2 ms apart: commit to "
			       "trace buffer p50 %.0f us, p99 %.0f us, max "
			       "%.0f us\n\n", DELAY_N, p50, p99, max);
	}
	if (json) {
		f = fopen(json, "w");
		if (!f)
			die(json, errno);
	}
	report(f, rounds);
	if (f)
		fclose(f);
	return fails ? 1 : 0;
}
