// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * logbuf: the command-line tool (logbuf(1)).
 *
 *   logbuf [-j|--json] COMMAND [OPTIONS]
 *   logbuf trace EVENT[,EVENT...] [-d SECONDS] [-o FILE] [-c] [-s BYTES]
 *                [-p PID] [-t TID] [-C CPUS] [--perfetto FILE]
 *   logbuf log [-s BYTES]
 *   logbuf list                 every ring the module holds
 *   logbuf stat [PID FD]        one ring's statistics (none: list)
 *   logbuf dump FILE            decode what trace -o wrote
 *   logbuf help [COMMAND], logbuf --help, logbuf --version
 *
 * Records go to stdout; progress (on a terminal only), warnings and the
 * final summary go to stderr, except with --json, where the summary is the
 * last JSON object on stdout.  Exit status: 0, 1 error, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "logbuf.h"
#include "decode.h"
#include "filter.h"
#include "merge.h"
#include "output.h"
#include "perfetto.h"

#define RINGS_FILE	"/sys/class/misc/logbuf/rings"

static volatile sig_atomic_t stop, dump_now;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump_now = 1;
	else
		stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *help;
};

static const struct cmd cmds[];

static void print_help(FILE *f, const struct cmd *c)
{
	fprintf(f, "usage: logbuf [--json] %s %s\n\n%s", c->name, c->synopsis,
		c->help);
}

static int usage_error(const struct cmd *c)
{
	fprintf(stderr, "usage: logbuf [--json] %s %s\n"
		"(logbuf help %s for more)\n", c->name, c->synopsis, c->name);
	return 2;
}

static int fail(const char *what, int err)
{
	const char *hint = "";

	if (err == ENOENT)
		hint = " (is the logbuf module loaded? modprobe logbuf)";
	else if (err == EPERM || err == EACCES)
		hint = " (tracing needs root, CAP_PERFMON or CAP_SYS_ADMIN)";
	else if (err == ENOMEM)
		hint = " (ring memory counts against ulimit -l, RLIMIT_MEMLOCK)";
	fprintf(stderr, "logbuf: %s: %s%s\n", what, strerror(err), hint);
	return 1;
}

/* getopt_long over a command's own arguments; -h/--help for each. */
static int parse_opts(const struct cmd *c, int argc, char **argv,
		      const char *optstr, const struct option *longopts,
		      int (*opt)(int ch, const char *arg, void *ctx), void *ctx)
{
	int ch;

	optind = 0;	/* GNU getopt: start over, permuting */
	while ((ch = getopt_long(argc, argv, optstr, longopts, NULL)) != -1) {
		if (ch == 'h') {
			print_help(stdout, c);
			return 1;
		}
		if (ch == '?' || !opt || opt(ch, optarg, ctx))
			return -1;
	}
	return 0;
}

/* ---- trace ----------------------------------------------------------- */

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
};

/* "0,2-5,7" into a bitmap of CPUs below 8192. */
static int parse_cpus(const char *s, uint8_t *bits)
{
	const char *p = s;

	memset(bits, 0, 1024);
	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p)
			goto bad;
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				goto bad;
		}
		if (b >= 8192)
			goto bad;
		for (; a <= b; a++)
			bits[a / 8] |= 1u << (a % 8);
		if (*end == ',')
			end++;
		else if (*end)
			goto bad;
		p = end;
	}
	return 0;
bad:
	fprintf(stderr, "logbuf: --cpu: '%s' is not a list of CPUs like "
		"0,2-5\n", s);
	return -1;
}

static int parse_id(const char *opt, const char *s, int32_t *out)
{
	uint64_t v;

	if (parse_size(opt, s, 1, INT32_MAX, &v))
		return -1;
	*out = (int32_t)v;
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
		return parse_size("--ring-size", arg, 4096, 1ull << 30,
				  &o->size);
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
	}
	return -1;
}

/*
 * The events: logbuf's own sources by their short names, any trace event
 * as SYSTEM:EVENT (into @names, at most LOGBUF_EVENTS_MAX).
 */
static int parse_events(const char *s, uint32_t *ev, char **names, int *n)
{
	char *copy = strdup(s), *tok, *save = NULL;

	*ev = 0;
	*n = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strchr(tok, ':')) {
			if (*n == LOGBUF_EVENTS_MAX) {
				fprintf(stderr, "logbuf: at most %d trace "
					"events\n", LOGBUF_EVENTS_MAX);
				goto bad;
			}
			names[(*n)++] = strdup(tok);
		} else if (!strcmp(tok, "sched_switch")) {
			*ev |= LOGBUF_EV_SCHED_SWITCH;
		} else if (!strcmp(tok, "exec")) {
			*ev |= LOGBUF_EV_EXEC;
		} else if (!strcmp(tok, "syscalls")) {
			*ev |= LOGBUF_EV_SYS_ENTER;
		} else {
			fprintf(stderr, "logbuf: unknown event '%s' (known: "
				"sched_switch, exec, syscalls, or any trace "
				"event as SYSTEM:EVENT)\n", tok);
			goto bad;
		}
	}
	free(copy);
	return *ev || *n ? 0 : -1;
bad:
	free(copy);
	return -1;
}

struct trace_out {
	FILE *f;
	bool raw;
	struct perfetto *pf;
	uint64_t events, bytes;
};

static void trace_record(void *ctx, const void *d, size_t len)
{
	struct trace_out *t = ctx;

	t->events++;
	t->bytes += len;
	if (t->pf)
		perfetto_record(t->pf, d, len);
	if (t->raw) {
		uint32_t l = len;

		fwrite(&l, sizeof(l), 1, t->f);
		fwrite(d, len, 1, t->f);
	} else {
		print_event(t->f, d, len);
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
	struct logbuf_attach a = { .size = sizeof(a), .events = events };
	struct logbuf_attach_events ae = {
		.size = sizeof(ae), .nr_ids = nr_ids, .ids = (uintptr_t)ids,
		.tgid = o->tgid, .tid = o->tid,
		.instance = (uintptr_t)o->instance,
	};
	int i, err, pfd;

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
	for (i = 0; i < tr->nr; i++) {
		err = logbuf_dev_create(tr->cap, LOGBUF_CREATE_KERNEL_PROD |
					(o->flight ? LOGBUF_CREATE_OVERWRITE :
						     0), &pfd, &tr->cfd[i]);
		if (err)
			return fail(err == -EINVAL && o->flight ?
				    "creating an overwrite ring (module too "
				    "old?)" : "creating a ring", -err);
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
			    "attaching the events", errno);
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
static int flight_dump(struct trace_rings *tr, struct trace_out *t,
		       uint64_t keep)
{
	uint64_t *buf = malloc(tr->cap / 2), before = t->events;
	struct logbuf_ow_cursor c;
	uint64_t end, torn = 0, lost = 0;
	size_t len;
	int i, err = 0;

	if (!buf)
		return fail("dumping", ENOMEM);
	for (i = 0; i < tr->nr; i++) {
		memset(&c, 0, sizeof(c));
		end = logbuf_ow_seek(tr->ow[i], &c, keep);
		c.lost = 0;	/* what lies before the span is not lost */
		while (c.pos < end &&
		       !(err = logbuf_ow_read(tr->ow[i], &c, buf, tr->cap / 2,
					      &len))) {
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

static int cmd_trace(int argc, char **argv)
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct logbuf_attach_events ae = { .size = sizeof(ae) };
	struct logbuf_attach a = { .size = sizeof(a) };
	char *names[LOGBUF_EVENTS_MAX];
	uint32_t ids[LOGBUF_EVENTS_MAX];
	int nr_ids = 0;
	struct logbuf_stats st = { .size = sizeof(st) };
	struct trace_opts o = { 0 };
	struct trace_out t = { .f = stdout };
	struct trace_rings tr = { 0 };
	struct filter *flt = NULL;
	bool tty = isatty(STDERR_FILENO);
	double t0, next_progress, deadline;
	uint64_t dropped = 0, prev = 0, late;
	int i, err;

	err = parse_opts(&cmds[0], argc, argv, "d:o:s:cp:t:C:F:f:h", lo, trace_opt,
			 &o);
	if (err)
		return err > 0 ? 0 : usage_error(&cmds[0]);
	if (optind != argc - 1 ||
	    parse_events(argv[optind], &a.events, names, &nr_ids))
		return usage_error(&cmds[0]);
	if ((o.tgid || o.tid || o.have_cpus || o.filter) && a.events) {
		fprintf(stderr, "logbuf: --pid, --tid, --cpu and --filter "
			"filter SYSTEM:EVENT sources only\n");
		return usage_error(&cmds[0]);
	}
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
	if (o.size & (o.size - 1)) {
		fprintf(stderr, "logbuf: --ring-size must be a power of two\n");
		return usage_error(&cmds[0]);
	}
	if (o.size && o.flight) {
		fprintf(stderr, "logbuf: --flight-recorder sets the ring size; "
			"no --ring-size with it\n");
		return usage_error(&cmds[0]);
	}
	if (o.out) {
		t.f = fopen(o.out, "w");
		if (!t.f)
			return fail(o.out, errno);
		t.raw = true;
	}
	if (o.perfetto && !(t.pf = perfetto_open(o.perfetto)))
		return fail(o.perfetto, errno);
	err = trace_open(&tr, &o, a.events, ids, nr_ids);
	if (err) {
		filter_free(flt);
		return err;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o.flight)
		signal(SIGUSR1, on_signal);
	t0 = now();
	next_progress = t0 + 1;
	deadline = o.duration ? t0 + o.duration : 0;
	/* Always: scripts wait for this line to know the events are on. */
	fprintf(stderr, "logbuf: tracing %s%s%s%s; Ctrl-C to stop\n",
		argv[optind], o.per_cpu ? " (a ring per CPU)" : "",
		o.out ? " into the file" : "",
		o.flight ? " as a flight recorder (the last bytes on SIGUSR1 "
			   "and at exit)" : "");
	while (!stop) {
		double tn;

		if (o.flight) {
			/* Silent: nothing read until asked. */
			if (dump_now) {
				dump_now = 0;
				err = flight_dump(&tr, &t, o.flight);
				if (err)
					return err;
			}
			if (deadline && now() >= deadline)
				break;
			usleep(20000);
			continue;
		}

		/*
		 * Drain, then look at the clock and sleep 10 ms: no system
		 * call per record (the syscall source would see each), and no
		 * wake-up per event (sched_switch would see each).
		 */
		err = trace_round(&tr, &t, &prev, false);
		if (err)
			return err;
		tn = now();
		if (deadline && tn >= deadline)
			break;
		if (tty && tn >= next_progress) {
			next_progress = tn + 1;
			fprintf(stderr, "\rlogbuf: %" PRIu64 " events", t.events);
		}
		usleep(10000);
	}
	/* Stop the sources, then take what they committed before. */
	a.events = 0;
	ioctl(tr.cfd[0], LOGBUF_IOC_ATTACH, &a);
	ioctl(tr.cfd[0], LOGBUF_IOC_ATTACH_EVENTS, &ae);
	filter_free(flt);	/* detached: the instance can go */
	err = o.flight ? flight_dump(&tr, &t, o.flight) :
			 trace_round(&tr, &t, &prev, true);
	if (err)
		return err;
	for (i = 0; i < tr.nr; i++) {
		if (!ioctl(tr.cfd[i], LOGBUF_IOC_STATS, &st))
			dropped += st.dropped;
		logbuf_receiver_free(tr.rx[i]);
		logbuf_ring_free(tr.ow[i]);
		close(tr.cfd[i]);
	}
	late = tr.m ? merge_late(tr.m) : 0;
	merge_free(tr.m);
	free(tr.rx);
	free(tr.ow);
	free(tr.cfd);
	if (tty)
		fputc('\r', stderr);
	fflush(t.f);
	if (json && !t.raw)
		printf("{\"summary\":{\"events\":%" PRIu64 ",\"bytes\":%" PRIu64
		       ",\"dropped\":%" PRIu64 ",\"rings\":%d,\"late\":%" PRIu64
		       ",\"seconds\":%.3f}}\n", t.events, t.bytes, dropped,
		       tr.nr, late, now() - t0);
	else
		fprintf(stderr, "logbuf: %" PRIu64 " events, %" PRIu64
			" bytes, %" PRIu64 " dropped by %s, %.0f events/s "
			"over %.2f s\n", t.events, t.bytes, dropped,
			tr.nr > 1 ? "the rings" : "this ring",
			t.events / (now() - t0), now() - t0);
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

/* ---- log ------------------------------------------------------------- */

struct log_opts {
	uint64_t ring_size;
	const char *event;
	const char *collector;
};

static int log_opt(int ch, const char *arg, void *ctx)
{
	struct log_opts *o = ctx;

	if (ch == 'e') {
		o->event = arg;
		return 0;
	}
	if (ch == 'c') {
		o->collector = arg;
		return 0;
	}
	if (ch != 's')
		return -1;
	return parse_size("--ring-size", arg, 4096, LOGBUF_MAX_CAPACITY,
			  &o->ring_size);
}

/*
 * Each line of standard input is one typed event, <event>(u64 line;
 * char text[]), emitted into this thread's ring of a tracer: the kernel
 * drains it into events/synthetic/<name>.  A line longer than a string
 * field holds goes as several events with the same line number: nothing
 * is cut.
 */
static int cmd_log(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ring-size", required_argument, NULL, 's' },
		{ "event", required_argument, NULL, 'e' },
		{ "collector", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	struct log_opts o = { .ring_size = 1 << 20, .event = "logbuf_log" };
	struct logbuf_tracer_stats st = { .sz = sizeof(st) };
	uint64_t lines = 0, bytes = 0, events = 0;
	struct logbuf_tracer *t;
	struct logbuf_event *ev;
	char *line = NULL, buf[LOGBUF_TEV_STR_MAX + 1];
	size_t cap = 0;
	ssize_t n, off;
	int err, i;

	err = parse_opts(&cmds[1], argc, argv, "s:e:c:h", lo, log_opt, &o);
	if (err)
		return err > 0 ? 0 : usage_error(&cmds[1]);
	if (optind != argc)
		return usage_error(&cmds[1]);
	if (o.ring_size & (o.ring_size - 1)) {
		fprintf(stderr, "logbuf: --ring-size: %" PRIu64 " is not a "
			"power of two\n", o.ring_size);
		return 2;
	}
	{
		LOGBUF_OPTS(logbuf_tracer_opts, to, .ring_capacity = o.ring_size,
			    .flags = LOGBUF_TRACER_WAIT,
			    .collector = o.collector);

		t = logbuf_tracer_open(&to);
	}
	if (!t)
		return fail("opening a tracer", errno);
	ev = logbuf_event_new(t, o.event, "u64 line; char text[]");
	if (!ev) {
		err = errno;
		logbuf_tracer_close(t);
		if (err == EINVAL)
			fprintf(stderr, "logbuf: --event: '%s' is not a name "
				"([A-Za-z_][A-Za-z0-9_]*)\n", o.event);
		return fail("declaring the event", err);
	}
	if (o.collector)
		fprintf(stderr, "logbuf: each line becomes a %s event of the "
			"collector at %s\n", logbuf_event_name(ev), o.collector);
	else
		fprintf(stderr, "logbuf: each line becomes a synthetic:%s "
			"event in /sys/kernel/tracing/trace\n",
			logbuf_event_name(ev));
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		if (!n)
			continue;
		lines++;
		bytes += n;
		/* The string field's bound: a long line goes in pieces. */
		for (off = 0; off < n; off += LOGBUF_TEV_STR_MAX) {
			size_t k = n - off < LOGBUF_TEV_STR_MAX ?
				   (size_t)(n - off) : LOGBUF_TEV_STR_MAX;

			memcpy(buf, line + off, k);
			buf[k] = 0;
			/* A NUL in the line ends its text there, as %s. */
			err = logbuf_emit(ev, lines, buf);
			if (err) {
				free(line);
				logbuf_tracer_close(t);
				return fail("emitting", -err);
			}
			events++;
		}
	}
	free(line);
	/* Let the kernel drain before saying how it went (5 s at most). */
	for (i = 0; i < 500 && !o.collector; i++) {
		logbuf_tracer_stats(t, &st);
		if (st.records >= events)
			break;
		nanosleep(&tick, NULL);
	}
	if (json)
		printf("{\"event\":\"%s\",\"lines\":%" PRIu64 ",\"bytes\":%"
		       PRIu64 ",\"events\":%" PRIu64 ",\"drained\":%" PRIu64
		       "}\n", logbuf_event_name(ev), lines, bytes, events,
		       (uint64_t)st.records);
	else if (o.collector)
		fprintf(stderr, "logbuf: %" PRIu64 " lines, %" PRIu64
			" bytes in %" PRIu64 " events, to the collector\n",
			lines, bytes, events);
	else
		fprintf(stderr, "logbuf: %" PRIu64 " lines, %" PRIu64
			" bytes in %" PRIu64 " events, %" PRIu64
			" drained by the kernel\n", lines, bytes, events,
			(uint64_t)st.records);
	logbuf_tracer_close(t);
	return 0;
}

/* ---- collect --------------------------------------------------------- */

struct collect_opts {
	double duration;
	uint64_t count;
	uint64_t seen;
};

static int collect_opt(int ch, const char *arg, void *ctx)
{
	struct collect_opts *o = ctx;

	if (ch == 'd')
		return parse_seconds("--duration", arg, &o->duration);
	if (ch == 'n')
		return parse_size("--count", arg, 1, UINT64_MAX / 2, &o->count);
	return -1;
}

/* One event of a program, as a line (or a JSON object). */
static int collect_one(void *ctx, const struct logbuf_collected *e)
{
	struct collect_opts *o = ctx;
	char buf[4096];

	if (logbuf_collected_format(e, buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "(undecodable)");
	if (json) {
		printf("{\"ns\":%" PRIu64 ",\"pid\":%d,\"uid\":%u,"
		       "\"tid\":%d,\"event\":", e->ns, (int)e->pid,
		       (unsigned int)e->uid, (int)e->tid);
		json_str(stdout, e->event, strlen(e->event));
		printf(",\"fields\":");
		json_str(stdout, buf, strlen(buf));
		printf("}\n");
	} else {
		printf("%" PRIu64 ".%09" PRIu64 " %d/%d %s: %s\n",
		       e->ns / 1000000000U, e->ns % 1000000000U, (int)e->pid,
		       (int)e->tid, e->event, buf);
	}
	return o->count && ++o->seen >= o->count;
}

/*
 * Collect programs' typed events (logbuf log -c, or any program whose
 * tracer names this socket) and print them merged in time order.
 */
static int cmd_collect(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct logbuf_collector_stats st = { .sz = sizeof(st) };
	struct collect_opts o = { 0 };
	struct logbuf_collector *c;
	double end;
	int err;

	err = parse_opts(&cmds[2], argc, argv, "d:n:h", lo, collect_opt, &o);
	if (err)
		return err > 0 ? 0 : usage_error(&cmds[2]);
	if (optind + 1 != argc)
		return usage_error(&cmds[2]);
	c = logbuf_collector_new(argv[optind], NULL);
	if (!c)
		return fail(argv[optind], errno);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	end = o.duration ? now() + o.duration : 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop) {
		double left = end ? end - now() : 0.2;

		if (left <= 0)
			break;
		err = logbuf_collector_run(c, collect_one, &o,
					   left > 0.2 ? 200 : (int)(left * 1000) + 1);
		if (err > 0 || (err < 0 && err != -EINTR))
			break;
	}
	logbuf_collector_stats(c, &st);
	logbuf_collector_free(c);
	fprintf(stderr, "logbuf: %" PRIu64 " events, %" PRIu64 " late, %"
		PRIu64 " refused records or messages, %" PRIu64
		" programs refused\n", st.records, st.late, st.errors,
		st.refused);
	if (err < 0 && err != -EINTR)
		return fail("collecting", -err);
	return 0;
}

/* ---- list, stat ------------------------------------------------------ */

/* A flight recorder (overwrite ring) is shown as such. */
static const char *shape(uint32_t flags)
{
	if (flags & LOGBUF_RING_OVERWRITE)
		return "ow";
	return flags & LOGBUF_RING_MPSC ? "mpsc" : "spsc";
}

static const char *ends(uint32_t state)
{
	if (state & LOGBUF_STATE_KERNEL_CONS)
		return "user->kernel";
	if (state & LOGBUF_STATE_KERNEL_PROD)
		return "kernel->user";
	return "user->user";
}

static int cmd_list(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long id, cap, dropped, errors;
	unsigned int uid, flags, state, pages;
	char line[256];
	int pid, n = 0, err;
	FILE *f;

	err = parse_opts(&cmds[3], argc, argv, "h", lo, NULL, NULL);
	if (err)
		return err > 0 ? 0 : usage_error(&cmds[3]);
	if (optind != argc)
		return usage_error(&cmds[3]);
	f = fopen(RINGS_FILE, "r");
	if (!f)
		return fail(RINGS_FILE, errno);
	if (json)
		printf("[");
	else
		printf("%-8s %-7s %-7s %-5s %-13s %-10s %-10s %s\n", "id", "uid",
		       "pid", "shape", "ends", "capacity", "dropped",
		       "state");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu %u %d %x %x %llu %u %llu %llu", &id, &uid,
			   &pid, &flags, &state, &cap, &pages, &dropped,
			   &errors) != 9)
			continue;	/* the heading, or "... N more" */
		if (json) {
			printf("%s{\"id\":%llu,\"uid\":%u,\"pid\":%d,\"shape\":"
			       "\"%s\",\"ends\":\"%s\",\"capacity\":%llu,"
			       "\"pages\":%u,\"dropped\":%llu,\"errors\":%llu,"
			       "\"state\":%u}", n ? "," : "", id, uid, pid,
			       shape(flags),
			       ends(state), cap, pages, dropped, errors, state);
		} else {
			printf("%-8llu %-7u %-7d %-5s %-13s %-10llu %-10llu "
			       "%s%s%s\n", id, uid, pid,
			       shape(flags),
			       ends(state), cap, dropped,
			       state & LOGBUF_STATE_NO_PROD ? "no-producers " : "",
			       state & LOGBUF_STATE_NO_CONS ? "no-consumer " : "",
			       state & LOGBUF_STATE_BROKEN ? "BROKEN" : "");
		}
		n++;
	}
	fclose(f);
	if (json)
		printf("]\n");
	return 0;
}

static int cmd_stat(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct logbuf_stats st = { .size = sizeof(st) };
	struct logbuf_info info = { .size = sizeof(info) };
	uint64_t pid, fdn;
	int pidfd, fd, err;

	err = parse_opts(&cmds[4], argc, argv, "h", lo, NULL, NULL);
	if (err)
		return err > 0 ? 0 : usage_error(&cmds[4]);
	if (optind == argc)
		return cmd_list(1, argv);
	if (optind != argc - 2 ||
	    parse_size("PID", argv[optind], 1, INT32_MAX, &pid) ||
	    parse_size("FD", argv[optind + 1], 0, INT32_MAX, &fdn))
		return usage_error(&cmds[4]);
	pidfd = syscall(SYS_pidfd_open, (int)pid, 0);
	if (pidfd < 0)
		return fail("opening the process", errno);
	fd = syscall(SYS_pidfd_getfd, pidfd, (int)fdn, 0);
	if (fd < 0)
		return fail("getting its file descriptor", errno);
	if (ioctl(fd, LOGBUF_IOC_INFO, &info) || ioctl(fd, LOGBUF_IOC_STATS, &st))
		return fail("that descriptor is not a logbuf end", errno);
	if (json) {
		printf("{\"id\":%" PRIu64 ",\"end\":\"%s\",\"capacity\":%" PRIu64
		       ",\"state\":%u,\"head\":%" PRIu64 ",\"tail\":%" PRIu64
		       ",\"records_consumed\":%" PRIu64 ",\"bytes_consumed\":%"
		       PRIu64 ",\"skips\":%" PRIu64 ",\"full\":%" PRIu64
		       ",\"aborts\":%" PRIu64 ",\"dropped\":%" PRIu64 ",\"lost\":%"
		       PRIu64 ",\"doorbells\":%" PRIu64 ",\"wakeups\":%" PRIu64
		       ",\"polls\":%" PRIu64 ",\"sleeps\":%" PRIu64 ",\"errors\":%"
		       PRIu64 "}\n", (uint64_t)info.id,
		       info.role == LOGBUF_ROLE_PROD ? "producer" : "consumer",
		       (uint64_t)st.capacity, st.state, (uint64_t)st.head,
		       (uint64_t)st.tail, (uint64_t)st.records_consumed,
		       (uint64_t)st.bytes_consumed, (uint64_t)st.skips,
		       (uint64_t)st.full, (uint64_t)st.aborts,
		       (uint64_t)st.dropped, (uint64_t)st.lost,
		       (uint64_t)st.doorbells, (uint64_t)st.wakeups,
		       (uint64_t)st.polls, (uint64_t)st.sleeps,
		       (uint64_t)st.errors);
		return 0;
	}
	printf("ring %" PRIu64 " (%s end), %" PRIu64 " bytes, state %#x%s%s%s%s\n",
	       (uint64_t)info.id, info.role == LOGBUF_ROLE_PROD ? "producer" : "consumer",
	       (uint64_t)st.capacity, st.state,
	       st.state & LOGBUF_STATE_NO_PROD ? " no-producers" : "",
	       st.state & LOGBUF_STATE_NO_CONS ? " no-consumer" : "",
	       st.state & LOGBUF_STATE_BROKEN ? " BROKEN" : "",
	       st.state & LOGBUF_STATE_WAITING ? " consumer-waiting" : "");
	printf("  head %" PRIu64 "  tail %" PRIu64 "  in flight %" PRIu64 " bytes\n",
	       (uint64_t)st.head, (uint64_t)st.tail, (uint64_t)(st.tail - st.head));
	printf("  consumed %" PRIu64 " records, %" PRIu64 " bytes; %" PRIu64 " skips\n",
	       (uint64_t)st.records_consumed, (uint64_t)st.bytes_consumed,
	       (uint64_t)st.skips);
	printf("  full %" PRIu64 "  aborts %" PRIu64 "  dropped %" PRIu64 "  lost %"
	       PRIu64 " bytes\n", (uint64_t)st.full, (uint64_t)st.aborts,
	       (uint64_t)st.dropped, (uint64_t)st.lost);
	printf("  doorbells %" PRIu64 "  wake-ups %" PRIu64 "  polls %" PRIu64
	       "  sleeps %" PRIu64 "  errors %" PRIu64 "\n", (uint64_t)st.doorbells,
	       (uint64_t)st.wakeups, (uint64_t)st.polls, (uint64_t)st.sleeps,
	       (uint64_t)st.errors);
	return 0;
}

/* ---- dump ------------------------------------------------------------ */

static int cmd_dump(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static unsigned char rec[1 << 16];
	uint64_t n = 0;
	uint32_t len;
	FILE *f;
	int err;

	err = parse_opts(&cmds[5], argc, argv, "h", lo, NULL, NULL);
	if (err)
		return err > 0 ? 0 : usage_error(&cmds[5]);
	if (optind != argc - 1)
		return usage_error(&cmds[5]);
	f = fopen(argv[optind], "r");
	if (!f)
		return fail(argv[optind], errno);
	while (fread(&len, sizeof(len), 1, f) == 1) {
		if (len > sizeof(rec) || fread(rec, len, 1, f) != 1) {
			fprintf(stderr, "logbuf: %s: record %" PRIu64
				" is cut short or longer than 64 KiB\n",
				argv[optind], n + 1);
			fclose(f);
			return 1;
		}
		print_event(stdout, rec, len);
		n++;
	}
	fclose(f);
	if (!json)
		fprintf(stderr, "logbuf: %" PRIu64 " records\n", n);
	return 0;
}

/* ---- help ------------------------------------------------------------ */

static void print_usage(FILE *f)
{
	int i;

	fprintf(f, "usage: logbuf [--json] COMMAND [OPTIONS]\n"
		"       logbuf --help | --version | help COMMAND\n\n"
		"Lock-free record rings through /dev/logbuf.  Commands:\n");
	for (i = 0; cmds[i].name; i++)
		fprintf(f, "  %-6s %s\n", cmds[i].name, cmds[i].synopsis);
	fprintf(f, "\n  -j, --json     machine-readable output on stdout\n"
		"  -h, --help     this text\n"
		"  -V, --version  the version of logbuf and of its library\n");
}

static int cmd_help(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		print_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		argv[1] = "help";
	for (i = 0; cmds[i].name; i++) {
		if (!strcmp(cmds[i].name, argv[1])) {
			print_help(stdout, &cmds[i]);
			return 0;
		}
	}
	fprintf(stderr, "logbuf: no command '%s'\n", argv[1]);
	return 2;
}

static const struct cmd cmds[] = {
	{ "trace", cmd_trace,
	  "EVENT[,EVENT...] [-d SECONDS] [-o FILE] [-c] [-s BYTES] [-p PID]\n"
	  "       [-t TID] [-C CPUS] [-f EXPR] [--perfetto FILE] [-F BYTES]",
	  "Stream kernel trace events through a ring and print them, decoded.\n"
	  "EVENT: any trace event as SYSTEM:EVENT (sched:sched_wakeup,\n"
	  "irq:irq_handler_entry, ...), or logbuf's own sources sched_switch,\n"
	  "exec, syscalls.  Needs CAP_PERFMON or CAP_SYS_ADMIN.\n"
	  "  -d, --duration=SECONDS  stop after that long (default: Ctrl-C);\n"
	  "                          what was committed before is still read\n"
	  "  -o, --output=FILE       write the raw records to FILE (read it\n"
	  "                          back with logbuf dump)\n"
	  "  -c, --per-cpu           a ring per CPU (no tail shared between\n"
	  "                          CPUs), merged by timestamp\n"
	  "  -s, --ring-size=BYTES   each ring's capacity, a power of two\n"
	  "                          (default 4M, or 1M per CPU)\n"
	  "  -p, --pid=PID           only events while process PID runs\n"
	  "  -t, --tid=TID           only events while thread TID runs\n"
	  "  -C, --cpu=CPUS          only events on these CPUs (0,2-5)\n"
	  "  -f, --filter=EXPR       only events for which EXPR holds, in the\n"
	  "                          tracefs filter syntax, for every EVENT\n"
	  "                          (prev_prio < 100 && next_comm ~ \"x*\")\n"
	  "      --perfetto=FILE     also write a timeline (Chrome JSON, for\n"
	  "                          ui.perfetto.dev or chrome://tracing)\n"
	  "  -F, --flight-recorder=BYTES  keep only the newest BYTES (k/M/G)\n"
	  "                          in overwrite rings, read nothing until\n"
	  "                          SIGUSR1 or exit, then write those events\n"
	  "  (-p, -t, -C, -f: SYSTEM:EVENT only; the kernel drops the rest\n"
	  "  before it takes ring space)\n" },
	{ "log", cmd_log, "[-e EVENT] [-s BYTES] [-c SOCKET]",
	  "Send each line of standard input as a typed event, EVENT(u64 line;\n"
	  "char text[]), that the kernel drains into events/synthetic/EVENT\n"
	  "(u<uid>_EVENT without CAP_SYS_ADMIN).  Lines over 1024 bytes go as\n"
	  "several events with the same line number.\n"
	  "  -e, --event=EVENT       the event's name (default logbuf_log)\n"
	  "  -s, --ring-size=BYTES   ring capacity, a power of two (k/M/G)\n"
	  "  -c, --collector=SOCKET  to the collector at SOCKET (logbuf\n"
	  "                          collect) instead of the kernel\n" },
	{ "collect", cmd_collect, "SOCKET [-d SECONDS] [-n COUNT]",
	  "Collect the typed events of programs whose tracer names SOCKET\n"
	  "(logbuf log -c SOCKET, struct logbuf_tracer_opts.collector) and\n"
	  "print them in time order: seconds, pid/tid, event, fields.\n"
	  "Whoever may connect to SOCKET may send events; each line shows\n"
	  "the sender's pid as the kernel knows it.\n"
	  "  -d, --duration=SECONDS  stop after that long (default: Ctrl-C)\n"
	  "  -n, --count=COUNT       stop after COUNT events\n" },
	{ "list", cmd_list, "",
	  "List every ring the module holds: id, owner, shape, ends,\n"
	  "capacity, records the kernel dropped, state.\n" },
	{ "stat", cmd_stat, "[PID FD]",
	  "Statistics of the ring behind file descriptor FD of process PID\n"
	  "(needs ptrace rights on it); without arguments, as list.\n" },
	{ "dump", cmd_dump, "FILE",
	  "Decode the records that trace -o wrote.\n" },
	{ "help", cmd_help, "[COMMAND]", "Help on logbuf or on COMMAND.\n" },
	{ NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, i;

	while ((ch = getopt_long(argc, argv, "+jhV", lo, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		case 'V':
			printf("logbuf %s (liblogbuf %s)\n", LOGBUF_VERSION_STRING,
			       logbuf_version());
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		print_usage(stderr);
		return 2;
	}
	for (i = 0; cmds[i].name; i++)
		if (!strcmp(cmds[i].name, argv[optind]))
			return cmds[i].run(argc - optind, argv + optind);
	fprintf(stderr, "logbuf: no command '%s'; logbuf --help lists them\n",
		argv[optind]);
	return 2;
}
