// SPDX-License-Identifier: GPL-2.0
/*
 * logbuf_testsink: a module that uses logbuf's in-kernel consumer API, for
 * the selftests.  Writing a ring id to the "ring" parameter attaches it as
 * that ring's sink (0 detaches); "records", "bytes" and "hash" (FNV-1a over
 * every payload byte, in order) report what it received.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include "../logbuf_api.h"

static u64 ring;
static unsigned long records;
static unsigned long bytes;
static unsigned int hash = 2166136261u;

static void testsink_record(void *priv, u64 ring_id, const void *data, u32 len)
{
	const u8 *p = data;
	u32 i;

	/*
	 * @data is shared with user space and may change under us (see
	 * logbuf_api.h): each byte is read exactly once.
	 */
	for (i = 0; i < len; i++)
		hash = (hash ^ READ_ONCE(p[i])) * 16777619u;
	bytes += len;
	/* Readers poll "records": publish it after the rest. */
	smp_store_release(&records, records + 1);
}

static const struct logbuf_sink_ops testsink_ops = {
	.record = testsink_record,
};

static int testsink_set_ring(const char *val, const struct kernel_param *kp)
{
	u64 id;
	int err = kstrtoull(val, 0, &id);

	if (err)
		return err;
	if (ring)
		logbuf_sink_detach(ring);
	ring = 0;
	if (!id)
		return 0;
	records = 0;
	bytes = 0;
	hash = 2166136261u;
	err = logbuf_sink_attach(id, &testsink_ops, NULL);
	if (!err)
		ring = id;
	return err;
}

static const struct kernel_param_ops testsink_ring_ops = {
	.set = testsink_set_ring,
	.get = param_get_ullong,
};

module_param_cb(ring, &testsink_ring_ops, &ring, 0600);
MODULE_PARM_DESC(ring, "Ring id to consume (0: none)");
module_param(records, ulong, 0400);
module_param(bytes, ulong, 0400);
module_param(hash, uint, 0400);

static void __exit testsink_exit(void)
{
	if (ring)
		logbuf_sink_detach(ring);
}

static int __init testsink_init(void)
{
	return 0;
}

module_init(testsink_init);
module_exit(testsink_exit);
MODULE_DESCRIPTION("logbuf selftest: an in-kernel consumer");
MODULE_LICENSE("GPL");
