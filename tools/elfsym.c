// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Symbols and USDT notes of ELF files, through elfutils' libelf.  Nothing
 * in the file is trusted: every note's fields are checked against the
 * note's own size before they are read.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "elfsym.h"

struct elf_file {
	int fd;
	Elf *e;
};

static int elf_open(struct elf_file *f, const char *path)
{
	f->e = NULL;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	f->e = elf_begin(f->fd, ELF_C_READ_MMAP, NULL);
	if (!f->e || elf_kind(f->e) != ELF_K_ELF) {
		if (f->e)
			elf_end(f->e);
		close(f->fd);
		return -ENOEXEC;
	}
	return 0;
}

static void elf_close(struct elf_file *f)
{
	elf_end(f->e);
	close(f->fd);
}

/* A virtual address to the file offset of the loaded segment holding it. */
static int vaddr_to_off(Elf *e, uint64_t addr, uint64_t *off)
{
	size_t i, n;
	GElf_Phdr ph;

	if (elf_getphdrnum(e, &n))
		return -ENOEXEC;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(e, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr - ph.p_vaddr < ph.p_filesz) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ENOEXEC;
}

/* @sym in the symbol table of section @scn, as an address. */
static bool find_sym(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh,
		     const char *sym, uint64_t *addr)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, n;
	GElf_Sym s;

	if (!d || !sh->sh_entsize)
		return false;
	n = sh->sh_size / sh->sh_entsize;
	for (i = 0; i < n; i++) {
		const char *name;

		if (!gelf_getsym(d, i, &s) || s.st_shndx == SHN_UNDEF ||
		    !s.st_value)
			continue;
		if (GELF_ST_TYPE(s.st_info) != STT_FUNC &&
		    GELF_ST_TYPE(s.st_info) != STT_OBJECT &&
		    GELF_ST_TYPE(s.st_info) != STT_GNU_IFUNC)
			continue;
		name = elf_strptr(e, sh->sh_link, s.st_name);
		if (name && !strcmp(name, sym)) {
			*addr = s.st_value;
			return true;
		}
	}
	return false;
}

int elf_sym_offset(const char *path, const char *sym, uint64_t *off)
{
	Elf32_Word types[] = { SHT_SYMTAB, SHT_DYNSYM };
	struct elf_file f;
	uint64_t addr;
	unsigned int t;
	int err;

	err = elf_open(&f, path);
	if (err)
		return err;
	err = -ENOENT;
	for (t = 0; t < 2 && err == -ENOENT; t++) {
		Elf_Scn *scn = NULL;
		GElf_Shdr sh;

		while ((scn = elf_nextscn(f.e, scn))) {
			if (!gelf_getshdr(scn, &sh) || sh.sh_type != types[t])
				continue;
			if (find_sym(f.e, scn, &sh, sym, &addr)) {
				err = vaddr_to_off(f.e, addr, off);
				break;
			}
		}
	}
	elf_close(&f);
	return err;
}

/* The section named @name, or NULL. */
static Elf_Scn *section(Elf *e, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(e, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(e, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, sh))
			continue;
		n = elf_strptr(e, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* The file offset of the semaphore at @addr: the section that holds it. */
static int sem_to_off(Elf *e, uint64_t addr, uint64_t *off)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_ALLOC))
			continue;
		if (addr >= sh.sh_addr && addr - sh.sh_addr < sh.sh_size) {
			*off = addr - sh.sh_addr + sh.sh_offset;
			return 0;
		}
	}
	return -ENOEXEC;
}

/*
 * One stapsdt note (systemtap's "SDT v3" layout): three addresses (the
 * probe, the link-time address of .stapsdtbase, the semaphore), then the
 * provider, the name and the argument string, each NUL-terminated.
 */
static int usdt_note(Elf *e, const char *desc, size_t size, uint64_t base,
		     const char *provider, const char *name,
		     struct usdt_site *s)
{
	size_t w = gelf_getclass(e) == ELFCLASS32 ? 4 : 8, at = 3 * w;
	uint64_t a[3] = { 0 };
	const char *p, *n, *args;
	int i, err;

	if (size < at + 3)
		return 0;
	for (i = 0; i < 3; i++) {
		uint32_t v32;

		if (w == 4) {
			memcpy(&v32, desc + i * 4, 4);
			a[i] = v32;
		} else {
			memcpy(&a[i], desc + i * 8, 8);
		}
	}
	p = desc + at;
	n = memchr(p, 0, size - at);
	if (!n++ || (size_t)(n - desc) >= size)
		return 0;
	args = memchr(n, 0, size - (n - desc));
	if (!args++ || (size_t)(args - desc) >= size ||
	    !memchr(args, 0, size - (args - desc)))
		return 0;
	if (strcmp(p, provider) || strcmp(n, name))
		return 0;
	/* Prelinked or moved: .stapsdtbase says by how much. */
	if (base && a[1])
		a[0] += base - a[1];
	err = vaddr_to_off(e, a[0], &s->off);
	if (err)
		return err;
	s->sem_off = 0;
	if (a[2]) {
		err = sem_to_off(e, a[2], &s->sem_off);
		if (err)
			return err;
	}
	snprintf(s->args, sizeof(s->args), "%s", args);
	return 1;
}

int elf_usdt_sites(const char *path, const char *provider, const char *name,
		   struct usdt_site *out, int max)
{
	uint64_t base = 0;
	struct elf_file f;
	Elf_Data *d;
	Elf_Scn *scn;
	GElf_Shdr sh;
	GElf_Nhdr nh;
	size_t at, no, dofs;
	int n = 0, err;

	err = elf_open(&f, path);
	if (err)
		return err;
	if (section(f.e, ".stapsdtbase", &sh))
		base = sh.sh_addr;
	scn = section(f.e, ".note.stapsdt", &sh);
	d = scn && sh.sh_type == SHT_NOTE ? elf_getdata(scn, NULL) : NULL;
	for (at = 0; d && n < max &&
	     (at = gelf_getnote(d, at, &nh, &no, &dofs)) > 0;) {
		const char *owner = (const char *)d->d_buf + no;

		if (nh.n_type != 3 || nh.n_namesz != 8 ||
		    memcmp(owner, "stapsdt", 8))
			continue;
		err = usdt_note(f.e, (const char *)d->d_buf + dofs,
				nh.n_descsz, base, provider, name, &out[n]);
		if (err < 0)
			break;
		n += err;
		err = 0;
	}
	elf_close(&f);
	return err < 0 ? err : n;
}
