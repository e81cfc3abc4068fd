// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * logbuf trace: kernel trace events through one ring or a ring per CPU,
 * printed, written raw (-o), as a timeline (--perfetto) or kept in a flight
 * recorder (-F).
 */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>

#include "logbuf.h"
#include "cli.h"
#include "decode.h"
#include "filter.h"
#include "merge.h"
#include "output.h"
#include "parse.h"
#include "perfetto.h"
#include "probe.h"
#include "stack.h"

struct trace_opts {
	double duration;
	const char *out;
	const char *perfetto;
	uint64_t size;
	uint64_t flight;	/* --flight-recorder: bytes kept */
	const char *filter;	/* --filter: the expression */
	const char *instance;	/* ... compiled in this trace instance */
	bool per_cpu;
	int32_t tgid, tid;
	uint8_t cpus[1024];	/* bitmap, --cpu */
	bool have_cpus;
	bool have_wakeup;	/* --wakeup: else the module's default */
	uint32_t wakeup_us;
	uint32_t stack;		/* --stack: LOGBUF_STACK_* for every event */
	uint32_t stack_depth;	/* --stack-depth, 0: the module's maximum */
	uint64_t stack_size;	/* --stack-size: user stack bytes copied */
	bool have_stack_size;
	bool folded;		/* --folded */
};

enum { OPT_STACK = 256, OPT_STACK_DEPTH, OPT_STACK_SIZE, OPT_FOLDED };

/* The user stack bytes each event copies unless told: perf's default. */
#define STACK_SIZE_DEFAULT	8192

static int parse_stack(const char *arg, uint32_t *out)
{
	if (!strcmp(arg, "kernel"))
		*out = LOGBUF_STACK_KERNEL;
	else if (!strcmp(arg, "user"))
		*out = LOGBUF_STACK_USER;
	else if (!strcmp(arg, "both"))
		*out = LOGBUF_STACK_ALL;
	else {
		fprintf(stderr, "logbuf: --stack takes kernel, user or both, "
			"not '%s'\n", arg);
		return -1;
	}
	return 0;
}

static int trace_opt(int ch, const char *arg, void *ctx)
{
	struct trace_opts *o = ctx;

	switch (ch) {
	case 'd':
		return parse_seconds("--duration", arg, &o->duration);
	case 'o':
		o->out = arg;
		return 0;
	case 's':
		return parse_size("--ring-size", arg, 4096,
				  LOGBUF_MAX_CAPACITY, &o->size);
	case 'c':
		o->per_cpu = true;
		return 0;
	case 'p':
		return parse_id("--pid", arg, &o->tgid);
	case 't':
		return parse_id("--tid", arg, &o->tid);
	case 'C':
		o->have_cpus = true;
		return parse_cpus(arg, o->cpus);
	case 'P':
		o->perfetto = arg;
		return 0;
	case 'f':
		o->filter = arg;
		return 0;
	case 'F':
		return parse_size("--flight-recorder", arg, 1024,
				  LOGBUF_MAX_CAPACITY, &o->flight);
	case 'w':
		o->have_wakeup = true;
		return parse_duration_us("--wakeup", arg, LOGBUF_WAKEUP_MAX_US,
					 &o->wakeup_us);
	case OPT_STACK:
		return parse_stack(arg, &o->stack);
	case OPT_STACK_DEPTH: {
		uint64_t n;

		if (parse_size("--stack-depth", arg, 1,
			       LOGBUF_STACK_DEPTH_MAX, &n))
			return -1;
		o->stack_depth = n;
		return 0;
	}
	case OPT_STACK_SIZE:
		o->have_stack_size = true;
		if (parse_size("--stack-size", arg, 0, LOGBUF_USTACK_MAX,
			       &o->stack_size))
			return -1;
		if (o->stack_size % 8) {
			fprintf(stderr, "logbuf: --stack-size must be a "
				"multiple of 8\n");
			return -1;
		}
		return 0;
	case OPT_FOLDED:
		o->folded = true;
		return 0;
	}
	return -1;
}

/*
 * The events: logbuf's own sources by their short names, dynamic probes
 * (kprobe:..., tools/probe.h; into @specs), any trace event as
 * SYSTEM:EVENT (into @names); at most LOGBUF_EVENTS_MAX of the last two.
 */
static int parse_events(const char *s, uint32_t *ev, char **names, int *n,
			char **specs, int *nr_specs)
{
	char *copy = strdup(s), *tok, *save = NULL;

	*ev = 0;
	*n = 0;
	*nr_specs = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (probe_is(tok)) {
			if (*n + *nr_specs == LOGBUF_EVENTS_MAX)
				goto too_many;
			specs[(*nr_specs)++] = strdup(tok);
		} else if (strchr(tok, ':')) {
			if (*n + *nr_specs == LOGBUF_EVENTS_MAX)
				goto too_many;
			names[(*n)++] = strdup(tok);
		} else if (!strcmp(tok, "sched_switch")) {
			*ev |= LOGBUF_EV_SCHED_SWITCH;
		} else if (!strcmp(tok, "exec")) {
			*ev |= LOGBUF_EV_EXEC;
		} else if (!strcmp(tok, "syscalls")) {
			*ev |= LOGBUF_EV_SYS_ENTER;
		} else {
			fprintf(stderr, "logbuf: unknown event '%s' (known: "
				"sched_switch, exec, syscalls, any trace "
				"event as SYSTEM:EVENT, kprobe:, kretprobe:, "
				"uprobe:, uretprobe:, usdt:)\n", tok);
			goto bad;
		}
	}
	free(copy);
	return *ev || *n || *nr_specs ? 0 : -1;
too_many:
	fprintf(stderr, "logbuf: at most %d trace events and probes\n",
		LOGBUF_EVENTS_MAX);
bad:
	free(copy);
	return -1;
}

struct trace_out {
	FILE *f;
	bool raw, json, folded;
	struct perfetto *pf;
	uint64_t events, bytes;
	uint64_t lost;		/* the sum of the loss records' counts */
};

static void trace_record(void *ctx, const void *d, size_t len)
{
	const struct logbuf_ev_loss *loss = d;
	struct trace_out *t = ctx;

	if (len >= sizeof(*loss) && loss->ev.type == LOGBUF_EV_LOSS) {
		t->lost += loss->lost;
	} else if (len >= sizeof(struct logbuf_ev_cpu) &&
		   loss->ev.type == LOGBUF_EV_CPU) {
		const struct logbuf_ev_cpu *e = d;

		/* Also for scripts, which wait for it on stderr. */
		fprintf(stderr, "logbuf: CPU %u %s\n", e->ev.cpu, e->online ?
			"online: traced from here" :
			"offline: no longer traced");
	} else {
		t->events++;
	}
	t->bytes += len;
	if (t->pf)
		perfetto_record(t->pf, d, len);
	if (t->raw) {
		uint32_t l = len;

		fwrite(&l, sizeof(l), 1, t->f);
		fwrite(d, len, 1, t->f);
	} else if (t->folded) {
		stack_fold(d, len);
	} else {
		print_event(t->f, d, len, t->json);
	}
}

/*
 * What one ring has committed, at most @cap bytes of it (producers faster
 * than the tool cannot keep it here forever), to @m or straight out.
 * Returns -errno on a broken ring.
 */
static int trace_drain(struct logbuf_receiver *rx, uint64_t cap,
		       struct merge *m, struct trace_out *t)
{
	uint64_t taken = 0;
	const void *d;
	size_t len;
	int err = 0;

	while (taken < cap && !(err = logbuf_try_recv(rx, &d, &len))) {
		taken += len + 8;
		if (!m)
			trace_record(t, d, len);
		else if (merge_add(m, d, len))
			return -ENOMEM;
	}
	if (taken >= cap)
		return 0;
	return err == -EAGAIN || err == -EPIPE ? 0 : err;
}

/* The rings: one, or one per possible CPU (logbuf_attach.ring_fds). */
struct trace_rings {
	int nr;
	int *cfd;
	struct logbuf_receiver **rx;
	struct logbuf_ring **ow;	/* --flight-recorder: overwrite rings */
	struct merge *m;
	uint64_t cap;
	int ep;			/* epoll on every consumer end */
};

/* CPUs the kernel may run: one more than the last in .../possible. */
static int possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int a = -1, b = -1;
	char sep;

	if (f) {
		if (fscanf(f, "%d%c%d", &a, &sep, &b) < 1)
			a = -1;
		fclose(f);
	}
	if (a < 0)
		return (int)sysconf(_SC_NPROCESSORS_CONF);
	return (b >= 0 ? b : a) + 1;
}

static int trace_open(struct trace_rings *tr, const struct trace_opts *o,
		      uint32_t events, const uint32_t *ids, int nr_ids)
{
	uint32_t stacks[LOGBUF_EVENTS_MAX];
	struct logbuf_attach a = { .size = sizeof(a), .events = events };
	struct logbuf_attach_events ae = {
		.size = sizeof(ae), .nr_ids = nr_ids, .ids = (uintptr_t)ids,
		.tgid = o->tgid, .tid = o->tid,
		.instance = (uintptr_t)o->instance,
		.stack_depth = o->stack_depth,
	};
	int i, err, pfd;

	if (o->stack) {
		for (i = 0; i < nr_ids; i++)
			stacks[i] = o->stack;
		ae.stacks = (uintptr_t)stacks;
		if (o->stack & LOGBUF_STACK_USER)
			ae.ustack_size = o->have_stack_size ? o->stack_size :
				STACK_SIZE_DEFAULT;
	}

	tr->nr = o->per_cpu ? possible_cpus() : 1;
	if (tr->nr < 1)
		return fail("counting the CPUs", EINVAL);
	/*
	 * Default: 4 MiB in one ring, 1 MiB in each of several; a flight
	 * recorder's rings hold the bytes it keeps (a power of two, at least
	 * a page, above it).
	 */
	tr->cap = o->size ? o->size : o->per_cpu ? 1 << 20 : 4 << 20;
	if (o->flight)
		for (tr->cap = 4096; tr->cap < o->flight;)
			tr->cap <<= 1;
	tr->cfd = calloc(tr->nr, sizeof(*tr->cfd));
	tr->rx = calloc(tr->nr, sizeof(*tr->rx));
	tr->ow = calloc(tr->nr, sizeof(*tr->ow));
	if (!tr->cfd || !tr->rx || !tr->ow ||
	    (o->per_cpu && !(tr->m = merge_new())))
		return fail("allocating", ENOMEM);
	tr->ep = epoll_create1(EPOLL_CLOEXEC);
	if (tr->ep < 0)
		return fail("epoll_create1", errno);
	for (i = 0; i < tr->nr; i++) {
		LOGBUF_OPTS(logbuf_dev_opts, d,
			    .flags = LOGBUF_CREATE_KERNEL_PROD |
				     (o->flight ? LOGBUF_CREATE_OVERWRITE : 0) |
				     (o->have_wakeup ? LOGBUF_CREATE_WAKEUP : 0),
			    .wakeup_us = o->wakeup_us);
		struct epoll_event ee = { .events = EPOLLIN };

		err = logbuf_dev_create_opts(tr->cap, &d, &pfd, &tr->cfd[i]);
		if (err)
			return fail(err == -EINVAL && o->flight ?
				    "creating an overwrite ring (module too "
				    "old?)" : err == -EINVAL && o->have_wakeup ?
				    "creating a ring with --wakeup (module too "
				    "old?)" : "creating a ring", -err);
		if (!o->flight &&
		    epoll_ctl(tr->ep, EPOLL_CTL_ADD, tr->cfd[i], &ee))
			return fail("epoll_ctl", errno);
		if (o->flight)
			tr->ow[i] = logbuf_ring_open(tr->cfd[i]);
		else
			tr->rx[i] = logbuf_receiver_open(tr->cfd[i]);
		if (!tr->rx[i] && !tr->ow[i])
			return fail("mapping the ring", errno);
	}
	if (o->per_cpu) {
		a.ring_fds = ae.ring_fds = (uintptr_t)tr->cfd;
		a.nr_rings = ae.nr_rings = tr->nr;
	}
	if (o->have_cpus) {
		ae.cpus = (uintptr_t)o->cpus;
		ae.cpus_size = sizeof(o->cpus);
	}
	if (events && ioctl(tr->cfd[0], LOGBUF_IOC_ATTACH, &a))
		return fail("attaching to the tracepoints", errno);
	if (nr_ids && ioctl(tr->cfd[0], LOGBUF_IOC_ATTACH_EVENTS, &ae))
		return fail(errno == EINVAL && o->have_cpus ?
			    "attaching the events (is every --cpu online?)" :
			    errno == EINVAL && o->stack ?
			    "attaching the events with stacks (module too "
			    "old?)" : "attaching the events", errno);
	return 0;
}

static uint64_t ns_now(void)
{
	struct timespec ts;

	/* The clock of struct logbuf_ev.ts_ns (ktime_get_ns()). */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * One round: every ring; with several, hand out what is older than the
 * start of the previous round (tools/merge.c says why), or everything.
 */
static int trace_round(struct trace_rings *tr, struct trace_out *t,
		       uint64_t *prev, bool last)
{
	uint64_t start = ns_now();
	int i, err;

	for (i = 0; i < tr->nr; i++) {
		err = trace_drain(tr->rx[i], tr->cap, tr->m, t);
		if (err)
			return fail("reading the ring", -err);
	}
	if (tr->m)
		merge_emit(tr->m, last ? UINT64_MAX : *prev, trace_record, t);
	*prev = start;
	return 0;
}

/*
 * The flight recorder's output: the records of the last @keep bytes of
 * each ring, as far as the tail was when the dump began (producers keep
 * going meanwhile), merged by timestamp when there are several.  Records
 * overwritten while we copied them are counted and left out.
 */
/*
 * What a dump of ring @i does not show: the records the kernel overwrote
 * (struct logbuf_stats.overwritten, counted as they went) and those still
 * in the ring before @start, the span's first.  As a loss record before
 * the span's first (@ts); nothing from a module that does not count them.
 */
static void flight_gone(struct trace_rings *tr, struct trace_out *t, int i,
			uint64_t start, uint64_t ts)
{
	struct logbuf_stats st = { .size = sizeof(st) };
	struct logbuf_ev_loss e = { .ev.type = LOGBUF_EV_LOSS,
				    .ev.size = sizeof(e),
				    .source = LOSS_OVERWRITTEN };
	struct logbuf_ow_cursor c = { 0 };
	void *buf = malloc(tr->cap / 2);
	uint64_t older = 0;
	size_t len;

	if (!buf || ioctl(tr->cfd[i], LOGBUF_IOC_STATS, &st) ||
	    st.size < offsetof(struct logbuf_stats, overwritten) +
		      sizeof(st.overwritten)) {
		free(buf);
		return;
	}
	logbuf_ow_seek(tr->ow[i], &c, 0);
	while (c.pos < start &&
	       !logbuf_ow_read(tr->ow[i], &c, buf, tr->cap / 2, &len))
		older++;
	free(buf);
	e.lost = st.overwritten + older;
	if (!e.lost)
		return;
	e.ev.ts_ns = ts;
	e.ev.cpu = tr->nr > 1 ? (uint32_t)i : 0;
	e.last_ns = ts;
	if (!tr->m)
		trace_record(t, &e, sizeof(e));
	else
		merge_add(tr->m, &e, sizeof(e));
}

static int flight_dump(struct trace_rings *tr, struct trace_out *t,
		       uint64_t keep)
{
	uint64_t *buf = malloc(tr->cap / 2), before = t->events;
	struct logbuf_ow_cursor c;
	uint64_t end, start, torn = 0, lost = 0;
	size_t len;
	int i, err = 0;

	if (!buf)
		return fail("dumping", ENOMEM);
	for (i = 0; i < tr->nr; i++) {
		bool first = true;

		memset(&c, 0, sizeof(c));
		end = logbuf_ow_seek(tr->ow[i], &c, keep);
		start = c.pos;
		c.lost = 0;	/* what lies before the span is not lost */
		while (c.pos < end &&
		       !(err = logbuf_ow_read(tr->ow[i], &c, buf, tr->cap / 2,
					      &len))) {
			if (first) {
				first = false;
				flight_gone(tr, t, i, start,
					    ((struct logbuf_ev *)buf)->ts_ns);
			}
			if (!tr->m) {
				trace_record(t, buf, len);
			} else if (merge_add(tr->m, buf, len)) {
				err = -ENOMEM;
				break;
			}
		}
		torn += c.torn;
		lost += c.lost;
		if (c.pos < end && err != -EAGAIN)
			break;
		err = 0;
	}
	free(buf);
	if (err)
		return fail("reading the flight recorder", -err);
	if (tr->m)
		merge_emit(tr->m, UINT64_MAX, trace_record, t);
	fflush(t->f);
	fprintf(stderr, "logbuf: flight recorder: %" PRIu64 " events of the "
		"last %" PRIu64 " bytes%s", t->events - before, keep,
		tr->nr > 1 ? " of each ring" : "");
	if (torn || lost)
		fprintf(stderr, "; %" PRIu64 " overwritten while being read "
			"(%" PRIu64 " bytes, left out)", torn, lost);
	fputc('\n', stderr);
	return 0;
}

/* The options that only make sense together, or not at all. */
static int trace_check(const struct trace_opts *o, uint32_t events)
{
	if ((o->tgid || o->tid || o->have_cpus || o->filter) && events) {
		fprintf(stderr, "logbuf: --pid, --tid, --cpu and --filter "
			"filter SYSTEM:EVENT sources and probes only\n");
		return -1;
	}
	if (o->size & (o->size - 1)) {
		fprintf(stderr, "logbuf: --ring-size must be a power of two\n");
		return -1;
	}
	if (o->size && o->flight) {
		fprintf(stderr, "logbuf: --flight-recorder sets the ring size; "
			"no --ring-size with it\n");
		return -1;
	}
	if (o->have_wakeup && o->flight) {
		fprintf(stderr, "logbuf: a flight recorder is read on demand; "
			"no --wakeup with it\n");
		return -1;
	}
	if ((o->stack_depth || o->have_stack_size || o->folded) &&
	    !o->stack) {
		fprintf(stderr, "logbuf: --stack-depth, --stack-size and "
			"--folded need --stack\n");
		return -1;
	}
	if (o->have_stack_size && !(o->stack & LOGBUF_STACK_USER)) {
		fprintf(stderr, "logbuf: --stack-size is the user stack's "
			"copy: --stack user or both\n");
		return -1;
	}
	if (o->stack && events) {
		fprintf(stderr, "logbuf: --stack is for SYSTEM:EVENT sources "
			"and probes only\n");
		return -1;
	}
	if (o->folded && (o->out || o->perfetto)) {
		fprintf(stderr, "logbuf: --folded prints on standard output; "
			"no --output or --perfetto with it\n");
		return -1;
	}
	return 0;
}

/*
 * Until a signal or the deadline: a flight recorder reads nothing until
 * SIGUSR1; otherwise drain, then park in epoll on every ring.  The rings'
 * wake-up policy (--wakeup) bounds how long an event waits and batches
 * the wake-ups: no system call per record (the syscall source would see
 * each), and no wake-up per event (sched_switch would see each).  Events
 * the merge holds back are handed out within 10 ms.
 */
static void trace_park(struct trace_rings *tr, double deadline,
		       double progress, double tn)
{
	struct epoll_event ee[8];
	double until = tr->m && merge_held(tr->m) ? tn + 0.01 : 0;
	sigset_t block, old;
	int ms = -1;

	if (deadline && (!until || deadline < until))
		until = deadline;
	if (progress && (!until || progress < until))
		until = progress;
	if (until)
		ms = (int)((until - tn) * 1000 + 1);
	/*
	 * SIGINT and SIGTERM are blocked from the look at cli_stop until
	 * epoll_pwait() unblocks them, atomically: one that came after the
	 * caller's look and before the sleep (while a round was printing)
	 * would otherwise be handled outside the sleep, which then waits
	 * for an event that may never come.  EINTR: the caller looks.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (!cli_stop)
		epoll_pwait(tr->ep, ee, 8, ms, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static int trace_loop(struct trace_rings *tr, struct trace_out *t,
		      const struct trace_opts *o, double t0, uint64_t *prev)
{
	bool tty = isatty(STDERR_FILENO);
	double deadline = o->duration ? t0 + o->duration : 0;
	double tn, next_progress = t0 + 1;
	int err;

	while (!cli_stop) {
		if (o->flight) {
			if (cli_dump_now) {
				cli_dump_now = 0;
				err = flight_dump(tr, t, o->flight);
				if (err)
					return err;
			}
			if (deadline && cli_now() >= deadline)
				break;
			usleep(20000);
			continue;
		}
		err = trace_round(tr, t, prev, false);
		if (err)
			return err;
		tn = cli_now();
		if (deadline && tn >= deadline)
			break;
		if (tty && tn >= next_progress) {
			next_progress = tn + 1;
			fprintf(stderr, "\rlogbuf: %" PRIu64 " events", t->events);
		}
		trace_park(tr, deadline, tty ? next_progress : 0, tn);
	}
	if (tty)
		fputc('\r', stderr);
	return 0;
}

/* Close the rings and sum what their producers dropped. */
static uint64_t trace_close(struct trace_rings *tr)
{
	struct logbuf_stats st = { .size = sizeof(st) };
	uint64_t dropped = 0;
	int i;

	for (i = 0; i < tr->nr; i++) {
		if (!ioctl(tr->cfd[i], LOGBUF_IOC_STATS, &st))
			dropped += st.dropped;
		logbuf_receiver_free(tr->rx[i]);
		logbuf_ring_free(tr->ow[i]);
		close(tr->cfd[i]);
	}
	merge_free(tr->m);
	if (tr->ep >= 0)
		close(tr->ep);
	free(tr->rx);
	free(tr->ow);
	free(tr->cfd);
	return dropped;
}

/* This run's probes: deleted after the detach, or at any exit. */
static struct probes *trace_probes;

static void trace_probes_free(void)
{
	probes_free(trace_probes);
	trace_probes = NULL;
}

/* Make the probes @specs name; their events join @names. */
static int trace_make_probes(char **specs, int nr_specs, char **names,
			     int *nr_ids)
{
	int i, err = 0;

	if (!nr_specs)
		return 0;
	trace_probes = probes_new(specs[0]);
	if (!trace_probes)
		err = -1;
	else
		atexit(trace_probes_free);
	for (i = 0; i < nr_specs; i++) {
		if (!err)
			err = probes_add(trace_probes, specs[i], names, nr_ids,
					 LOGBUF_EVENTS_MAX);
		free(specs[i]);
	}
	return err;
}

int cmd_trace(const struct cmd *c, struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "raw", required_argument, NULL, 'o' },	/* old name */
		{ "ring-size", required_argument, NULL, 's' },
		{ "per-cpu", no_argument, NULL, 'c' },
		{ "pid", required_argument, NULL, 'p' },
		{ "tid", required_argument, NULL, 't' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "perfetto", required_argument, NULL, 'P' },
		{ "flight-recorder", required_argument, NULL, 'F' },
		{ "filter", required_argument, NULL, 'f' },
		{ "wakeup", required_argument, NULL, 'w' },
		{ "stack", required_argument, NULL, OPT_STACK },
		{ "stack-depth", required_argument, NULL, OPT_STACK_DEPTH },
		{ "stack-size", required_argument, NULL, OPT_STACK_SIZE },
		{ "folded", no_argument, NULL, OPT_FOLDED },
		{ NULL, 0, NULL, 0 },
	};
	struct logbuf_attach_events ae = { .size = sizeof(ae) };
	struct logbuf_attach a = { .size = sizeof(a) };
	char *names[LOGBUF_EVENTS_MAX], *specs[LOGBUF_EVENTS_MAX];
	uint32_t ids[LOGBUF_EVENTS_MAX];
	int nr_ids = 0, nr_specs = 0;
	struct trace_opts o = { 0 };
	struct trace_out t = { .f = stdout };
	struct trace_rings tr = { .ep = -1 };
	struct filter *flt = NULL;
	uint64_t dropped, prev = 0, late;
	double t0, secs;
	int i, err;

	err = parse_opts(c, cli, argc, argv, "d:o:s:cp:t:C:F:f:w:", lo,
			 trace_opt, &o);
	if (err)
		return err > 0 ? 0 : usage_error(c);
	t.json = cli->json;	/* --json may come among the options */
	t.folded = o.folded;
	if (optind != argc - 1 ||
	    parse_events(argv[optind], &a.events, names, &nr_ids, specs,
			 &nr_specs) ||
	    trace_check(&o, a.events))
		return usage_error(c);
	if (trace_make_probes(specs, nr_specs, names, &nr_ids))
		return 1;
	if (nr_ids && decode_resolve(names, nr_ids, ids))
		return 1;
	if (o.filter) {
		flt = filter_new(names, nr_ids, o.filter);
		if (!flt)
			return 1;
		o.instance = filter_instance(flt);
	}
	for (i = 0; i < nr_ids; i++)
		free(names[i]);
	if (o.out) {
		t.f = fopen(o.out, "w");
		if (!t.f)
			return fail(o.out, errno);
		/*
		 * Records of several KiB (stacks) went out a write() each
		 * through stdio's 4 KiB buffer: batch them.
		 */
		setvbuf(t.f, NULL, _IOFBF, 1 << 20);
		t.raw = true;
	}
	if (o.perfetto && !(t.pf = perfetto_open(o.perfetto)))
		return fail(o.perfetto, errno);
	if (o.stack & LOGBUF_STACK_USER && o.tgid)
		stack_preload(o.tgid);	/* before it can exit */
	err = trace_open(&tr, &o, a.events, ids, nr_ids);
	if (err) {
		filter_free(flt);
		return err;
	}
	cli_signals(o.flight);
	t0 = cli_now();
	/* Always: scripts wait for this line to know the events are on. */
	fprintf(stderr, "logbuf: tracing %s%s%s%s; Ctrl-C to stop\n",
		argv[optind], o.per_cpu ? " (a ring per CPU)" : "",
		o.out ? " into the file" : "",
		o.flight ? " as a flight recorder (the last bytes on SIGUSR1 "
			   "and at exit)" : "");
	err = trace_loop(&tr, &t, &o, t0, &prev);
	if (err)
		return err;
	/*
	 * Make room, stop the sources (each writes a last loss record for
	 * what it still counts, if there is room), then take the rest.
	 */
	if (!o.flight && trace_round(&tr, &t, &prev, false))
		return 1;
	a.events = 0;
	ioctl(tr.cfd[0], LOGBUF_IOC_ATTACH, &a);
	ioctl(tr.cfd[0], LOGBUF_IOC_ATTACH_EVENTS, &ae);
	filter_free(flt);	/* detached: the instance can go */
	trace_probes_free();	/* and the probes */
	err = o.flight ? flight_dump(&tr, &t, o.flight) :
			 trace_round(&tr, &t, &prev, true);
	if (err)
		return err;
	late = tr.m ? merge_late(tr.m) : 0;
	dropped = trace_close(&tr);
	if (t.folded)
		stack_fold_print(t.f);
	fflush(t.f);
	secs = cli_now() - t0;
	if (cli->json && !t.raw && !t.folded)
		printf("{\"summary\":{\"events\":%" PRIu64 ",\"bytes\":%" PRIu64
		       ",\"dropped\":%" PRIu64 ",\"lost_in_stream\":%" PRIu64
		       ",\"rings\":%d,\"late\":%" PRIu64 ",\"seconds\":%.3f}}\n",
		       t.events, t.bytes, dropped, t.lost, tr.nr, late, secs);
	else
		fprintf(stderr, "logbuf: %" PRIu64 " events, %" PRIu64
			" bytes, %" PRIu64 " dropped by %s, %.0f events/s "
			"over %.2f s\n", t.events, t.bytes, dropped,
			tr.nr > 1 ? "the rings" : "this ring",
			t.events / secs, secs);
	/* Each drop is in one loss record, unless a ring had no room left. */
	if (dropped > t.lost && !o.flight)
		fprintf(stderr, "logbuf: %" PRIu64 " of the dropped events are "
			"in no loss record (a ring had no room for one at the "
			"end)\n", dropped - t.lost);
	if (late)
		fprintf(stderr, "logbuf: %" PRIu64 " events printed out of "
			"timestamp order (committed more than a round late)\n",
			late);
	if (t.pf) {
		err = perfetto_close(t.pf);
		if (err)
			return fail(o.perfetto, -err);
	}
	if (t.raw && fclose(t.f))
		return fail(o.out, errno);
	return 0;
}
