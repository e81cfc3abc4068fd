// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/* logbuf list and logbuf stat: the module's rings, one ring's statistics. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "logbuf.h"
#include "cli.h"
#include "parse.h"

#define RINGS_FILE	"/sys/class/misc/logbuf/rings"

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

int cmd_list(const struct cmd *c, struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long id, cap, dropped, errors;
	unsigned int uid, flags, state, pages;
	char line[256];
	int pid, n = 0, err;
	FILE *f;

	err = parse_opts(c, cli, argc, argv, "", lo, NULL, NULL);
	if (err)
		return err > 0 ? 0 : usage_error(c);
	if (optind != argc)
		return usage_error(c);
	f = fopen(RINGS_FILE, "r");
	if (!f)
		return fail(RINGS_FILE, errno);
	if (cli->json)
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
		if (cli->json) {
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
	if (cli->json)
		printf("]\n");
	return 0;
}

int cmd_stat(const struct cmd *c, struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ NULL, 0, NULL, 0 },
	};
	struct logbuf_stats st = { .size = sizeof(st) };
	struct logbuf_info info = { .size = sizeof(info) };
	uint64_t pid, fdn;
	int pidfd, fd, err;

	err = parse_opts(c, cli, argc, argv, "", lo, NULL, NULL);
	if (err)
		return err > 0 ? 0 : usage_error(c);
	if (optind == argc)
		return cmd_list(c, cli, 1, argv);
	if (optind != argc - 2 ||
	    parse_size("PID", argv[optind], 1, INT32_MAX, &pid) ||
	    parse_size("FD", argv[optind + 1], 0, INT32_MAX, &fdn))
		return usage_error(c);
	pidfd = syscall(SYS_pidfd_open, (int)pid, 0);
	if (pidfd < 0)
		return fail("opening the process", errno);
	fd = syscall(SYS_pidfd_getfd, pidfd, (int)fdn, 0);
	if (fd < 0)
		return fail("getting its file descriptor", errno);
	if (ioctl(fd, LOGBUF_IOC_INFO, &info) || ioctl(fd, LOGBUF_IOC_STATS, &st))
		return fail("that descriptor is not a logbuf end", errno);
	if (cli->json) {
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
