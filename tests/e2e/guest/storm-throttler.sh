#!/bin/sh
# bench/hotplug-storm.sh, strategy "throttler" (what kdump-utils' udev throttler does): udev runs
# this for every memory online/offline event; it starts itself detached and returns.  The detached
# copy takes the lock or exits when another holds it, waits 1 s, waits for udev's queue to drain
# (udevadm settle), then unloads and loads with Debian's kexec (kexec_load).
# The initramfs' busybox has no flock: mkdir is the lock (atomic; one holder, the rest exit).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
lock=/run/storm-throttle.lock
if [ "${1:-}" != run ]; then
	setsid /e2e/storm-throttler.sh run </dev/null >/dev/null 2>&1 &
	exit 0
fi
mkdir "$lock" 2>/dev/null || exit 0
trap 'rmdir "$lock"' EXIT
sleep 1
udevadm settle
export STORM_KEXEC=/usr/sbin/kexec-debian
/e2e/storm-kexec.sh -p -u
/e2e/storm-kexec.sh -p -c /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append="$(cat /run/storm.append)"
