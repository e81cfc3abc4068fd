// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel consumer API: the logbuf_testsink module attaches to a ring
 * with logbuf_sink_attach() and reports what its callback received.
 */
#include <stdio.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"
#include "../common/testrec.h"

#define PARAM	"/sys/module/logbuf_testsink/parameters/"

static int param_write(const char *name, unsigned long long v)
{
	char buf[32];
	int fd = open(name, O_WRONLY), n, err = 0;

	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%llu", v);
	if (write(fd, buf, n) != n)
		err = -errno;
	close(fd);
	return err;
}

static unsigned long long param_read(const char *name)
{
	unsigned long long v = 0;
	FILE *f = fopen(name, "r");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static uint64_t ring_id(int fd)
{
	struct logbuf_info i = { .size = sizeof(i) };

	return ioctl(fd, LOGBUF_IOC_INFO, &i) ? 0 : i.id;
}

TEST(module_callback_gets_every_record)
{
	struct logbuf_sender *tx;
	unsigned char buf[512];
	uint32_t hash = 2166136261u;
	uint64_t seed = 11, bytes = 0;
	int pfd = -1, cfd = -1, i, j;

	if (!kr_have_dev() || access(PARAM "ring", W_OK))
		SKIP(return, "logbuf or logbuf_testsink not loaded");
	ASSERT_EQ(0, kr_create(2 * PG, LOGBUF_RING_MPSC |
			       LOGBUF_CREATE_KERNEL_CONS, &pfd, &cfd));
	ASSERT_EQ(0, param_write(PARAM "ring", ring_id(pfd)));
	tx = logbuf_sender_open(pfd);
	ASSERT_NE(NULL, tx);
	for (i = 0; i < 3000; i++) {
		uint32_t len = TESTREC_MIN + tr_rand(&seed) % 400;

		tr_fill(buf, len, 0, i);
		ASSERT_EQ(0, logbuf_send(tx, buf, len));
		for (j = 0; j < (int)len; j++)
			hash = (hash ^ buf[j]) * 16777619u;
		bytes += len;
	}
	for (i = 0; i < 1000 && param_read(PARAM "records") < 3000; i++)
		usleep(5000);
	EXPECT_EQ(3000, param_read(PARAM "records"));
	EXPECT_EQ(bytes, param_read(PARAM "bytes"));
	EXPECT_EQ(hash, param_read(PARAM "hash"));
	EXPECT_EQ(0, param_write(PARAM "ring", 0));
	logbuf_sender_free(tx);
	close(pfd);
}

TEST(attach_errors)
{
	int pfd = -1, cfd = -1;

	if (!kr_have_dev() || access(PARAM "ring", W_OK))
		SKIP(return, "logbuf or logbuf_testsink not loaded");
	EXPECT_EQ(-ENOENT, param_write(PARAM "ring", 1ULL << 60));
	/* A ring user space consumes has no kernel consumer to attach to. */
	ASSERT_EQ(0, kr_create(PG, 0, &pfd, &cfd));
	EXPECT_EQ(-EINVAL, param_write(PARAM "ring", ring_id(pfd)));
	close(pfd);
	close(cfd);
}

TEST_HARNESS_MAIN
