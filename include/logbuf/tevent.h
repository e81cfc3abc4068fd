/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Typed events: the field declarations a program gives LOGBUF_IOC_EVENT_NEW
 * ("u64 lat_ns; char path[]"), parsed by one function that liblogbuf (to
 * encode) and the module (to decode) both compile, so that the two can
 * never disagree on a record's layout.  The layout is in
 * include/uapi/linux/logbuf.h, under struct logbuf_tev.
 *
 * The parser reads a NUL-terminated string of at most LOGBUF_TEV_SPEC_MAX
 * bytes; every loop is bounded by that length.
 */
#ifndef _LOGBUF_TEVENT_H
#define _LOGBUF_TEVENT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <uapi/linux/logbuf.h>
#else
#include <errno.h>
#include <string.h>
#include <linux/logbuf.h>
#endif

/* struct logbuf_tev_field.type */
#define LOGBUF_TEV_INT		1	/* an integer of @size bytes */
#define LOGBUF_TEV_STR		2	/* char name[N] (@n = N) or char name[] */
#define LOGBUF_TEV_BYTES	3	/* u8 name[N] (@n = N) */

#define LOGBUF_TEV_FIELD_NAME	32	/* with NUL */
#define LOGBUF_TEV_BYTES_MAX	64	/* N of u8[N]: shown as 2N hex digits */
/* Worst-case bytes of one event in the trace buffer, fields and strings. */
#define LOGBUF_TEV_EVENT_MAX	3072

/**
 * struct logbuf_tev_field - one declared field
 * @type: LOGBUF_TEV_*.
 * @size: bytes of an integer (1, 2, 4, 8); 0 otherwise.
 * @is_signed: an integer's sign.
 * @n: N of char[N] and u8[N]; LOGBUF_TEV_STR_MAX + 1 for char[].
 * @name: the field's name.
 */
struct logbuf_tev_field {
	__u8 type;
	__u8 size;
	__u8 is_signed;
	__u8 __pad;
	__u16 n;
	char name[LOGBUF_TEV_FIELD_NAME];
};

static inline int __logbuf_tev_isalpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline int __logbuf_tev_isalnum(char c)
{
	return __logbuf_tev_isalpha(c) || (c >= '0' && c <= '9');
}

static inline int __logbuf_tev_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Length of the identifier at @s, 0 if there is none. */
static inline unsigned int __logbuf_tev_ident(const char *s, unsigned int max)
{
	unsigned int i = 0;

	if (!__logbuf_tev_isalpha(s[0]))
		return 0;
	while (i < max && __logbuf_tev_isalnum(s[i]))
		i++;
	return i;
}

/**
 * logbuf_tev_name_ok() - is @name a valid event name?
 * @name: NUL-terminated.
 *
 * Return: 0 or -EINVAL.
 */
static inline int logbuf_tev_name_ok(const char *name)
{
	unsigned int n = __logbuf_tev_ident(name, LOGBUF_TEV_NAME_MAX + 1);

	return n && n <= LOGBUF_TEV_NAME_MAX && !name[n] ? 0 : -EINVAL;
}

/* The integer type named by @s (@len bytes): its size, or 0. */
static inline int __logbuf_tev_int_type(const char *s, unsigned int len,
					struct logbuf_tev_field *f)
{
	static const char *const names[] = {
		"u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", NULL,
	};
	unsigned int i;

	for (i = 0; names[i]; i++) {
		if (strlen(names[i]) != len || memcmp(s, names[i], len))
			continue;
		f->type = LOGBUF_TEV_INT;
		f->size = 1U << (i / 2);
		f->is_signed = i % 2;
		return f->size;
	}
	return 0;
}

/* Worst-case bytes of @f in the trace buffer (the module's layout). */
static inline unsigned int __logbuf_tev_cost(const struct logbuf_tev_field *f)
{
	switch (f->type) {
	case LOGBUF_TEV_STR:
		return 8 + f->n;	/* dynamic string: its place + bytes */
	case LOGBUF_TEV_BYTES:
		return 8 + 2 * f->n + 1;
	default:
		return 8;
	}
}

/**
 * logbuf_tev_parse() - parse field declarations
 * @spec: "type name; type name[N]; char name[]", NUL-terminated, at most
 *	LOGBUF_TEV_SPEC_MAX bytes with the NUL; may be empty.
 * @f: out: LOGBUF_TEV_FIELDS_MAX fields.
 *
 * Types: u8 s8 u16 s16 u32 s32 u64 s64; char name[N] (1 < N <=
 * LOGBUF_TEV_ARRAY_MAX) and char name[] (at most LOGBUF_TEV_STR_MAX bytes);
 * u8 name[N] (0 < N <= LOGBUF_TEV_BYTES_MAX).  Names are C identifiers
 * shorter than LOGBUF_TEV_FIELD_NAME, unique, neither "pid" nor "tid" (every
 * event has those two first) nor starting with "common_".
 *
 * Return: the number of fields, or -EINVAL (-E2BIG: too many fields, or
 * more than LOGBUF_TEV_EVENT_MAX bytes in the worst case).
 */
static inline int logbuf_tev_parse(const char *spec,
				   struct logbuf_tev_field *f)
{
	unsigned int i = 0, nf = 0, cost = 16, len, j, n;
	struct logbuf_tev_field *cur;

	for (;;) {
		while (i < LOGBUF_TEV_SPEC_MAX &&
		       (__logbuf_tev_isspace(spec[i]) || spec[i] == ';'))
			i++;
		if (i >= LOGBUF_TEV_SPEC_MAX)
			return -EINVAL;
		if (!spec[i])
			return nf;
		if (nf == LOGBUF_TEV_FIELDS_MAX)
			return -E2BIG;
		cur = &f[nf];
		memset(cur, 0, sizeof(*cur));
		/* the type */
		len = __logbuf_tev_ident(spec + i, 8);
		if (len == 4 && !memcmp(spec + i, "char", 4))
			cur->type = LOGBUF_TEV_STR;
		else if (!len || !__logbuf_tev_int_type(spec + i, len, cur))
			return -EINVAL;
		i += len;
		if (!__logbuf_tev_isspace(spec[i]))
			return -EINVAL;
		while (i < LOGBUF_TEV_SPEC_MAX && __logbuf_tev_isspace(spec[i]))
			i++;
		/* the name */
		len = __logbuf_tev_ident(spec + i, LOGBUF_TEV_FIELD_NAME);
		if (!len || len >= LOGBUF_TEV_FIELD_NAME)
			return -EINVAL;
		memcpy(cur->name, spec + i, len);
		cur->name[len] = 0;
		i += len;
		if (!strcmp(cur->name, "pid") || !strcmp(cur->name, "tid") ||
		    !strncmp(cur->name, "common_", 7))
			return -EINVAL;
		for (j = 0; j < nf; j++)
			if (!strcmp(f[j].name, cur->name))
				return -EINVAL;
		/* [N] or [] */
		if (spec[i] == '[') {
			i++;
			for (n = 0, j = 0; j < 4 && spec[i] >= '0' &&
			     spec[i] <= '9'; j++, i++)
				n = n * 10 + (spec[i] - '0');
			if (spec[i] != ']' || (j && spec[i - j] == '0'))
				return -EINVAL;
			i++;
			if (cur->type == LOGBUF_TEV_STR) {
				if (!j)
					n = LOGBUF_TEV_STR_MAX + 1;
				else if (n < 2 || n > LOGBUF_TEV_ARRAY_MAX)
					return -EINVAL;
			} else if (cur->size == 1 && !cur->is_signed && j) {
				if (n > LOGBUF_TEV_BYTES_MAX)
					return -EINVAL;
				cur->type = LOGBUF_TEV_BYTES;
				cur->size = 0;
			} else {
				return -EINVAL;
			}
			cur->n = n;
		} else if (cur->type == LOGBUF_TEV_STR) {
			return -EINVAL;		/* char needs [N] or [] */
		}
		while (i < LOGBUF_TEV_SPEC_MAX && __logbuf_tev_isspace(spec[i]))
			i++;
		if (spec[i] != ';' && spec[i])
			return -EINVAL;
		cost += __logbuf_tev_cost(cur);
		if (cost > LOGBUF_TEV_EVENT_MAX)
			return -E2BIG;
		nf++;
	}
}

/* Largest encoded bytes of @f's value in a record. */
static inline unsigned int logbuf_tev_enc_max(const struct logbuf_tev_field *f)
{
	switch (f->type) {
	case LOGBUF_TEV_INT:
		return f->size;
	case LOGBUF_TEV_STR:
		return 2 + f->n - 1;
	default:
		return f->n;
	}
}

/**
 * logbuf_tev_locate() - check a record's values against their declaration
 * @f: the declared fields.
 * @nf: how many.
 * @rec: the values, encoded as under struct logbuf_tev.
 * @len: their bytes.
 * @src: out: for each field, the offset of its value's bytes in @rec (a
 *	string's after its length word); NULL to check only.
 *
 * Every length is checked against @len and the declaration before a byte
 * is read: the module's drain and a collector both read records that a
 * lying writer may have made.  Offsets fit 16 bits: the declaration bounds
 * a record (LOGBUF_TEV_FIELDS_MAX fields of at most 2 + LOGBUF_TEV_STR_MAX
 * bytes).
 *
 * Return: 0, or -EBADMSG if @rec is not exactly the fields' encoding.
 */
static inline int logbuf_tev_locate(const struct logbuf_tev_field *f,
				    unsigned int nf, const unsigned char *rec,
				    __u32 len, __u16 *src)
{
	unsigned int i;
	__u32 pos = 0;
	__u16 n;

	for (i = 0; i < nf; i++) {
		switch (f[i].type) {
		case LOGBUF_TEV_INT:
			n = f[i].size;
			break;
		case LOGBUF_TEV_STR:
			if (len - pos < 2)
				return -EBADMSG;
			memcpy(&n, rec + pos, 2);
			pos += 2;
			if (n >= f[i].n)
				return -EBADMSG;
			break;
		default:	/* LOGBUF_TEV_BYTES */
			n = f[i].n;
			break;
		}
		if (len - pos < n)
			return -EBADMSG;
		if (src)
			src[i] = (__u16)pos;
		pos += n;
	}
	return pos == len ? 0 : -EBADMSG;
}

#endif /* _LOGBUF_TEVENT_H */
