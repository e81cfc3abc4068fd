/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The few atomic operations the logbuf protocol uses, for the kernel and for
 * user space, so that proto.h compiles unchanged in both.
 *
 * User space uses C11 <stdatomic.h> on plain fixed-width words (cast to
 * _Atomic, as liburing does); the kernel uses its own primitives.
 */
#ifndef _LOGBUF_ATOMIC_H
#define _LOGBUF_ATOMIC_H

#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/string.h>
#include <asm/barrier.h>
#include <asm/processor.h>

/*
 * Each protocol access names its partner where it is used (proto.h); these
 * only map the names.
 */
#define lb_load(p)		READ_ONCE(*(p))
#define lb_store(p, v)		WRITE_ONCE(*(p), (v))
/* acquire: pairs with an lb_store_release() of the same word */
#define lb_load_acquire(p)	smp_load_acquire(p)
/* release: pairs with an lb_load_acquire() of the same word */
#define lb_store_release(p, v)	smp_store_release(p, (v))
/* 64-bit compare-and-swap; on failure *(oldp) is updated. No ordering. */
#define lb_cas(p, oldp, v)	try_cmpxchg64_relaxed(p, oldp, (v))
#define lb_add(p, v)		atomic64_add((v), (atomic64_t *)(p))
/* full barrier: store-buffering pairs (the wake-up flag) */
#define lb_mb()			smp_mb()
#define lb_cpu_relax()		cpu_relax()
#define lb_likely(x)		likely(x)
#define lb_unlikely(x)		unlikely(x)

#else /* !__KERNEL__ */
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#define __lb_atomic(p)		((_Atomic __typeof__(*(p)) *)(p))
#define lb_load(p)		atomic_load_explicit(__lb_atomic(p), \
						     memory_order_relaxed)
#define lb_store(p, v)		atomic_store_explicit(__lb_atomic(p), (v), \
						      memory_order_relaxed)
#define lb_load_acquire(p)	atomic_load_explicit(__lb_atomic(p), \
						     memory_order_acquire)
#define lb_store_release(p, v)	atomic_store_explicit(__lb_atomic(p), (v), \
						      memory_order_release)
#define lb_cas(p, oldp, v)						\
	atomic_compare_exchange_weak_explicit(__lb_atomic(p), (oldp), (v), \
					      memory_order_relaxed,	\
					      memory_order_relaxed)
#define lb_add(p, v)		atomic_fetch_add_explicit(__lb_atomic(p), (v), \
							  memory_order_relaxed)
#define lb_mb()			atomic_thread_fence(memory_order_seq_cst)
static inline void lb_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}
#define lb_likely(x)		__builtin_expect(!!(x), 1)
#define lb_unlikely(x)		__builtin_expect(!!(x), 0)
#endif /* __KERNEL__ */

#endif /* _LOGBUF_ATOMIC_H */
