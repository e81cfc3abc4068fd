# SPDX-License-Identifier: GPL-2.0
#
# The module, its test modules and the example module for KDIR; installing
# it directly or through DKMS.

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

kmod-clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod/tests clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/examples/kmod_producer clean
