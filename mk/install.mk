# SPDX-License-Identifier: GPL-2.0
#
# Installing the libraries, headers, pkg-config files, man pages and the
# logbuf command (PREFIX, DESTDIR, LIBDIR, INCLUDEDIR, BINDIR, MANDIR), and
# the Debian packages.

$(B)/liblogbuf.pc $(B)/liblogbuf-trace.pc: $(B)/%.pc: lib/%.pc.in \
		include/logbuf/version.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    $< >$@

# Man pages: section 3 rendered from logbuf.h's kernel-doc, 1 and 7 from man/.
man: $(HARNESS)/kselftest_harness.h
	scripts/run/man-gen.sh $(B)/man

install: lib lib-trace tools man $(B)/liblogbuf.pc $(B)/liblogbuf-trace.pc
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
