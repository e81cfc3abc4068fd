// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * logbuf: the command-line tool (logbuf(1)).
 *
 *   logbuf [-j|--json] COMMAND [OPTIONS]   (--json also among OPTIONS)
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
 *
 * This file holds main() and the command table; each command lives in
 * cmd_<name>.c, option values are parsed in parse.c, what the commands share
 * is in cli.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "logbuf.h"
#include "cli.h"

static const struct cmd cmds[];

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

static int cmd_help(const struct cmd *c, struct cli *cli, int argc,
		    char **argv)
{
	int i;

	(void)c;
	(void)cli;

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
	  "       [-t TID] [-C CPUS] [-f EXPR] [-w TIME] [--perfetto FILE]\n"
	  "       [-F BYTES] [--stack kernel|user|both [--stack-depth N]\n"
	  "       [--stack-size BYTES] [--folded]]",
	  "Stream kernel trace events through a ring and print them, decoded.\n"
	  "EVENT: any trace event as SYSTEM:EVENT (sched:sched_wakeup,\n"
	  "irq:irq_handler_entry, ...), logbuf's own sources sched_switch,\n"
	  "exec, syscalls, or a probe the run makes and deletes:\n"
	  "  kprobe:FUNC[+OFF] [ARGS]    kretprobe:FUNC [ARGS]\n"
	  "  uprobe:PATH:SYMBOL[+OFF] [ARGS]    uretprobe:PATH:SYMBOL [ARGS]\n"
	  "  usdt:PATH:PROVIDER:NAME     (a <sys/sdt.h> probe, its arguments)\n"
	  "ARGS: the kernel's fetch-args (name=+0(%si):string, ret=$retval).\n"
	  "Needs CAP_PERFMON or CAP_SYS_ADMIN.\n"
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
	  "  -w, --wakeup=TIME       wake the tool at most TIME after an event\n"
	  "                          (0, 250us, 10ms; default: the module's,\n"
	  "                          10ms), or once a ring is a quarter full\n"
	  "      --perfetto=FILE     also write a timeline (Chrome JSON, for\n"
	  "                          ui.perfetto.dev or chrome://tracing)\n"
	  "  -F, --flight-recorder=BYTES  keep only the newest BYTES (k/M/G)\n"
	  "                          in overwrite rings, read nothing until\n"
	  "                          SIGUSR1 or exit, then write those events\n"
	  "      --stack=WHICH       each event's call stack: kernel, user\n"
	  "                          or both, printed symbolized under it\n"
	  "      --stack-depth=N     frames per stack at most (1-127, 127)\n"
	  "      --stack-size=BYTES  user stack copied per event, unwound by\n"
	  "                          the program's DWARF CFI (default 8192;\n"
	  "                          0: frame pointers only)\n"
	  "      --folded            print no events; at the end, one line\n"
	  "                          per distinct stack with its count\n"
	  "                          (flame graph input)\n"
	  "  (-p, -t, -C, -f, --stack: SYSTEM:EVENT and probes only; the\n"
	  "  kernel drops the rest before it takes ring space)\n" },
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
	struct cli cli = { 0 };
	int ch, i;

	while ((ch = getopt_long(argc, argv, "+jhV", lo, NULL)) != -1) {
		switch (ch) {
		case 'j':
			cli.json = true;
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
			return cmds[i].run(&cmds[i], &cli, argc - optind,
					   argv + optind);
	fprintf(stderr, "logbuf: no command '%s'; logbuf --help lists them\n",
		argv[optind]);
	return 2;
}
