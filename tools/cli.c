// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/* logbuf(1): option parsing, usage and errors, signals: every command's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

volatile sig_atomic_t cli_stop, cli_dump_now;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		cli_dump_now = 1;
	else
		cli_stop = 1;
}

void cli_signals(bool usr1)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (usr1)
		signal(SIGUSR1, on_signal);
}

double cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void print_help(FILE *f, const struct cmd *c)
{
	fprintf(f, "usage: logbuf [--json] %s %s\n\n%s", c->name, c->synopsis,
		c->help);
}

int usage_error(const struct cmd *c)
{
	fprintf(stderr, "usage: logbuf [--json] %s %s\n"
		"(logbuf help %s for more)\n", c->name, c->synopsis, c->name);
	return 2;
}

int fail(const char *what, int err)
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

static const struct option global_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
};

#define NR_GLOBAL	(sizeof(global_opts) / sizeof(global_opts[0]))

int parse_opts(const struct cmd *c, struct cli *cli, int argc, char **argv,
	       const char *optstr, const struct option *longopts,
	       int (*opt)(int ch, const char *arg, void *ctx), void *ctx)
{
	struct option *lo;
	char *os;
	size_t n = 0;
	int ch, ret = 0;

	while (longopts[n].name)
		n++;
	lo = calloc(n + NR_GLOBAL + 1, sizeof(*lo));
	os = malloc(strlen(optstr) + 3);
	if (!lo || !os) {
		free(lo);
		free(os);
		fail("parsing the options", ENOMEM);
		return -1;
	}
	memcpy(lo, longopts, n * sizeof(*lo));
	memcpy(lo + n, global_opts, sizeof(global_opts));
	strcpy(os, optstr);
	strcat(os, "jh");
	optind = 0;	/* GNU getopt: start over, permuting */
	while ((ch = getopt_long(argc, argv, os, lo, NULL)) != -1) {
		if (ch == 'j') {
			cli->json = true;
			continue;
		}
		if (ch == 'h') {
			print_help(stdout, c);
			ret = 1;
			break;
		}
		if (ch == '?' || !opt || opt(ch, optarg, ctx)) {
			ret = -1;
			break;
		}
	}
	free(lo);
	free(os);
	return ret;
}
