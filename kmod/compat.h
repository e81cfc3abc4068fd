/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference logbuf cares about, in one place.  This
 * header is force-included (-include) into each object of the module.
 */
#ifndef _LOGBUF_COMPAT_H
#define _LOGBUF_COMPAT_H

/* Every message of the module carries its name. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/version.h>

#if KERNEL_VERSION(6, 1, 0) > LINUX_VERSION_CODE
#error "logbuf needs Linux 6.1 or later"
#endif

#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/workqueue.h>

/*
 * 6.17 added WQ_PERCPU (an enum, so no #ifdef); newer kernels warn when a
 * workqueue names neither it nor WQ_UNBOUND.  Before, per-CPU was implied.
 */
#if KERNEL_VERSION(6, 17, 0) > LINUX_VERSION_CODE
#define LOGBUF_WQ_PERCPU	0
#else
#define LOGBUF_WQ_PERCPU	WQ_PERCPU
#endif

/* 6.13 added hrtimer_setup(); 6.15 removed hrtimer_init(). */
#if KERNEL_VERSION(6, 13, 0) > LINUX_VERSION_CODE
static inline void
hrtimer_setup(struct hrtimer *timer,
	      enum hrtimer_restart (*function)(struct hrtimer *),
	      clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * 6.16 made sysfs bin_attribute callbacks and attribute_group.bin_attrs
 * take const attributes.
 */
#if KERNEL_VERSION(6, 16, 0) > LINUX_VERSION_CODE
#define LOGBUF_BIN_ATTR_CONST
#else
#define LOGBUF_BIN_ATTR_CONST	const
#endif

/* 6.3 made vma->vm_flags read-only and added accessors. */
#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma,
				  vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/* 6.4 named kernel threads cloned from user threads (io_uring's). */
#ifndef PF_USER_WORKER
#define PF_USER_WORKER	0
#endif

#endif /* _LOGBUF_COMPAT_H */
