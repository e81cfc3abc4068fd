# SPDX-License-Identifier: GPL-2.0
#
# logbuf: top-level build.  `make help` lists the targets; this file builds
# the libraries, the tool and the examples, and includes the rest:
#   mk/kmod.mk      the module for KDIR, modules_install, DKMS
#   mk/install.mk   install, uninstall, man pages, the Debian packages
#   mk/check.mk     the test programs, make check and the longer runs,
#                   the benchmarks

B	:= $(CURDIR)/build
CC	?= gcc
CFLAGS	?= -O2 -g
# The running kernel's headers when it has them, else Debian's 6.1 ones;
# override with KDIR=...
KDIR	?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		       $(filter-out %-rt-amd64, \
			$(wildcard /usr/src/linux-headers-6.1.*-amd64)))
HARNESS	:= $(B)/ksrc
VERSION	:= $(shell sed -n 's/^\#define LOGBUF_VERSION_STRING\t"\(.*\)"/\1/p' \
		include/logbuf/version.h)

PREFIX		?= /usr/local
LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
PKGCONFIGDIR	?= $(LIBDIR)/pkgconfig
PUBLIC_HDRS	:= logbuf.h logbuf/atomic.h logbuf/proto.h logbuf/overwrite.h \
		   logbuf/version.h logbuf/trace.h logbuf/tevent.h

WFLAGS	:= -Wall -Wextra -Werror
# The library's headers, the protocol both sides compile, the ABI.
INCS	:= -Ilib/include -Iinclude -Iinclude/uapi
HDRS	:= $(wildcard lib/include/*.h lib/include/logbuf/*.h include/logbuf/*.h \
		      include/uapi/linux/*.h)

SANFLAGS	:= -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		   -fno-omit-frame-pointer
FUZZ_SECONDS	?= 3600

.PHONY: all help lib lib-trace run check bench kmod kmod-clean tests clean \
	examples tools fuzz fuzz-short check-debug check-newest bench-kernel \
	install uninstall man modules_install dkms-src dkms-install \
	dkms-uninstall deb

all: lib lib-trace examples tools

help:
	@echo 'logbuf: make TARGET [VAR=value ...]'
	@echo
	@echo 'Build (into build/):'
	@echo '  all            lib, lib-trace, examples, tools (the default)'
	@echo '  lib            liblogbuf, static and shared (needs only libc)'
	@echo '  lib-trace      liblogbuf-trace: the decoder (libtraceevent, libtracefs)'
	@echo '  tools          the logbuf command'
	@echo '  examples       the examples, as a user builds them'
	@echo '  kmod           the module, its test modules and the example module'
	@echo '                 for KDIR (now: $(KDIR))'
	@echo '  man            the man pages'
	@echo '  tests          every test program (selftests/tests.mk lists them)'
	@echo
	@echo 'Run:'
	@echo '  run            install what is missing, then the channel demo'
	@echo '  check          every test, under 30 minutes (scripts/run/check.sh)'
	@echo '  check-debug    the guest suite on a KASAN/lockdep 6.1 kernel (long)'
	@echo '  check-newest   the module against sid'"'"'s newest kernel, booted (long)'
	@echo '  fuzz           the libFuzzer target for FUZZ_SECONDS (3600)'
	@echo '  bench          user-space benchmarks against their peers'
	@echo '  bench-kernel   kernel paths against BPF, trace_marker, pipe; the tool'
	@echo '                 against perf and bpftrace (one boot)'
	@echo
	@echo 'Install (PREFIX, DESTDIR, LIBDIR, INCLUDEDIR, BINDIR, MANDIR):'
	@echo '  install, uninstall     libraries, headers, pkg-config, man, logbuf'
	@echo '  modules_install        the module for KDIR (INSTALL_MOD_PATH)'
	@echo '  dkms-install, dkms-uninstall   the module under DKMS'
	@echo '  deb            Debian packages into build/deb'
	@echo '  clean, kmod-clean'

lib:
	$(MAKE) -C lib O=$(B) CC=$(CC) CFLAGS="$(CFLAGS)" liblogbuf

lib-trace:
	$(MAKE) -C lib O=$(B) CC=$(CC) CFLAGS="$(CFLAGS)" liblogbuf-trace

$(B)/liblogbuf.a: lib

$(HARNESS)/kselftest_harness.h:
	scripts/setup/ksrc-files.sh $(HARNESS)

# The examples, each as a user would build it (the headers and the static
# library); the kernel module example builds with `make kmod`.
EXAMPLES	:= channel_demo xproc_ring ftrace_log typed_events collector \
		   kmod_producer/hello_reader
examples: lib
	@mkdir -p $(B)/examples
	for e in $(EXAMPLES); do \
		$(CC) $(CFLAGS) -std=gnu11 $(WFLAGS) -D_GNU_SOURCE \
			$(INCS) -o $(B)/examples/$$(basename $$e) \
			examples/$$e.c $(B)/liblogbuf.a -lpthread || exit; \
	done

tools: $(B)/tools/logbuf

TOOL_SRCS	:= $(wildcard tools/*.c)
$(B)/tools/logbuf: $(TOOL_SRCS) $(wildcard tools/*.h) $(HDRS) lib lib-trace
	@mkdir -p $(B)/tools
	$(CC) $(CFLAGS) -std=gnu11 $(WFLAGS) -D_GNU_SOURCE $(INCS) \
		$$(pkg-config --cflags libtracefs libtraceevent) \
		-o $@ $(TOOL_SRCS) \
		$(B)/liblogbuf-trace.a $(B)/liblogbuf.a -lm \
		$$(pkg-config --libs libtracefs libtraceevent libelf libdw) \
		$(LDFLAGS)

run:
	scripts/setup/deps.sh lib
	$(MAKE) all
	$(B)/examples/channel_demo

clean:
	rm -rf $(B)
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean >/dev/null 2>&1

include mk/kmod.mk mk/install.mk mk/check.mk
