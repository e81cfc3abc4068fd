/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * logbuf(1)'s reading of ELF files (elfutils' libelf): where a symbol or a
 * USDT probe lies in a file, as uprobe_events wants it (a file offset).
 */
#ifndef _LOGBUF_TOOL_ELFSYM_H
#define _LOGBUF_TOOL_ELFSYM_H

#include <stdint.h>

/*
 * The file offset of function or object @sym in the ELF file @path (its
 * .symtab, else its .dynsym).  0, or -ENOENT (no such symbol), -ENOEXEC
 * (not an ELF file, or the symbol in no loaded segment), -errno.
 */
int elf_sym_offset(const char *path, const char *sym, uint64_t *off);

/* One site of a USDT probe (a <sys/sdt.h> note). */
struct usdt_site {
	uint64_t off;		/* file offset of the probe's nop */
	uint64_t sem_off;	/* file offset of its semaphore, or 0 */
	char args[256];		/* the note's argument string, "-4@%edi ..." */
};

/*
 * The sites of USDT probe @provider:@name in @path, at most @max into
 * @out: their number (0: none), or -ENOEXEC, -errno.
 */
int elf_usdt_sites(const char *path, const char *provider, const char *name,
		   struct usdt_site *out, int max);

#endif /* _LOGBUF_TOOL_ELFSYM_H */
