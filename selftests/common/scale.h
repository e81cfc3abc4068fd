/* SPDX-License-Identifier: GPL-2.0 */
/* SCALE: how much longer a timed test window runs under ThreadSanitizer. */
#ifndef _LOGBUF_SCALE_H
#define _LOGBUF_SCALE_H

#if defined(__SANITIZE_THREAD__)
#define SCALE	10	/* ThreadSanitizer is ~10x slower */
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SCALE	10
#endif
#endif
#ifndef SCALE
#define SCALE	1
#endif

#endif /* _LOGBUF_SCALE_H */
