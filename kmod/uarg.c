// SPDX-License-Identifier: GPL-2.0
/*
 * Size-versioned ioctl structs in and out of user space: every ioctl of
 * the device, of the ends, of the sources and of the tracer goes through
 * these two, so that an older or newer caller's struct is read and
 * written the same way everywhere.
 */

#include <linux/minmax.h>
#include <linux/uaccess.h>
#include "logbuf.h"

/**
 * logbuf_copy_in() - copy a size-prefixed ioctl struct from user space
 * @karg: the kernel's struct, @ksize bytes.
 * @ksize: its size.
 * @uarg: the caller's struct; its first __u32 is the size it knows.
 * @min: the oldest size the ABI accepts.
 *
 * An older, shorter struct reads as zero beyond its end; a newer, longer
 * one is accepted if the bytes we do not know are zero.
 *
 * Return: 0, -EFAULT, -EINVAL (size below @min), -E2BIG (size above a page,
 * or non-zero bytes we do not know).
 */
long logbuf_copy_in(void *karg, size_t ksize, void __user *uarg, u32 min)
{
	u32 usize;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < min)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(karg, ksize, uarg, usize);
}

/*
 * Copy a size-prefixed output struct: the caller says how much it knows
 * (at least @min bytes), gets min(its size, ours), and learns our size
 * through the size field.
 */
long logbuf_copy_out(void __user *uarg, void *karg, u32 ksize, u32 min)
{
	u32 usize;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < min)
		return -EINVAL;
	usize = min_t(u32, usize, ksize);
	*(u32 *)karg = usize;
	return copy_to_user(uarg, karg, usize) ? -EFAULT : 0;
}
