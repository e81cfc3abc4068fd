// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * logbuf(1) --filter: a private trace instance ("logbuf-<pid>") whose
 * events/<system>/<event>/filter files hold the expression.  The kernel
 * parses and compiles it there (the only way it offers), reports errors in
 * the same file, and logbuf's handler runs the compiled filter before a
 * record takes ring space.  The instance is never enabled: it traces
 * nothing itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tracefs.h>

#include "filter.h"

struct filter {
	struct tracefs_instance *inst;
	char name[32];
};

/* The kernel's words for a rejected filter: the file's text, trimmed. */
static void complain(struct tracefs_instance *inst, const char *sys,
		     const char *ev, const char *expr, int err)
{
	char *msg = tracefs_event_file_read(inst, sys, ev, "filter", NULL);
	size_t n = msg ? strlen(msg) : 0;

	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = 0;
	fprintf(stderr, "logbuf: the kernel does not take the filter '%s' "
		"for %s:%s (%s)%s%s\n", expr, sys, ev, strerror(err),
		n ? ":\n" : "", n ? msg : "");
	free(msg);
}

struct filter *filter_new(char *const *names, int n, const char *expr)
{
	struct filter *f = calloc(1, sizeof(*f));
	int i;

	if (!f)
		return NULL;
	snprintf(f->name, sizeof(f->name), "logbuf-%d", (int)getpid());
	f->inst = tracefs_instance_create(f->name);
	if (!f->inst) {
		fprintf(stderr, "logbuf: cannot make the trace instance %s "
			"for --filter (%s)\n", f->name, strerror(errno));
		free(f);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		char *sys = strdup(names[i]), *ev = sys ? strchr(sys, ':') : NULL;
		int err = 0;

		if (!ev) {
			err = EINVAL;
		} else {
			*ev++ = 0;
			errno = 0;
			if (tracefs_event_file_write(f->inst, sys, ev, "filter",
						     expr) < 0)
				err = errno ? errno : EINVAL;
		}
		if (err && ev)
			complain(f->inst, sys, ev, expr, err);
		free(sys);
		if (err) {
			filter_free(f);
			return NULL;
		}
	}
	return f;
}

const char *filter_instance(const struct filter *f)
{
	return f->name;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	tracefs_instance_destroy(f->inst);
	tracefs_instance_free(f->inst);
	free(f);
}
