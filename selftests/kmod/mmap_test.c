// SPDX-License-Identifier: GPL-2.0
/*
 * mmap of the ring ends: each role may write exactly its own page and the
 * data; the rest maps read-only and stays read-only.
 */
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "kring.h"

FIXTURE(map) {
	int pfd, cfd;
	size_t len;
};

FIXTURE_SETUP(map)
{
	self->pfd = self->cfd = -1;
	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	ASSERT_EQ(0, kr_create(4 * PG, 0, &self->pfd, &self->cfd));
	self->len = 7 * PG;
}

FIXTURE_TEARDOWN(map)
{
	if (self->pfd >= 0)
		close(self->pfd);
	if (self->cfd >= 0)
		close(self->cfd);
}

static void *map(int fd, uint64_t pgoff, uint64_t npages, int prot)
{
	return mmap(NULL, npages * PG, prot, MAP_SHARED, fd, pgoff * PG);
}

/* Write one byte at @p in a child; return the signal that killed it, or 0. */
static int poke_in_child(volatile unsigned char *p)
{
	int status;
	pid_t pid = fork();

	if (!pid) {
		*p = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

TEST_F(map, whole_ring_read_only_works)
{
	struct logbuf_meta *m = map(self->pfd, 0, 7, PROT_READ);

	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(LOGBUF_MAGIC, m->magic);
	EXPECT_EQ(LOGBUF_VERSION, m->version);
	EXPECT_EQ(4 * PG, m->capacity);
	EXPECT_EQ(3 * PG, m->data_offset);
	munmap(m, self->len);
}

TEST_F(map, producer_writes_own_page_and_data)
{
	unsigned char *p = map(self->pfd, LOGBUF_PGOFF_PROD, 5,
			       PROT_READ | PROT_WRITE);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, poke_in_child(p));
	EXPECT_EQ(0, poke_in_child(p + PG));
	munmap(p, 5 * PG);
}

TEST_F(map, consumer_writes_own_page_and_data)
{
	unsigned char *c = map(self->cfd, LOGBUF_PGOFF_CONS, 1,
			       PROT_READ | PROT_WRITE);
	unsigned char *d = map(self->cfd, LOGBUF_PGOFF_DATA, 4,
			       PROT_READ | PROT_WRITE);

	ASSERT_NE(MAP_FAILED, c);
	ASSERT_NE(MAP_FAILED, d);
	EXPECT_EQ(0, poke_in_child(c));
	EXPECT_EQ(0, poke_in_child(d + 4 * PG - 1));
	munmap(c, PG);
	munmap(d, 4 * PG);
}

TEST_F(map, producer_writing_consumer_page_segfaults)
{
	unsigned char *p = map(self->pfd, 0, 7, PROT_READ);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(SIGSEGV, poke_in_child(p + LOGBUF_PGOFF_CONS * PG));
	EXPECT_EQ(SIGSEGV, poke_in_child(p));	/* meta page */
	munmap(p, self->len);
}

TEST_F(map, consumer_writing_producer_page_segfaults)
{
	unsigned char *p = map(self->cfd, 0, 7, PROT_READ);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(SIGSEGV, poke_in_child(p + LOGBUF_PGOFF_PROD * PG));
	munmap(p, self->len);
}

TEST_F(map, writable_map_of_foreign_page_eperm)
{
	EXPECT_EQ(MAP_FAILED, map(self->pfd, LOGBUF_PGOFF_CONS, 1,
				  PROT_READ | PROT_WRITE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(MAP_FAILED, map(self->cfd, LOGBUF_PGOFF_PROD, 1,
				  PROT_READ | PROT_WRITE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(MAP_FAILED, map(self->cfd, 0, 7, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(MAP_FAILED, map(self->pfd, LOGBUF_PGOFF_META, 1,
				  PROT_READ | PROT_WRITE));
	EXPECT_EQ(EPERM, errno);
}

TEST_F(map, mprotect_to_writable_fails)
{
	unsigned char *p = map(self->pfd, 0, 7, PROT_READ);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, PG, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(p, self->len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(p, self->len);
}

TEST_F(map, exec_eperm)
{
	EXPECT_EQ(MAP_FAILED, map(self->pfd, LOGBUF_PGOFF_DATA, 1,
				  PROT_READ | PROT_EXEC));
	EXPECT_EQ(EPERM, errno);
}

TEST_F(map, private_einval)
{
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ, MAP_PRIVATE,
				   self->pfd, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(map, offset_beyond_end_einval)
{
	EXPECT_EQ(MAP_FAILED, map(self->pfd, 7, 1, PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, map(self->pfd, 1ULL << 30, 1, PROT_READ));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(map, length_beyond_end_einval)
{
	EXPECT_EQ(MAP_FAILED, map(self->pfd, 0, 8, PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, map(self->cfd, LOGBUF_PGOFF_DATA, 5,
				  PROT_READ | PROT_WRITE));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(map, mremap_cannot_grow)
{
	void *p = map(self->pfd, 0, 1, PROT_READ), *q;

	ASSERT_NE(MAP_FAILED, p);
	q = mremap(p, PG, 2 * PG, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, q);
	munmap(p, PG);
}

TEST_F(map, mapping_outlives_the_fds)
{
	unsigned char *d = map(self->cfd, LOGBUF_PGOFF_DATA, 4,
			       PROT_READ | PROT_WRITE);
	unsigned char *p = map(self->pfd, LOGBUF_PGOFF_DATA, 4,
			       PROT_READ | PROT_WRITE);

	ASSERT_NE(MAP_FAILED, d);
	ASSERT_NE(MAP_FAILED, p);
	close(self->pfd);
	close(self->cfd);
	self->pfd = self->cfd = -1;
	p[100] = 42;
	EXPECT_EQ(42, d[100]);	/* the same page, still alive */
	munmap(p, 4 * PG);
	munmap(d, 4 * PG);
}

TEST_HARNESS_MAIN
