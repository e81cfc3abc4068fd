/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * logbuf(1) --filter: the event's own filter expression (tracefs syntax),
 * compiled by the kernel in a private trace instance that the attachment
 * then names (struct logbuf_attach_events.instance).
 */
#ifndef _LOGBUF_TOOL_FILTER_H
#define _LOGBUF_TOOL_FILTER_H

struct filter;

/*
 * A trace instance of our own with @expr as the filter of each of the @n
 * "system:event" names; prints the kernel's complaint and returns NULL if
 * it does not take the expression for one of them.
 */
struct filter *filter_new(char *const *names, int n, const char *expr);
/* The instance's name, for the attachment. */
const char *filter_instance(const struct filter *f);
/* Remove the instance (after the detach); NULL is a no-op. */
void filter_free(struct filter *f);

#endif /* _LOGBUF_TOOL_FILTER_H */
