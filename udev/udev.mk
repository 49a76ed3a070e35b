# kexec-hotplug and its udev rule (included by Makefile.in).  The rule is generated from its
# template with the path the helper is installed to, and installed to $(udevdir)/rules.d.

UDEV_OBJS = udev/main.o udev/worker.o udev/status.o udev/hpstate.o
PROGRAM_OBJS     += $(UDEV_OBJS)
LIBEXEC_PROGRAMS += udev/kexec-hotplug
MAN8             += man/kexec-hotplug.8
UNIT_TESTS       += tests/unit/test-hotplug
UDEV_RULES        = udev/98-kexec-hotplug.rules
# the periodic repair check (kexec-hotplug check): a systemd timer and its service
CHECK_UNITS       = udev/kexec-hotplug-check.service

$(UDEV_OBJS) tests/unit/test-hotplug.o: CPPFLAGS += -I$(srcdir)/udev
udev/main.o: CPPFLAGS += -DKX_SYSCONFDIR='"$(sysconfdir)"' -DKX_SBINDIR='"$(sbindir)"'
# the paths above come from configure: a new configure rebuilds what has them
udev/main.o: Makefile

udev/kexec-hotplug: $(UDEV_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $(UDEV_OBJS) $(KX_LIBS)

tests/unit/test-hotplug: tests/unit/test-hotplug.o udev/hpstate.o lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< udev/hpstate.o $(KX_LIBS) $(CMOCKA_LIBS)

all tests: $(UDEV_RULES) $(CHECK_UNITS)
$(CHECK_UNITS): udev/kexec-hotplug-check.service.in Makefile
	@$(MKDIR_P) $(@D)
	sed 's|@KEXEC_HOTPLUG@|$(libexecdir)/kexec-ext/kexec-hotplug|g' $(srcdir)/udev/kexec-hotplug-check.service.in >$@.tmp
	mv $@.tmp $@

$(UDEV_RULES): udev/98-kexec-hotplug.rules.in Makefile
	@$(MKDIR_P) $(@D)
	sed 's|@KEXEC_HOTPLUG@|$(libexecdir)/kexec-ext/kexec-hotplug|g' $(srcdir)/udev/98-kexec-hotplug.rules.in >$@.tmp
	mv $@.tmp $@

# generated again at install time: `make install prefix=/usr` puts the helper elsewhere than
# configure's prefix said, and the rule must name where it really is
install: install-udev-rules
install-udev-rules: udev/98-kexec-hotplug.rules.in
	$(MKDIR_P) $(DESTDIR)$(udevdir)/rules.d
	sed 's|@KEXEC_HOTPLUG@|$(libexecdir)/kexec-ext/kexec-hotplug|g' $(srcdir)/udev/98-kexec-hotplug.rules.in \
	  >$(DESTDIR)$(udevdir)/rules.d/98-kexec-hotplug.rules.tmp
	chmod 0644 $(DESTDIR)$(udevdir)/rules.d/98-kexec-hotplug.rules.tmp
	mv $(DESTDIR)$(udevdir)/rules.d/98-kexec-hotplug.rules.tmp $(DESTDIR)$(udevdir)/rules.d/98-kexec-hotplug.rules
	$(MKDIR_P) $(DESTDIR)$(systemdsystemunitdir)
	sed 's|@KEXEC_HOTPLUG@|$(libexecdir)/kexec-ext/kexec-hotplug|g' $(srcdir)/udev/kexec-hotplug-check.service.in \
	  >$(DESTDIR)$(systemdsystemunitdir)/kexec-hotplug-check.service
	chmod 0644 $(DESTDIR)$(systemdsystemunitdir)/kexec-hotplug-check.service
	$(INSTALL) -m 0644 $(srcdir)/udev/kexec-hotplug-check.timer $(DESTDIR)$(systemdsystemunitdir)/kexec-hotplug-check.timer
uninstall: uninstall-udev-rules
uninstall-udev-rules:
	rm -f $(DESTDIR)$(udevdir)/rules.d/98-kexec-hotplug.rules
	rm -f $(DESTDIR)$(systemdsystemunitdir)/kexec-hotplug-check.service
	rm -f $(DESTDIR)$(systemdsystemunitdir)/kexec-hotplug-check.timer
clean: clean-udev-rules
clean-udev-rules:
	rm -f $(UDEV_RULES) $(CHECK_UNITS)
.PHONY: install-udev-rules uninstall-udev-rules clean-udev-rules
