/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * logbuf(1)'s dynamic probes: kprobe:, kretprobe:, uprobe:, uretprobe: and
 * usdt: sources, made as the kernel's dynamic trace events (tracefs
 * kprobe_events and uprobe_events) in a group of this run's own,
 * logbuf_<pid>, and then traced by id as any trace event.
 *
 * Nothing is left behind: the run deletes its group when it ends; a
 * janitor process in a session of its own deletes it when the run dies
 * any other way (SIGKILL included: the janitor sees its pipe close); and
 * every run that makes probes first deletes the groups of runs that are no
 * longer alive (the janitor killed too).
 */
#ifndef _LOGBUF_TOOL_PROBE_H
#define _LOGBUF_TOOL_PROBE_H

#include <stdbool.h>

struct probes;

/* Is @spec one of the probe forms (by its prefix)? */
bool probe_is(const char *spec);

/*
 * Ready to make probes: the caller may (CAP_PERFMON or CAP_SYS_ADMIN, and
 * write access to tracefs' probe files: -EPERM before anything is made),
 * stale groups deleted, the janitor started.  NULL with errno set.
 */
struct probes *probes_new(const char *first_spec);

/*
 * Make the probes @spec names (a USDT probe has a site per inlined copy)
 * and add their events' names, SYSTEM:EVENT, to @names (*@n of @max
 * used).  0, or -1 after saying why on stderr.
 */
int probes_add(struct probes *p, const char *spec, char **names, int *n,
	       int max);

/* Delete the probes (once nothing traces them), stop the janitor. */
void probes_free(struct probes *p);

#endif /* _LOGBUF_TOOL_PROBE_H */
