// SPDX-License-Identifier: GPL-2.0
/*
 * liblogbuf-trace on the host: a tracefs directory of our own with one
 * event format (as the kernel writes them), records built by hand, and
 * every way of decoding them: by name, numbers, strings (fixed and
 * __data_loc), ftrace's text through the event's print format, JSON; and
 * records that lie about their sizes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/logbuf.h>

#include "kselftest_harness.h"
#include "logbuf/trace.h"

static const char format[] =
	"name: demo\n"
	"ID: 777\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int value;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:char comm[16];\toffset:12;\tsize:16;\tsigned:0;\n"
	"\tfield:__data_loc char[] msg;\toffset:28;\tsize:4;\tsigned:0;\n"
	"\n"
	"print fmt: \"value=%d comm=%s msg=%s\", REC->value, REC->comm, "
	"__get_str(msg)\n";

static const char header_page[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:1;\n";

/* A record: struct logbuf_ev_raw's header, then 64 bytes of fields. */
struct rec {
	struct {
		struct logbuf_ev ev;
		uint32_t id;
		uint32_t raw_size;
	} e;
	unsigned char raw[64];
};

/* A demo event: value, comm, and "hello" behind it as msg. */
static size_t make(struct rec *r, int value)
{
	unsigned short type = 777;
	unsigned int loc = 32 | (6 << 16);	/* offset 32, 6 bytes */
	int pid = 4242;

	memset(r, 0, sizeof(*r));
	memcpy(r->raw, &type, 2);
	memcpy(r->raw + 4, &pid, 4);
	memcpy(r->raw + 8, &value, 4);
	memcpy(r->raw + 12, "lbtest", 6);
	memcpy(r->raw + 28, &loc, 4);
	memcpy(r->raw + 32, "hello", 6);
	r->e.id = 777;
	r->e.raw_size = 38;
	r->e.ev.type = LOGBUF_EV_RAW;
	r->e.ev.size = sizeof(r->e) + 40;
	return sizeof(r->e) + 40;
}

FIXTURE(tr) {
	char dir[64];
	struct logbuf_trace *t;
};

FIXTURE_SETUP(tr)
{
	char path[160], cmd[200];
	FILE *f;

	snprintf(self->dir, sizeof(self->dir), "/tmp/lbtrace.%d", getpid());
	snprintf(path, sizeof(path), "%s/events/lbtest/demo", self->dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", path);
	ASSERT_EQ(0, system(cmd));
	strcat(path, "/format");
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs(format, f);
	fclose(f);
	/*
	 * Loading every event (libtracefs) also wants the ring-buffer
	 * page's format, and knows a system by its enable file.
	 */
	snprintf(path, sizeof(path), "%s/events/header_page", self->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs(header_page, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/events/lbtest/enable", self->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fclose(f);
	self->t = logbuf_trace_new(self->dir);
	ASSERT_NE(NULL, self->t);
}

FIXTURE_TEARDOWN(tr)
{
	char cmd[100];

	logbuf_trace_free(self->t);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

TEST_F(tr, load_by_name)
{
	uint32_t id = 0;
	char name[64];

	ASSERT_EQ(0, logbuf_trace_load(self->t, "lbtest:demo", &id));
	EXPECT_EQ(777, id);
	EXPECT_STREQ("lbtest:demo", logbuf_trace_name(self->t, 777, name,
							sizeof(name)));
	EXPECT_EQ(-ENOENT, logbuf_trace_load(self->t, "lbtest:nosuch", &id));
	EXPECT_EQ(-EINVAL, logbuf_trace_load(self->t, "demo", &id));
	EXPECT_EQ(-EINVAL, logbuf_trace_load(self->t, ":demo", &id));
	EXPECT_EQ(-EINVAL, logbuf_trace_load(self->t, "a:b:c", &id));
	EXPECT_EQ(-EINVAL, logbuf_trace_load(self->t, "../x:demo", &id));
}

TEST_F(tr, fields_by_name)
{
	uint32_t id;
	struct rec r;
	size_t len = make(&r, -7);
	int64_t v;
	char s[16];

	ASSERT_EQ(0, logbuf_trace_load(self->t, "lbtest:demo", &id));
	ASSERT_EQ(0, logbuf_trace_field(self->t, &r, len, "value", &v));
	EXPECT_EQ(-7, v);
	ASSERT_EQ(0, logbuf_trace_field(self->t, &r, len, "common_pid", &v));
	EXPECT_EQ(4242, v);
	ASSERT_EQ(0, logbuf_trace_string(self->t, &r, len, "comm", s,
					 sizeof(s)));
	EXPECT_STREQ("lbtest", s);
	ASSERT_EQ(0, logbuf_trace_string(self->t, &r, len, "msg", s,
					 sizeof(s)));
	EXPECT_STREQ("hello", s);
	/* Cut to fit, terminated. */
	ASSERT_EQ(0, logbuf_trace_string(self->t, &r, len, "comm", s, 4));
	EXPECT_STREQ("lbt", s);
	EXPECT_EQ(-ENOENT, logbuf_trace_field(self->t, &r, len, "nope", &v));
	EXPECT_EQ(-EINVAL, logbuf_trace_string(self->t, &r, len, "comm", s,
					       0));
}

/* Text and JSON into a memory stream. */
static char *printed(struct logbuf_trace *t, const void *d, size_t len,
		     unsigned int flags, int *ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	*ret = logbuf_trace_print(t, f, d, len, flags);
	fclose(f);
	return buf;
}

TEST_F(tr, text_and_json)
{
	struct rec r;
	size_t len = make(&r, 12);
	char *s;
	int ret;

	s = printed(self->t, &r, len, 0, &ret);
	EXPECT_EQ(0, ret);
	EXPECT_STREQ("lbtest:demo: value=12 comm=lbtest msg=hello\n", s);
	free(s);
	s = printed(self->t, &r, len, LOGBUF_TRACE_JSON, &ret);
	EXPECT_EQ(0, ret);
	/* The event's own fields; common_* are the logbuf header's. */
	EXPECT_STREQ("\"event\":\"lbtest:demo\",\"fields\":{"
		     "\"value\":12,\"comm\":\"lbtest\",\"msg\":\"hello\"}", s);
	free(s);
}

/* A record is input: sizes that lie never make us read past it. */
TEST_F(tr, records_that_lie)
{
	struct rec r;
	size_t len = make(&r, 1);
	int64_t v;
	char s[16], *p;
	int ret;

	/* raw_size past the record: malformed. */
	r.e.raw_size = 1000;
	p = printed(self->t, &r, len, 0, &ret);
	EXPECT_EQ(-EBADMSG, ret);
	EXPECT_STREQ("malformed event 0, 0 bytes\n", p);
	free(p);
	EXPECT_EQ(-EBADMSG, logbuf_trace_field(self->t, &r, len, "value",
					       &v));
	/* Shorter than the header. */
	EXPECT_EQ(-EBADMSG, logbuf_trace_field(self->t, &r, 8, "value", &v));
	/* Fields beyond raw_size are not read. */
	len = make(&r, 1);
	r.e.raw_size = 10;
	EXPECT_EQ(-EBADMSG, logbuf_trace_field(self->t, &r, len, "value",
					       &v));
	EXPECT_EQ(-EBADMSG, logbuf_trace_string(self->t, &r, len, "comm", s,
						sizeof(s)));
	p = printed(self->t, &r, len, LOGBUF_TRACE_JSON, &ret);
	EXPECT_EQ(0, ret);
	EXPECT_NE(NULL, strstr(p, "\"value\":null"));
	free(p);
	/* A __data_loc pointing outside the record. */
	len = make(&r, 1);
	r.raw[30] = 0xff;	/* length 0xff.. */
	EXPECT_EQ(-EBADMSG, logbuf_trace_string(self->t, &r, len, "msg", s,
						sizeof(s)));
	/* An id no format describes. */
	len = make(&r, 1);
	r.e.id = 778;
	p = printed(self->t, &r, len, 0, &ret);
	EXPECT_EQ(-ENOENT, ret);
	EXPECT_STREQ("unknown event 778, 38 bytes\n", p);
	free(p);
}

TEST_HARNESS_MAIN
