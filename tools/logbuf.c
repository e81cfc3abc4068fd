// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * logbuf: the command-line tool.
 *
 *   logbuf trace sched_switch|exec|syscalls[,...] [--duration S] [--raw FILE]
 *   logbuf log [--ring-size BYTES]
 *   logbuf stat PID FD
 *
 * Progress and the final summary go to stderr, records to stdout.
 */
#include <errno.h>
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

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: logbuf trace sched_switch|exec|syscalls[,...] [--duration S] [--raw FILE]\n"
		"       logbuf log [--ring-size BYTES]\n"
		"       logbuf stat PID FD\n");
	return 2;
}

static int fail(const char *what, int err)
{
	const char *hint = "";

	if (err == ENOENT)
		hint = " (is the logbuf module loaded? try: insmod kmod/logbuf.ko)";
	else if (err == EPERM || err == EACCES)
		hint = " (tracing needs root, CAP_PERFMON or CAP_SYS_ADMIN)";
	fprintf(stderr, "logbuf: %s: %s%s\n", what, strerror(err), hint);
	return 1;
}

static void print_ev(const void *d, size_t len)
{
	const struct logbuf_ev *ev = d;

	if (len < sizeof(*ev) || ev->size != len) {
		printf("? malformed record of %zu bytes\n", len);
		return;
	}
	printf("%" PRIu64 ".%09" PRIu64 " cpu%-3u %7u ",
	       (uint64_t)ev->ts_ns / 1000000000,
	       (uint64_t)ev->ts_ns % 1000000000, ev->cpu, ev->pid);
	if (ev->type == LOGBUF_EV_SCHED_SWITCH && len >= sizeof(struct logbuf_ev_switch)) {
		const struct logbuf_ev_switch *e = d;

		printf("sched_switch %.16s:%u [%d] state=%#x%s ==> %.16s:%u [%d]\n",
		       e->prev_comm, e->prev_pid, e->prev_prio, e->prev_state,
		       e->preempt ? " preempt" : "", e->next_comm, e->next_pid,
		       e->next_prio);
	} else if (ev->type == LOGBUF_EV_EXEC &&
		   len >= sizeof(struct logbuf_ev_exec)) {
		const struct logbuf_ev_exec *e = d;
		uint32_t n = e->filename_len;

		if (n > len - sizeof(*e))
			n = len - sizeof(*e);
		printf("exec %.*s old_pid=%u\n", (int)n, e->filename, e->old_pid);
	} else if (ev->type == LOGBUF_EV_SYS_ENTER &&
		   len >= sizeof(struct logbuf_ev_syscall)) {
		const struct logbuf_ev_syscall *e = d;

		printf("sys_enter NR %" PRId64 " (%#" PRIx64 ", %#" PRIx64 ", %#"
		       PRIx64 ", %#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ")\n",
		       (int64_t)e->id, (uint64_t)e->args[0],
		       (uint64_t)e->args[1], (uint64_t)e->args[2],
		       (uint64_t)e->args[3], (uint64_t)e->args[4],
		       (uint64_t)e->args[5]);
	} else {
		printf("type %u, %zu bytes\n", ev->type, len);
	}
}

static int parse_events(const char *s, uint32_t *ev)
{
	char *copy = strdup(s), *tok, *save = NULL;

	*ev = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "sched_switch"))
			*ev |= LOGBUF_EV_SCHED_SWITCH;
		else if (!strcmp(tok, "exec"))
			*ev |= LOGBUF_EV_EXEC;
		else if (!strcmp(tok, "syscalls"))
			*ev |= LOGBUF_EV_SYS_ENTER;
		else {
			fprintf(stderr, "logbuf: unknown event '%s'\n", tok);
			free(copy);
			return -1;
		}
	}
	free(copy);
	return *ev ? 0 : -1;
}

static int cmd_trace(int argc, char **argv)
{
	struct logbuf_attach a = { .size = sizeof(a) };
	struct logbuf_stats st = { .size = sizeof(st) };
	uint64_t events = 0, bytes = 0;
	struct logbuf_receiver *rx;
	double duration = 0, t0, last;
	const char *raw = NULL;
	FILE *out = stdout;
	int pfd, cfd, err, i;

	if (argc < 2 || parse_events(argv[1], &a.events))
		return usage();
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--duration") && i + 1 < argc)
			duration = atof(argv[++i]);
		else if (!strcmp(argv[i], "--raw") && i + 1 < argc)
			raw = argv[++i];
		else
			return usage();
	}
	if (raw && !(out = fopen(raw, "w")))
		return fail(raw, errno);
	err = logbuf_dev_create(4 << 20, LOGBUF_CREATE_KERNEL_PROD, &pfd, &cfd);
	if (err)
		return fail("creating a ring", -err);
	if (ioctl(cfd, LOGBUF_IOC_ATTACH, &a))
		return fail("attaching to the tracepoints", errno);
	rx = logbuf_receiver_open(cfd);
	if (!rx)
		return fail("mapping the ring", errno);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t0 = last = now();
	fprintf(stderr, "logbuf: tracing %s%s; Ctrl-C to stop\n", argv[1],
		raw ? " (raw records to the file)" : "");
	while (!stop && (!duration || now() - t0 < duration)) {
		const void *d;
		size_t len;

		/*
		 * Drain, then sleep 10 ms rather than park: a consumer woken
		 * per event would, when tracing sched_switch, cause an event
		 * with every sleep of its own.
		 */
		err = logbuf_try_recv(rx, &d, &len);
		if (err == -EAGAIN) {
			usleep(10000);
			continue;
		}
		if (err)
			return fail("reading the ring", -err);
		events++;
		bytes += len;
		if (raw) {
			uint32_t l = len;

			fwrite(&l, sizeof(l), 1, out);
			fwrite(d, len, 1, out);
		} else {
			print_ev(d, len);
		}
		if (now() - last >= 1) {
			last = now();
			fprintf(stderr, "logbuf: %" PRIu64 " events so far\n", events);
		}
	}
	a.events = 0;
	ioctl(cfd, LOGBUF_IOC_ATTACH, &a);
	ioctl(cfd, LOGBUF_IOC_STATS, &st);
	fflush(out);
	fprintf(stderr, "logbuf: %" PRIu64 " events, %" PRIu64 " bytes, %" PRIu64
		" dropped, %.0f events/s over %.2f s\n", events, bytes,
		(uint64_t)st.dropped, events / (now() - t0), now() - t0);
	logbuf_receiver_free(rx);
	close(cfd);
	if (raw)
		fclose(out);
	return 0;
}

static int cmd_log(int argc, char **argv)
{
	struct logbuf_info info = { .size = sizeof(info) };
	struct logbuf_stats st = { .size = sizeof(st) };
	uint64_t ring_size = 1 << 20, lines = 0, bytes = 0;
	struct logbuf_sender *tx;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int pfd, cfd, err, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ring-size") && i + 1 < argc)
			ring_size = strtoull(argv[++i], NULL, 0);
		else
			return usage();
	}
	err = logbuf_dev_create(ring_size, LOGBUF_CREATE_KERNEL_CONS, &pfd,
				&cfd);
	if (err)
		return fail("creating a ring", -err);
	tx = logbuf_sender_open(pfd);
	if (!tx)
		return fail("mapping the ring", errno);
	ioctl(pfd, LOGBUF_IOC_INFO, &info);
	fprintf(stderr, "logbuf: ring %" PRIu64 ": each line becomes a "
		"logbuf:logbuf_record event in /sys/kernel/tracing/trace\n",
		(uint64_t)info.id);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		if (!n)
			continue;
		err = logbuf_send(tx, line, n);
		if (err == -E2BIG) {
			fprintf(stderr, "logbuf: line %" PRIu64 " longer than %" PRIu64
				" bytes, skipped\n", lines + 1,
				(uint64_t)(ring_size / 2 - 8));
			continue;
		}
		if (err)
			return fail("sending", -err);
		lines++;
		bytes += n;
	}
	free(line);
	/* Let the kernel drain before saying how it went. */
	for (i = 0; i < 500; i++) {
		if (ioctl(pfd, LOGBUF_IOC_STATS, &st) ||
		    st.records_consumed >= lines)
			break;
		usleep(10000);
	}
	fprintf(stderr, "logbuf: %" PRIu64 " lines, %" PRIu64 " bytes sent, %"
		PRIu64 " drained by the kernel\n", lines, bytes,
		(uint64_t)st.records_consumed);
	logbuf_sender_free(tx);
	close(pfd);
	return 0;
}

static int cmd_stat(int argc, char **argv)
{
	struct logbuf_stats st = { .size = sizeof(st) };
	struct logbuf_info info = { .size = sizeof(info) };
	int pidfd, fd;

	if (argc != 3)
		return usage();
	pidfd = syscall(SYS_pidfd_open, atoi(argv[1]), 0);
	if (pidfd < 0)
		return fail("opening the process", errno);
	fd = syscall(SYS_pidfd_getfd, pidfd, atoi(argv[2]), 0);
	if (fd < 0)
		return fail("getting its file descriptor", errno);
	if (ioctl(fd, LOGBUF_IOC_INFO, &info) || ioctl(fd, LOGBUF_IOC_STATS, &st))
		return fail("that descriptor is not a logbuf end", errno);
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

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "trace"))
		return cmd_trace(argc - 1, argv + 1);
	if (!strcmp(argv[1], "log"))
		return cmd_log(argc - 1, argv + 1);
	if (!strcmp(argv[1], "stat"))
		return cmd_stat(argc - 1, argv + 1);
	return usage();
}
