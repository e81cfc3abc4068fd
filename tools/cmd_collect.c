// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/* logbuf collect: programs' typed events, merged in time order. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "logbuf.h"
#include <logbuf/trace.h>
#include "cli.h"
#include "parse.h"

struct collect_opts {
	bool json;
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
	if (o->json) {
		printf("{\"ns\":%" PRIu64 ",\"pid\":%d,\"uid\":%u,"
		       "\"tid\":%d,\"event\":", e->ns, (int)e->pid,
		       (unsigned int)e->uid, (int)e->tid);
		logbuf_trace_json_str(stdout, e->event, strlen(e->event));
		printf(",\"fields\":");
		logbuf_trace_json_str(stdout, buf, strlen(buf));
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
int cmd_collect(const struct cmd *c, struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct logbuf_collector_stats st = { .sz = sizeof(st) };
	struct collect_opts o = { 0 };
	struct logbuf_collector *col;
	double end;
	int err;

	err = parse_opts(c, cli, argc, argv, "d:n:", lo, collect_opt, &o);
	if (err)
		return err > 0 ? 0 : usage_error(c);
	o.json = cli->json;	/* --json may come among the options */
	if (optind + 1 != argc)
		return usage_error(c);
	col = logbuf_collector_new(argv[optind], NULL);
	if (!col)
		return fail(argv[optind], errno);
	cli_signals(false);
	end = o.duration ? cli_now() + o.duration : 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!cli_stop) {
		double left = end ? end - cli_now() : 0.2;

		if (left <= 0)
			break;
		err = logbuf_collector_run(col, collect_one, &o,
					   left > 0.2 ? 200 : (int)(left * 1000) + 1);
		if (err > 0 || (err < 0 && err != -EINTR))
			break;
	}
	logbuf_collector_stats(col, &st);
	logbuf_collector_free(col);
	fprintf(stderr, "logbuf: %" PRIu64 " events, %" PRIu64 " late, %"
		PRIu64 " refused records or messages, %" PRIu64
		" programs refused\n", st.records, st.late, st.errors,
		st.refused);
	if (err < 0 && err != -EINTR)
		return fail("collecting", -err);
	return 0;
}
