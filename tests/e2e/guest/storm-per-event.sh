#!/bin/sh
# bench/hotplug-storm.sh, strategy "per-event" (what Debian's kdump-tools udev rule does): run by
# udev for every memory online/offline event, synchronously: unload the crash kernel, then load
# it again with Debian's kexec (kexec_load), whatever else is running.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export STORM_KEXEC=/usr/sbin/kexec-debian
/e2e/storm-kexec.sh -p -u
/e2e/storm-kexec.sh -p -c /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append="$(cat /run/storm.append)"
