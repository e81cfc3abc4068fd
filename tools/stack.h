/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * logbuf(1)'s call stacks (struct logbuf_ev_stack): kernel addresses by
 * /proc/kallsyms, user ones unwound and symbolized with elfutils' libdwfl
 * from the process's mappings (/proc/PID/maps, read while it lives).
 */
#ifndef _LOGBUF_TOOL_STACK_H
#define _LOGBUF_TOOL_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* How the user chain of a record was found. */
enum stack_how {
	STACK_NONE,	/* no user context */
	STACK_DWARF,	/* the stack copy, unwound by the program's CFI */
	STACK_FP,	/* the kernel's frame pointer walk */
};

struct frame {
	uint64_t addr;
	bool kernel;
	char sym[128];		/* "" if unknown */
	uint64_t off;		/* from the symbol's start */
	char file[192];		/* user: the ELF file, or "" */
	char build_id[41];	/* user: hex, or "" */
	uint64_t file_addr;	/* user: the address in the file (as nm) */
};

#define STACK_FRAMES_MAX	256

/*
 * The frames of raw record @d (struct logbuf_ev_raw): kernel ones first,
 * innermost first, then user ones; @n of them (0: the record has no
 * stacks), @nr_kernel of them kernel frames.  Valid until the next call.
 */
const struct frame *stack_frames(const void *d, size_t len, int *n,
				 int *nr_kernel, enum stack_how *how);
/* A raw record's stacks after its fields: text lines, or JSON members. */
void stack_print(FILE *f, const void *d, size_t len, bool json);
/* Does raw record @d carry stacks? */
bool stack_has(const void *d, size_t len);
/*
 * The record's frames as a JSON member "stack":["sym+0xoff [k]", ...],
 * innermost first; false (nothing written) if it has none.
 */
bool stack_args(FILE *f, const void *d, size_t len);
/* Count the record's stack for --folded; print them all at the end. */
void stack_fold(const void *d, size_t len);
void stack_fold_print(FILE *f);
/* Read the process's mappings now (--pid: before it can exit). */
void stack_preload(int32_t tgid);

#endif /* _LOGBUF_TOOL_STACK_H */
