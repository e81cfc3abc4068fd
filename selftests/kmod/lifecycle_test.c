// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes: the module stays while any end or mapping exists, and rings
 * give all their memory back when the last one goes.
 */
#include <stdio.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "kring.h"

static int try_unload(void)
{
	return syscall(SYS_delete_module, "logbuf", O_NONBLOCK) ? errno : 0;
}

static long meminfo_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			sscanf(line + strlen(key), " %ld", &v);
	fclose(f);
	return v;
}

TEST(unload_refused_while_an_end_is_open)
{
	int pfd = -1, cfd = -1, err;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	if (getuid())
		SKIP(return, "needs root to try delete_module");
	ASSERT_EQ(0, kr_create(4 * PG, 0, &pfd, &cfd));
	close(pfd);
	err = try_unload();
	EXPECT_TRUE(err == EAGAIN || err == EBUSY) TH_LOG("errno %d", err);
	EXPECT_TRUE(kr_have_dev());
	close(cfd);
}

TEST(unload_refused_while_a_mapping_exists)
{
	int pfd = -1, cfd = -1, err;
	void *p;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	if (getuid())
		SKIP(return, "needs root to try delete_module");
	ASSERT_EQ(0, kr_create(4 * PG, 0, &pfd, &cfd));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, cfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	close(pfd);
	close(cfd);
	err = try_unload();
	EXPECT_TRUE(err == EAGAIN || err == EBUSY) TH_LOG("errno %d", err);
	EXPECT_EQ(LOGBUF_MAGIC, ((struct logbuf_meta *)p)->magic);
	munmap(p, PG);
}

/*
 * 400 rings of 256 KiB, each mapped and touched, then closed: about
 * 105 MiB went through.  A leak of the pages would show as that much less
 * available memory; allow 24 MiB for the page and slab caches' noise.
 */
TEST(no_memory_left_behind)
{
	long before, after;
	int i;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	before = meminfo_kb("MemAvailable:");
	ASSERT_LT(0, before);
	for (i = 0; i < 400; i++) {
		int pfd = -1, cfd = -1;
		unsigned char *d;

		ASSERT_EQ(0, kr_create(64 * PG, 0, &pfd, &cfd));
		d = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
			 pfd, LOGBUF_PGOFF_DATA * PG);
		ASSERT_NE(MAP_FAILED, d);
		d[0] = d[64 * PG - 1] = 1;
		munmap(d, 64 * PG);
		close(pfd);
		close(cfd);
	}
	after = meminfo_kb("MemAvailable:");
	TH_LOG("MemAvailable %ld kB before, %ld kB after", before, after);
	EXPECT_LT(before - after, 24 * 1024);
}

TEST(many_rings_at_once)
{
	int fds[2 * 64], i;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, kr_create(PG, 0, &fds[2 * i], &fds[2 * i + 1]));
	for (i = 0; i < 128; i++)
		close(fds[i]);
}

TEST_HARNESS_MAIN
