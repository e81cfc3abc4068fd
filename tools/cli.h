/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * logbuf(1): what every command shares.  logbuf.c holds main() and the
 * command table; each command lives in cmd_<name>.c, as git's and perf's
 * builtins do.
 */
#ifndef _LOGBUF_TOOL_CLI_H
#define _LOGBUF_TOOL_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

/* The global options, given before the command or among its own. */
struct cli {
	bool json;	/* -j, --json: machine-readable output on stdout */
};

struct cmd {
	const char *name;
	int (*run)(const struct cmd *c, struct cli *cli, int argc,
		   char **argv);
	const char *synopsis;
	const char *help;
};

int cmd_trace(const struct cmd *c, struct cli *cli, int argc, char **argv);
int cmd_log(const struct cmd *c, struct cli *cli, int argc, char **argv);
int cmd_collect(const struct cmd *c, struct cli *cli, int argc, char **argv);
int cmd_list(const struct cmd *c, struct cli *cli, int argc, char **argv);
int cmd_stat(const struct cmd *c, struct cli *cli, int argc, char **argv);
int cmd_dump(const struct cmd *c, struct cli *cli, int argc, char **argv);

/*
 * getopt_long over a command's arguments, its own options (@optstr,
 * @longopts, handed to @opt) and the global ones (-j/--json into @cli,
 * -h/--help).  Returns 0, 1 after printing the help, -1 on a usage error.
 */
int parse_opts(const struct cmd *c, struct cli *cli, int argc, char **argv,
	       const char *optstr, const struct option *longopts,
	       int (*opt)(int ch, const char *arg, void *ctx), void *ctx);
void print_help(FILE *f, const struct cmd *c);
/* The command's usage on stderr; returns 2, the usage exit status. */
int usage_error(const struct cmd *c);
/* "logbuf: @what: strerror(@err)" with a hint for the usual causes; 1. */
int fail(const char *what, int err);

/* SIGINT and SIGTERM set cli_stop; with @usr1, SIGUSR1 sets cli_dump_now. */
extern volatile sig_atomic_t cli_stop, cli_dump_now;
void cli_signals(bool usr1);
/* CLOCK_MONOTONIC in seconds. */
double cli_now(void);

#endif /* _LOGBUF_TOOL_CLI_H */
