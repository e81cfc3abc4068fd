/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * logbuf's version, in one place: the library (logbuf_version()), its
 * soname and file names, the module (MODULE_VERSION), the pkg-config file
 * and the packages all take it from here.  Documentation/abi.rst says what
 * may change between versions and how a program checks at run time.
 */
#ifndef _LOGBUF_VERSION_H
#define _LOGBUF_VERSION_H

#define LOGBUF_VERSION_MAJOR	0
#define LOGBUF_VERSION_MINOR	4
#define LOGBUF_VERSION_PATCH	0
#define LOGBUF_VERSION_STRING	"0.4.0"

#endif /* _LOGBUF_VERSION_H */
