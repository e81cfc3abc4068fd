// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/* The library's own version, as opposed to the one a program was built with. */
#include "logbuf.h"

const char *logbuf_version(void)
{
	return LOGBUF_VERSION_STRING;
}

int logbuf_version_major(void)
{
	return LOGBUF_VERSION_MAJOR;
}

int logbuf_version_minor(void)
{
	return LOGBUF_VERSION_MINOR;
}

bool logbuf_check_version(int major, int minor)
{
	/* Within a major version (a soname) changes only add. */
	return major == LOGBUF_VERSION_MAJOR && minor >= 0 &&
	       minor <= LOGBUF_VERSION_MINOR;
}
