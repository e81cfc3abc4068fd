/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The few atomic operations the logbuf protocol uses (and a prefetch hint),
 * for the kernel and for user space, so that proto.h compiles unchanged in
 * both.
 *
 * User space uses the compiler's __atomic builtins on plain fixed-width
 * words; the kernel uses its own primitives.  Every name is in the
 * library's namespace (__logbuf_*): including logbuf.h defines nothing else.
 */
#ifndef _LOGBUF_ATOMIC_H
#define _LOGBUF_ATOMIC_H

#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/prefetch.h>
#include <linux/string.h>
#include <asm/barrier.h>
#include <asm/processor.h>

/*
 * Each protocol access names its partner where it is used (proto.h); these
 * only map the names.
 */
#define __logbuf_load(p)		READ_ONCE(*(p))
#define __logbuf_store(p, v)		WRITE_ONCE(*(p), (v))
/* acquire: pairs with an __logbuf_store_release() of the same word */
#define __logbuf_load_acquire(p)	smp_load_acquire(p)
/* release: pairs with an __logbuf_load_acquire() of the same word */
#define __logbuf_store_release(p, v)	smp_store_release(p, (v))
/* 64-bit compare-and-swap; on failure *(oldp) is updated. No ordering. */
#define __logbuf_cas(p, oldp, v)	try_cmpxchg64_relaxed(p, oldp, (v))
#define __logbuf_add(p, v)		atomic64_add((v), (atomic64_t *)(p))
/* full barrier: store-buffering pairs (the wake-up flag) */
#define __logbuf_mb()			smp_mb()
/* store-store barrier: overwrite.h's seqlock writer (pairs: its reader) */
#define __logbuf_wmb()			smp_wmb()
/* load-load barrier: overwrite.h's seqlock reader (pairs: its writer) */
#define __logbuf_rmb()			smp_rmb()
#define __logbuf_cpu_relax()		cpu_relax()
#define __logbuf_likely(x)		likely(x)
#define __logbuf_unlikely(x)		unlikely(x)
/* a hint, never a fault: the consumer asks for a record's lines */
#define __logbuf_prefetch(p)		prefetch(p)

#else /* !__KERNEL__ */
/*
 * GCC's and Clang's __atomic builtins on plain fixed-width words: one
 * spelling for C and C++ (<stdatomic.h> and _Atomic do not exist in C++
 * before C++23).  liburing reaches the same instructions differently today:
 * _Atomic casts and <stdatomic.h> in C, std::atomic casts in C++.
 */
#ifndef __cplusplus
#include <stdbool.h>
#endif
#include <string.h>

#define __logbuf_load(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define __logbuf_store(p, v)		__atomic_store_n((p), (v), __ATOMIC_RELAXED)
/* acquire: pairs with a __logbuf_store_release() of the same word */
#define __logbuf_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
/* release: pairs with a __logbuf_load_acquire() of the same word */
#define __logbuf_store_release(p, v)	\
	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
/* 64-bit compare-and-swap (weak); on failure *(oldp) is updated. */
#define __logbuf_cas(p, oldp, v)	\
	__atomic_compare_exchange_n((p), (oldp), (v), 1, __ATOMIC_RELAXED, \
				    __ATOMIC_RELAXED)
#define __logbuf_add(p, v)		__atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
/* full barrier: store-buffering pairs (the wake-up flag) */
#define __logbuf_mb()			__atomic_thread_fence(__ATOMIC_SEQ_CST)
/*
 * The overwrite rings' seqlock pairs, as C11 fences: a release fence orders
 * earlier stores before later (relaxed) stores, an acquire fence orders
 * earlier (relaxed) loads before later loads (Boehm, "Can seqlocks get along
 * with programming language memory models?", 2012).
 */
#define __logbuf_wmb()			__atomic_thread_fence(__ATOMIC_RELEASE)
#define __logbuf_rmb()			__atomic_thread_fence(__ATOMIC_ACQUIRE)
static inline void __logbuf_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}
#define __logbuf_likely(x)		__builtin_expect(!!(x), 1)
#define __logbuf_unlikely(x)		__builtin_expect(!!(x), 0)
/* a hint, never a fault: the consumer asks for a record's lines */
#define __logbuf_prefetch(p)		__builtin_prefetch(p)
#endif /* __KERNEL__ */

#endif /* _LOGBUF_ATOMIC_H */
