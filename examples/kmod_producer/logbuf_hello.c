// SPDX-License-Identifier: GPL-2.0
/*
 * logbuf_hello: a kernel module producing into a ring that user space
 * consumes, with logbuf_reserve()/logbuf_submit() (and logbuf_output()).
 *
 * A user program creates the ring (LOGBUF_CREATE_KERNEL_PROD, e.g.
 * hello_reader) and passes its id:
 *
 *	insmod logbuf_hello.ko ring=<id> count=<records>
 *
 * At load the module writes count records "hello <n> from the kernel"
 * and one "bye" record, then keeps nothing: a reservation and a submit
 * are a few atomic operations, safe in any context (NMI included), and
 * never sleep; a full ring makes logbuf_reserve() return NULL and the
 * record is counted as dropped.
 */
#include <linux/module.h>
#include <linux/kernel.h>

#include "logbuf_api.h"

static unsigned long long ring;
module_param(ring, ullong, 0444);
MODULE_PARM_DESC(ring, "id of a kernel-producer logbuf ring");

static unsigned int count = 10;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "records to write at load (at most 1000000)");

static int __init logbuf_hello_init(void)
{
	struct logbuf_kclaim claim;
	struct logbuf_kring *r;
	unsigned int i, dropped = 0;
	char *p;
	int len;

	if (count > 1000000)
		return -EINVAL;
	r = logbuf_kring_get(ring);
	if (!r)
		return -ENOENT;	/* no such ring, or not a kernel-producer one */
	for (i = 0; i < count; i++) {
		/* The length is fixed at reservation; the text fits in 48. */
		p = logbuf_reserve(r, 48, &claim);
		if (!p) {
			dropped++;
			continue;
		}
		len = scnprintf(p, 48, "hello %u from the kernel", i);
		memset(p + len, 0, 48 - len);
		logbuf_submit(r, &claim, 0);	/* wakes a parked consumer */
	}
	/* A copy in one call: reserve, copy, submit. */
	if (logbuf_output(r, "bye", 3, 0))
		dropped++;
	logbuf_kring_put(r);
	pr_info("logbuf_hello: %u records to ring %llu, %u dropped\n",
		count + 1 - dropped, ring, dropped);
	return 0;
}

static void __exit logbuf_hello_exit(void)
{
}

module_init(logbuf_hello_init);
module_exit(logbuf_hello_exit);
MODULE_DESCRIPTION("logbuf example: a kernel module producing records");
MODULE_LICENSE("GPL");
