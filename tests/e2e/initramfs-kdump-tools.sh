# shellcheck shell=bash
# LAB_INITRAMFS_HOOK for the kdump-tools scenarios (tests/e2e/0016, 0017): sourced by
# lab_initramfs, adds to the common archive what Debian's kdump-config needs to run unchanged in
# the guest (guest/kdump-tools.sh): kdump-config and its defaults from the unpacked package
# (tests/tools/kdump-tools-pkg.sh), /lib/lsb/init-functions, dash (Debian's /bin/sh; the guest's
# is busybox), and file(1) with its magic (kdump-config reads symbolic links and kernel types with
# it).  Everything else it calls (grep, sed, cmp, ln, find, sysctl, logger …) is busybox's.

kdump_tools_pkg() { bash "$SRCDIR/tests/tools/kdump-tools-pkg.sh"; }

# what the archive's content depends on beyond this file (lab_initramfs keys its cache by it)
initramfs_hook_key() {
	local pkg
	pkg=$(kdump_tools_pkg) || return 1
	cat "$pkg/usr/sbin/kdump-config" /lib/lsb/init-functions /bin/dash /usr/bin/file | sha256sum
}

# initramfs_hook ROOT KVER
initramfs_hook() {
	local root=$1 pkg
	pkg=$(kdump_tools_pkg) || return 1
	mkdir -p "$root/usr/share/kdump-tools" "$root/etc/kdump" "$root/lib/lsb" "$root/usr/lib/file" \
		"$root/usr/share/misc"
	install -m 0755 "$pkg/usr/sbin/kdump-config" "$root/usr/sbin/kdump-config"
	cp "$pkg/usr/share/kdump-tools/kdump-tools.conf" "$root/usr/share/kdump-tools/"
	cp "$pkg/etc/kdump/sysctl.conf" "$root/etc/kdump/sysctl.conf"
	cp -r /lib/lsb/. "$root/lib/lsb/"
	lab_copy_bin "$root" /bin/dash /bin/dash
	lab_copy_bin "$root" /usr/bin/file /usr/bin/file
	cp /usr/lib/file/magic.mgc "$root/usr/lib/file/magic.mgc"
	ln -sf ../../lib/file/magic.mgc "$root/usr/share/misc/magic.mgc"
}
