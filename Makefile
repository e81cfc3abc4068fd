# SPDX-License-Identifier: GPL-2.0
#
# logbuf: top-level build.
#
#   make            liblogbuf (static + shared) and the examples
#   make run        install what is missing, then run the channel demo
#   make check      every test: library (plain + ThreadSanitizer), static
#                   checks, and the module's selftests under virtme-ng
#   make bench      benchmarks against ck_ring, liburcu wfcqueue and pipe(), the
#                   seed crate's workload against its copy ceiling, and the
#                   many-CPU model (one shared tail against a ring per CPU),
#                   typed events against spdlog and LTTng-UST
#   make bench-kernel  one guest boot: kernel -> user against the BPF ring
#                   buffer, user -> ftrace against trace_marker, pipe()
#   make kmod       the module for KDIR (default: Debian's 6.1 headers)
#   make install    library, headers, pkg-config file, the logbuf command
#   make uninstall  (PREFIX, DESTDIR, LIBDIR, INCLUDEDIR, BINDIR, MANDIR)
#   make modules_install   the module for KDIR (INSTALL_MOD_PATH), depmod
#   make dkms-install      the module's sources under /usr/src for DKMS,
#                          built and installed for every kernel with headers
#   make deb        Debian packages in build/deb (liblogbuf0, liblogbuf-dev,
#                   logbuf-tools, logbuf-dkms)
#   make clean

B	:= $(CURDIR)/build
CC	?= gcc
CFLAGS	?= -O2 -g
# Debian's 6.1 headers by default; override with KDIR=...
KDIR	?= $(firstword $(filter-out %-rt-amd64, \
			$(wildcard /usr/src/linux-headers-6.1.*-amd64)) \
		       /lib/modules/$(shell uname -r)/build)
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

.PHONY: all lib run check bench kmod kmod-clean tests clean examples tools \
	fuzz fuzz-short check-debug check-newest bench-kernel install uninstall man \
	modules_install dkms-src dkms-install dkms-uninstall deb

all: lib examples tools

lib:
	$(MAKE) -C lib O=$(B) CC=$(CC) CFLAGS="$(CFLAGS)"

$(B)/liblogbuf.a: lib

$(HARNESS)/kselftest_harness.h:
	scripts/ksrc-files.sh $(HARNESS)

$(B)/tsan/liblogbuf.a: $(wildcard lib/src/*.c lib/src/*.h) $(HDRS)
	$(MAKE) -C lib O=$(B)/tsan CC=clang CFLAGS="-O1 -g -fsanitize=thread"

$(B)/asan/liblogbuf.a: $(wildcard lib/src/*.c lib/src/*.h) $(HDRS)
	$(MAKE) -C lib O=$(B)/asan CC=clang CFLAGS="$(SANFLAGS)"

# A minute, as make check runs it; "make fuzz" runs FUZZ_SECONDS.  New
# inputs go to build/fuzz/corpus; the committed seeds are read only.
fuzz-short: FUZZ_SECONDS = 60
fuzz fuzz-short: $(HARNESS)/kselftest_harness.h
	+$(MAKE) -C selftests fuzz OUTPUT=$(B)/fuzz SANFLAGS="$(SANFLAGS)" CC=clang
	@mkdir -p $(B)/fuzz/corpus
	cd $(B)/fuzz && ./ring_fuzz -max_total_time=$(FUZZ_SECONDS) \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		corpus $(CURDIR)/selftests/fuzz/corpus

# Every selftest and hostile test on a 6.1 kernel with KASAN, lockdep & co.
check-debug:
	scripts/check-debug.sh

# The module at W=1 against sid's newest kernel (in a sid chroot), booted.
check-newest:
	scripts/check-newest.sh

# The kernel paths against BPF ring buffer, trace_marker and pipe, one boot.
bench-kernel:
	scripts/bench-kernel.sh

# Every test program, from selftests/ (tests.mk lists them), each set in a
# directory of its own: host tests plain, under TSan, under ASan + UBSan,
# C++, the fuzzer, and the module's tests (run in the guests).  The tool's
# and the examples' tests are scripts of selftests/; they run what
# `make tools examples` builds.
ST	:= $(MAKE) -C selftests LOGBUF=$(CURDIR)
tests: lib tools examples $(HARNESS)/kselftest_harness.h \
       $(B)/tsan/liblogbuf.a $(B)/asan/liblogbuf.a
	+$(ST) host OUTPUT=$(B)/tests LIBOUT=$(B)
	+$(ST) guest OUTPUT=$(B)/selftests LIBOUT=$(B)
	+$(ST) cxx OUTPUT=$(B)/cxx LIBOUT=$(B)
	+$(ST) tsan OUTPUT=$(B)/tsan LIBOUT=$(B)/tsan CC=clang \
		SANFLAGS="-O1 -fsanitize=thread"
	+$(ST) asan OUTPUT=$(B)/asan LIBOUT=$(B)/asan CC=clang \
		SANFLAGS="$(SANFLAGS)"
	+$(ST) fuzz OUTPUT=$(B)/fuzz CC=clang SANFLAGS="$(SANFLAGS)"

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
$(B)/tools/logbuf: $(TOOL_SRCS) $(wildcard tools/*.h) $(HDRS) lib
	@mkdir -p $(B)/tools
	$(CC) $(CFLAGS) -std=gnu11 $(WFLAGS) -D_GNU_SOURCE $(INCS) \
		$$(pkg-config --cflags libtracefs libtraceevent) \
		-o $@ $(TOOL_SRCS) \
		$(B)/liblogbuf-trace.a $(B)/liblogbuf.a -lm \
		$$(pkg-config --libs libtracefs libtraceevent) \
		$(LDFLAGS)

kmod:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod/tests \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/kmod/Module.symvers modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/examples/kmod_producer \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/kmod/Module.symvers modules

# INSTALL_MOD_PATH=<root> installs into a staging root; kbuild runs depmod.
modules_install: kmod
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules_install

# The module's sources and dkms.conf, as DKMS wants them.
DKMS_SRC	= $(DESTDIR)/usr/src/logbuf-$(VERSION)
KMOD_FILES	:= kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.c)) \
		   $(wildcard kmod/*.h)
dkms-src:
	install -d $(DKMS_SRC)/kmod $(DKMS_SRC)/include/uapi/linux \
		$(DKMS_SRC)/include/logbuf
	install -m 644 $(KMOD_FILES) $(DKMS_SRC)/kmod/
	install -m 644 include/uapi/linux/logbuf.h $(DKMS_SRC)/include/uapi/linux/
	install -m 644 include/logbuf/*.h $(DKMS_SRC)/include/logbuf/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf

# Then for every kernel whose headers are installed (DKMS skips those
# before 6.1); DKMS rebuilds it on kernel upgrades (AUTOINSTALL).
dkms-install: dkms-src
	dkms status logbuf/$(VERSION) | grep -q . || dkms add logbuf/$(VERSION)
	for b in /lib/modules/*/build; do \
		[ -d "$$b" ] || continue; \
		k=$${b#/lib/modules/}; k=$${k%/build}; \
		dkms install logbuf/$(VERSION) -k "$$k"; \
		rc=$$?; [ $$rc = 0 ] || [ $$rc = 77 ] || exit $$rc; \
	done

dkms-uninstall:
	-dkms remove logbuf/$(VERSION) --all
	rm -rf $(DKMS_SRC)

# Debian packages from a copy of the tree's files (tracked and new, not
# ignored), built with dpkg-buildpackage into build/deb.
deb:
	rm -rf $(B)/deb
	mkdir -p $(B)/deb/logbuf-$(VERSION)
	git ls-files -z --cached --others --exclude-standard | \
		tar --null --ignore-failed-read -T - -c 2>/dev/null | \
		tar -x -C $(B)/deb/logbuf-$(VERSION)
	cd $(B)/deb/logbuf-$(VERSION) && dpkg-buildpackage -us -uc -b
	ls $(B)/deb/*.deb

kmod-clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod/tests clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/examples/kmod_producer clean

$(B)/liblogbuf.pc $(B)/liblogbuf-trace.pc: $(B)/%.pc: lib/%.pc.in \
		include/logbuf/version.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    $< >$@

# Man pages: section 3 rendered from logbuf.h's kernel-doc, 1 and 7 from man/.
man: $(HARNESS)/kselftest_harness.h
	scripts/man-gen.sh $(B)/man

install: lib tools man $(B)/liblogbuf.pc $(B)/liblogbuf-trace.pc
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)/logbuf $(DESTDIR)$(INCLUDEDIR)/linux \
		$(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man7
	install -m 644 $(B)/man/man1/* $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(B)/man/man3/* $(DESTDIR)$(MANDIR)/man3/
	install -m 644 $(B)/man/man7/* $(DESTDIR)$(MANDIR)/man7/
	install -m 644 $(B)/liblogbuf.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(B)/liblogbuf.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf liblogbuf.so.$(VERSION) $(DESTDIR)$(LIBDIR)/liblogbuf.so.0
	ln -sf liblogbuf.so.0 $(DESTDIR)$(LIBDIR)/liblogbuf.so
	install -m 644 $(B)/liblogbuf-trace.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(B)/liblogbuf-trace.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf liblogbuf-trace.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/liblogbuf-trace.so.0
	ln -sf liblogbuf-trace.so.0 $(DESTDIR)$(LIBDIR)/liblogbuf-trace.so
	for h in $(PUBLIC_HDRS); do \
		f=lib/include/$$h; [ -f $$f ] || f=include/$$h; \
		install -m 644 $$f $(DESTDIR)$(INCLUDEDIR)/$$h || exit; \
	done
	install -m 644 include/uapi/linux/logbuf.h $(DESTDIR)$(INCLUDEDIR)/linux/
	install -m 644 $(B)/liblogbuf.pc $(B)/liblogbuf-trace.pc \
		$(DESTDIR)$(PKGCONFIGDIR)/
	install -m 755 $(B)/tools/logbuf $(DESTDIR)$(BINDIR)/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/liblogbuf.a \
	      $(DESTDIR)$(LIBDIR)/liblogbuf.so.$(VERSION) \
	      $(DESTDIR)$(LIBDIR)/liblogbuf.so.0 $(DESTDIR)$(LIBDIR)/liblogbuf.so \
	      $(DESTDIR)$(LIBDIR)/liblogbuf-trace.a \
	      $(DESTDIR)$(LIBDIR)/liblogbuf-trace.so.$(VERSION) \
	      $(DESTDIR)$(LIBDIR)/liblogbuf-trace.so.0 \
	      $(DESTDIR)$(LIBDIR)/liblogbuf-trace.so \
	      $(DESTDIR)$(PKGCONFIGDIR)/liblogbuf-trace.pc \
	      $(PUBLIC_HDRS:%=$(DESTDIR)$(INCLUDEDIR)/%) \
	      $(DESTDIR)$(INCLUDEDIR)/linux/logbuf.h \
	      $(DESTDIR)$(PKGCONFIGDIR)/liblogbuf.pc $(DESTDIR)$(BINDIR)/logbuf \
	      $(DESTDIR)$(MANDIR)/man1/logbuf.1 $(DESTDIR)$(MANDIR)/man7/logbuf.7 \
	      $(DESTDIR)$(MANDIR)/man3/logbuf_*.3
	-rmdir $(DESTDIR)$(INCLUDEDIR)/logbuf 2>/dev/null

run:
	scripts/deps.sh lib
	$(MAKE) all
	$(B)/examples/channel_demo

check:
	scripts/check.sh

bench:
	scripts/deps.sh bench
	$(MAKE) lib
	$(MAKE) -C bench O=$(B) CC=$(CC)
	$(B)/bench/logbuf_bench --json $(B)/bench.json
	$(B)/bench/seed_bench --json $(B)/bench-seed.json
	$(B)/bench/manycpu_model --json $(B)/bench-manycpu.json
	bench/lttng-run.sh $(B)/bench/event_bench

clean:
	rm -rf $(B)
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean >/dev/null 2>&1
