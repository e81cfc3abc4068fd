// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Dynamic probes as trace events (tools/probe.h says what and why): each
 * probe is one line written to tracefs' kprobe_events or uprobe_events,
 * in the kernel's own syntax (Documentation/trace/kprobetrace.rst,
 * uprobetracer.rst), so its arguments are the kernel's fetch-args and its
 * format file is the kernel's; symbols of user programs and USDT notes are
 * read from the file with libelf (tools/elfsym.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <tracefs.h>

#include "elfsym.h"
#include "probe.h"

#define PROBES_MAX	64
#define NAME_MAX_LEN	48	/* of the kernel's 64, room for "_NN" */
#define USDT_SITES_MAX	16

struct probe {
	const char *file;	/* "kprobe_events" or "uprobe_events" */
	char name[NAME_MAX_LEN + 16];	/* the kernel takes 63 */
};

struct probes {
	char dir[PATH_MAX];	/* tracefs */
	char group[32];		/* logbuf_<pid> */
	struct probe made[PROBES_MAX];
	int nr;
	int janitor_fd;		/* its pipe: closing it (any way) wakes it */
	pid_t janitor;
};

static const char *const prefixes[] = {
	"kprobe:", "kretprobe:", "uprobe:", "uretprobe:", "usdt:",
};

bool probe_is(const char *spec)
{
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(spec, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* CAP_PERFMON or CAP_SYS_ADMIN in the effective set: the module's rule. */
static bool perfmon_capable(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return false;
	return (d[CAP_SYS_ADMIN / 32].effective & (1U << (CAP_SYS_ADMIN % 32))) ||
	       (d[CAP_PERFMON / 32].effective & (1U << (CAP_PERFMON % 32)));
}

static int write_line(const char *dir, const char *file, const char *line)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, line, strlen(line));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

/* The kernel's own words on a probe it refused: error_log's last entry. */
static void say_error_log(const char *dir)
{
	char path[PATH_MAX], *line = NULL, *last[2] = { NULL, NULL };
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/error_log", dir);
	f = fopen(path, "re");
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		free(last[0]);
		last[0] = last[1];
		last[1] = strdup(line);
	}
	fclose(f);
	free(line);
	if (last[0] && last[1] && strstr(last[0], "Command:") == NULL) {
		fprintf(stderr, "logbuf: the kernel says:\n  %s  %s", last[0],
			last[1]);
	} else if (last[1]) {
		fprintf(stderr, "logbuf: the kernel says:\n  %s", last[1]);
	}
	free(last[0]);
	free(last[1]);
}

typedef bool (*group_match)(const char *group, const void *ctx);

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Delete every probe in @file whose group @match takes; a probe still in
 * use (EBUSY: its counters not yet released) is tried again for up to
 * @patience_ms.  Returns how many are left.
 */
static int sweep_file(const char *dir, const char *file, group_match match,
		      const void *ctx, int patience_ms)
{
	char path[PATH_MAX], *line = NULL, cmd[256];
	size_t cap = 0;
	int left = 0, waited;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return 0;
	/* Lines: "p:GROUP/EVENT target args" ("r10:" for a kretprobe). */
	while (getline(&line, &cap, f) > 0) {
		char *g = strchr(line, ':'), *e, *end;
		int err;

		if (!g++ || !(e = strchr(g, '/')))
			continue;
		*e++ = 0;
		end = e + strcspn(e, " \n");
		*end = 0;
		if (!match(g, ctx))
			continue;
		snprintf(cmd, sizeof(cmd), "-:%s/%s", g, e);
		for (waited = 0;; waited += 50) {
			err = write_line(dir, file, cmd);
			if (err != -EBUSY || waited >= patience_ms)
				break;
			sleep_ms(50);
		}
		if (err && err != -ENOENT)
			left++;
	}
	free(line);
	fclose(f);
	return left;
}

static int sweep(const char *dir, group_match match, const void *ctx,
		 int patience_ms)
{
	return sweep_file(dir, "kprobe_events", match, ctx, patience_ms) +
	       sweep_file(dir, "uprobe_events", match, ctx, patience_ms);
}

static bool same_group(const char *group, const void *ctx)
{
	return !strcmp(group, ctx);
}

/* logbuf_<pid> of a process that is gone (this pid namespace's view). */
static bool stale_group(const char *group, const void *ctx)
{
	char *end;
	long pid;

	(void)ctx;
	if (strncmp(group, "logbuf_", 7) || !group[7])
		return false;
	pid = strtol(group + 7, &end, 10);
	if (*end || pid <= 0 || pid > INT_MAX || pid == getpid())
		return false;
	return kill((pid_t)pid, 0) && errno == ESRCH;
}

/*
 * The janitor: a child in a session of its own (a Ctrl-C or a kill of
 * the run's process group does not reach it) holding the read end of a
 * pipe whose only write end is ours.  However we end, the kernel closes
 * that end; then it deletes our group, waiting up to 10 s for the kernel
 * to release the counters (our ring files close as we exit), and exits.
 */
static int janitor_start(struct probes *p)
{
	int fds[2], fd;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		char c;

		setsid();
		prctl(PR_SET_NAME, "logbuf-janitor");
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		/* Hold nothing of the run's: not its output, not its rings. */
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		dup2(fds[0], 3);
		syscall(SYS_close_range, 4, ~0U, 0);
		while (read(3, &c, 1) > 0 || errno == EINTR)
			;
		sweep(p->dir, same_group, p->group, 10000);
		_exit(0);
	}
	close(fds[0]);
	p->janitor_fd = fds[1];
	p->janitor = pid;
	return 0;
}

struct probes *probes_new(const char *first_spec)
{
	const char *dir = tracefs_tracing_dir();
	struct probes *p;
	char path[PATH_MAX];
	int err;

	if (!perfmon_capable()) {
		fprintf(stderr, "logbuf: %s: %s (probes need CAP_PERFMON or "
			"CAP_SYS_ADMIN; nothing was made)\n", first_spec,
			strerror(EPERM));
		errno = EPERM;
		return NULL;
	}
	if (!dir) {
		fprintf(stderr, "logbuf: %s: tracefs is not mounted\n",
			first_spec);
		errno = ENOENT;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->janitor_fd = -1;
	snprintf(p->dir, sizeof(p->dir), "%s", dir);
	snprintf(p->group, sizeof(p->group), "logbuf_%d", (int)getpid());
	snprintf(path, sizeof(path), "%s/kprobe_events", dir);
	if (access(path, W_OK)) {
		err = errno;
		fprintf(stderr, "logbuf: %s: %s: %s (nothing was made)\n",
			first_spec, path, strerror(err));
		free(p);
		errno = err;
		return NULL;
	}
	/* Runs that died with their janitor: their probes go now. */
	sweep(p->dir, stale_group, NULL, 0);
	err = janitor_start(p);
	if (err) {
		fprintf(stderr, "logbuf: starting the janitor: %s\n",
			strerror(-err));
		free(p);
		errno = -err;
		return NULL;
	}
	return p;
}

/* @s as a trace event name: [A-Za-z0-9_], not starting with a digit. */
static void event_name(char *out, const char *s, const char *suffix)
{
	size_t n = 0;

	if (*s >= '0' && *s <= '9')
		out[n++] = '_';
	for (; *s && n < NAME_MAX_LEN - strlen(suffix); s++)
		out[n++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			   (*s >= '0' && *s <= '9') ? *s : '_';
	strcpy(out + n, suffix);
}

/* A name not used yet in this run: @base, else @base_2, @base_3... */
static void unique_name(const struct probes *p, char *name, size_t size)
{
	char base[NAME_MAX_LEN + 1];
	int i, k;

	snprintf(base, sizeof(base), "%s", name);
	for (k = 2;; k++) {
		for (i = 0; i < p->nr && strcmp(p->made[i].name, name); i++)
			;
		if (i == p->nr)
			return;
		snprintf(name, size, "%s_%d", base, k);
	}
}

static int make_probe(struct probes *p, const char *file, char type,
		      const char *name, const char *target, const char *args,
		      char **names, int *n, int max, const char *spec)
{
	struct probe *pr;
	char *line;
	int err;

	if (p->nr == PROBES_MAX || *n == max) {
		fprintf(stderr, "logbuf: %s: at most %d probes and %d events\n",
			spec, PROBES_MAX, max);
		return -1;
	}
	pr = &p->made[p->nr];
	snprintf(pr->name, sizeof(pr->name), "%s", name);
	unique_name(p, pr->name, sizeof(pr->name));
	if (asprintf(&line, "%c:%s/%s %s%s%s\n", type, p->group, pr->name,
		     target, args && *args ? " " : "", args ? args : "") < 0)
		return -1;
	err = write_line(p->dir, file, line);
	free(line);
	if (err) {
		fprintf(stderr, "logbuf: %s: the kernel did not take the probe "
			"(%s)\n", spec, strerror(-err));
		say_error_log(p->dir);
		return -1;
	}
	pr->file = file;
	p->nr++;
	if (asprintf(&names[*n], "%s:%s", p->group, pr->name) < 0)
		return -1;
	(*n)++;
	return 0;
}

/* A program named without a slash is looked up in $PATH, as a shell does. */
static int find_file(const char *name, char *out)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!strchr(name, '/') && path) {
		while (*path) {
			size_t len = strcspn(path, ":");

			snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path,
				 name);
			if (len && !access(buf, X_OK))
				return realpath(buf, out) ? 0 : -errno;
			path += len + (path[len] == ':');
		}
		return -ENOENT;
	}
	return realpath(name, out) ? 0 : -errno;
}

#ifdef __x86_64__
/* x86-64's register names (any width) to pt_regs', as fetch-args name them. */
static const char *const regs[][5] = {
	{ "ax", "rax", "eax", "ax", "al" },
	{ "bx", "rbx", "ebx", "bx", "bl" },
	{ "cx", "rcx", "ecx", "cx", "cl" },
	{ "dx", "rdx", "edx", "dx", "dl" },
	{ "si", "rsi", "esi", "si", "sil" },
	{ "di", "rdi", "edi", "di", "dil" },
	{ "bp", "rbp", "ebp", "bp", "bpl" },
	{ "sp", "rsp", "esp", "sp", "spl" },
	{ "r8", "r8", "r8d", "r8w", "r8b" },
	{ "r9", "r9", "r9d", "r9w", "r9b" },
	{ "r10", "r10", "r10d", "r10w", "r10b" },
	{ "r11", "r11", "r11d", "r11w", "r11b" },
	{ "r12", "r12", "r12d", "r12w", "r12b" },
	{ "r13", "r13", "r13d", "r13w", "r13b" },
	{ "r14", "r14", "r14d", "r14w", "r14b" },
	{ "r15", "r15", "r15d", "r15w", "r15b" },
	{ "ip", "rip", "eip", "ip", "" },
};

static const char *pt_reg(const char *s, size_t len)
{
	size_t i, j;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		for (j = 1; j < 5; j++)
			if (strlen(regs[i][j]) == len &&
			    !strncmp(regs[i][j], s, len))
				return regs[i][0];
	return NULL;
}

/*
 * One <sys/sdt.h> argument ("-4@%edi", "8@-24(%rbp)", "4@$5") as a
 * fetch-arg named argN ("arg1=%di:s32"); -1 for a form uprobes cannot
 * read (an index register, a symbol).
 */
static int usdt_arg(const char *a, int i, char *out, size_t size)
{
	char type[8], *end;
	const char *op, *reg;
	long sz = strtol(a, &end, 10), off;

	if (*end != '@')
		return -1;
	op = end + 1;
	if (sz != 1 && sz != 2 && sz != 4 && sz != 8 &&
	    sz != -1 && sz != -2 && sz != -4 && sz != -8)
		return -1;
	snprintf(type, sizeof(type), "%c%ld", sz < 0 ? 's' : 'u',
		 labs(sz) * 8);
	if (*op == '%') {
		reg = pt_reg(op + 1, strlen(op + 1));
		if (!reg)
			return -1;
		snprintf(out, size, "arg%d=%%%s:%s", i, reg, type);
		return 0;
	}
	if (*op == '$') {
		long long v = strtoll(op + 1, &end, 0);

		if (*end)
			return -1;
		snprintf(out, size, "arg%d=\\%lld:%s", i, v, type);
		return 0;
	}
	off = strtol(op, &end, 10);
	if (*end != '(' || end[1] != '%' || !strchr(end, ')') ||
	    strchr(end, ','))
		return -1;
	reg = pt_reg(end + 2, strcspn(end + 2, ")"));
	if (!reg || strcspn(end + 2, ")") + 3 != strlen(end))
		return -1;
	snprintf(out, size, "arg%d=%+ld(%%%s):%s", i, off, reg, type);
	return 0;
}
#else
static int usdt_arg(const char *a, int i, char *out, size_t size)
{
	return -1;
}
#endif

/* The fetch-args of a USDT site; an argument it cannot read is said. */
static void usdt_args(const char *spec, const char *in, char *out,
		      size_t size)
{
	char *copy = strdup(in), *tok, *save = NULL, one[96];
	size_t used = 0;
	int i = 0;

	out[0] = 0;
	for (tok = copy ? strtok_r(copy, " ", &save) : NULL; tok;
	     tok = strtok_r(NULL, " ", &save)) {
		i++;
		if (usdt_arg(tok, i, one, sizeof(one))) {
			fprintf(stderr, "logbuf: %s: argument %d (%s) is not "
				"one uprobes can read; left out\n", spec, i,
				tok);
			continue;
		}
		used += snprintf(out + used, size > used ? size - used : 0,
				 "%s%s", used ? " " : "", one);
	}
	free(copy);
}

static int add_usdt(struct probes *p, const char *spec, char *rest,
		    char **names, int *n, int max)
{
	char *name = strrchr(rest, ':'), *prov, path[PATH_MAX], target[PATH_MAX + 64];
	char ev[NAME_MAX_LEN + 8], args[1024];
	struct usdt_site s[USDT_SITES_MAX];
	int nr, i, err;

	if (!name)
		goto usage;
	*name++ = 0;
	prov = strrchr(rest, ':');
	if (!prov || !*name)
		goto usage;
	*prov++ = 0;
	err = find_file(rest, path);
	if (err) {
		fprintf(stderr, "logbuf: %s: %s: %s\n", spec, rest,
			strerror(-err));
		return -1;
	}
	nr = elf_usdt_sites(path, prov, name, s, USDT_SITES_MAX);
	if (nr <= 0) {
		fprintf(stderr, "logbuf: %s: %s\n", spec, nr ? strerror(-nr) :
			"no such USDT probe in the file (its .note.stapsdt)");
		return -1;
	}
	for (i = 0; i < nr; i++) {
		if (s[i].sem_off)
			snprintf(target, sizeof(target), "%s:0x%llx(0x%llx)",
				 path, (unsigned long long)s[i].off,
				 (unsigned long long)s[i].sem_off);
		else
			snprintf(target, sizeof(target), "%s:0x%llx", path,
				 (unsigned long long)s[i].off);
		snprintf(ev, sizeof(ev), "%s_%s", prov, name);
		event_name(ev, ev, "");
		usdt_args(spec, s[i].args, args, sizeof(args));
		if (make_probe(p, "uprobe_events", 'p', ev, target, args,
			       names, n, max, spec))
			return -1;
	}
	return 0;
usage:
	fprintf(stderr, "logbuf: %s: not usdt:PATH:PROVIDER:NAME\n", spec);
	return -1;
}

/* uprobe:PATH:SYMBOL[+OFF] or uprobe:PATH:0xOFFSET (a file offset). */
static int add_uprobe(struct probes *p, const char *spec, char *rest,
		      char type, const char *args, char **names, int *n,
		      int max)
{
	char *sym = strrchr(rest, ':'), *plus, *end, path[PATH_MAX];
	char target[PATH_MAX + 32], ev[NAME_MAX_LEN + 8];
	unsigned long long add = 0;
	uint64_t off;
	int err;

	if (!sym || !sym[1]) {
		fprintf(stderr, "logbuf: %s: not %s:PATH:SYMBOL\n", spec,
			type == 'r' ? "uretprobe" : "uprobe");
		return -1;
	}
	*sym++ = 0;
	err = find_file(rest, path);
	if (err) {
		fprintf(stderr, "logbuf: %s: %s: %s\n", spec, rest,
			strerror(-err));
		return -1;
	}
	if (!strncmp(sym, "0x", 2)) {
		off = strtoull(sym, &end, 16);
		if (*end) {
			fprintf(stderr, "logbuf: %s: bad offset\n", spec);
			return -1;
		}
	} else {
		plus = strchr(sym, '+');
		if (plus) {
			*plus++ = 0;
			add = strtoull(plus, &end, 0);
			if (*end || !*plus) {
				fprintf(stderr, "logbuf: %s: bad offset\n",
					spec);
				return -1;
			}
		}
		err = elf_sym_offset(path, sym, &off);
		if (err) {
			fprintf(stderr, "logbuf: %s: %s\n", spec,
				err == -ENOENT ? "no such symbol in the file "
				"(.symtab or .dynsym)" : strerror(-err));
			return -1;
		}
		off += add;
	}
	snprintf(target, sizeof(target), "%s:0x%llx", path,
		 (unsigned long long)off);
	event_name(ev, sym, type == 'r' ? "__return" : "");
	return make_probe(p, "uprobe_events", type, ev, target, args, names,
			  n, max, spec);
}

int probes_add(struct probes *p, const char *spec, char **names, int *n,
	       int max)
{
	char *copy = strdup(spec), *rest, *args, ev[NAME_MAX_LEN + 8];
	char type;
	int err = -1;

	if (!copy)
		return -1;
	rest = strchr(copy, ':') + 1;
	/* The kernel's fetch-args follow the place, after a space. */
	args = strchr(rest, ' ');
	if (args) {
		*args++ = 0;
		args += strspn(args, " ");
	}
	type = !strncmp(copy, "kretprobe:", 10) ||
	       !strncmp(copy, "uretprobe:", 10) ? 'r' : 'p';
	if (!*rest) {
		fprintf(stderr, "logbuf: %s: where? (see logbuf(1))\n", spec);
	} else if (copy[0] == 'k') {
		event_name(ev, rest, type == 'r' ? "__return" : "");
		err = make_probe(p, "kprobe_events", type, ev, rest, args,
				 names, n, max, spec);
	} else if (copy[1] == 'p' || copy[1] == 'r') {
		err = add_uprobe(p, spec, rest, type, args, names, n, max);
	} else if (args) {
		fprintf(stderr, "logbuf: %s: a USDT probe's arguments are its "
			"own; no fetch-args\n", spec);
	} else {
		err = add_usdt(p, spec, rest, names, n, max);
	}
	free(copy);
	return err;
}

void probes_free(struct probes *p)
{
	char cmd[128];
	int i, left = 0, err;

	if (!p)
		return;
	/*
	 * Ours, newest first.  One still busy (an error path that returns
	 * with the rings attached) is the janitor's: it waits for our exit.
	 */
	for (i = p->nr - 1; i >= 0; i--) {
		snprintf(cmd, sizeof(cmd), "-:%s/%s", p->group,
			 p->made[i].name);
		err = write_line(p->dir, p->made[i].file, cmd);
		left += err && err != -ENOENT;
	}
	if (p->janitor_fd >= 0) {
		close(p->janitor_fd);
		if (!left)
			waitpid(p->janitor, NULL, 0);
	}
	free(p);
}
