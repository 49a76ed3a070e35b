#!/bin/sh
# First kernel, issue 7 (b)/(c): udevd runs our 98-kexec-hotplug.rules; our kexec -p loads; the
# host hot-adds a DIMM (and with kx_unplug=1 removes it again) over QMP; a sampler polls
# /sys/kernel/kexec_crash_loaded the whole time; kexec-hotplug must reload and the time without
# a crash kernel is what the sampler saw.  Then panic, as first.sh does.
. /e2e/lib.sh
kexec=$(param kx_kexec /usr/sbin/kexec)
mode=$(param kx_mode s)
hp=/usr/libexec/kexec-ext/kexec-hotplug
rules=$(ls /usr/lib/udev/rules.d/98-kexec-hotplug.rules 2>/dev/null)
echo "FIRST_START kver=$(uname -r) ncpus=$(grep -c ^processor /proc/cpuinfo) kexec=$kexec mode=-$mode"
if [ ! -x /e2e/crash-loaded-sampler ] || [ -z "$rules" ] || [ ! -x "$hp" ]; then
	echo "HPUDEV_MISSING sampler=$(test -x /e2e/crash-loaded-sampler && echo 1 || echo 0) rules=${rules:-none} helper=$(test -x $hp && echo 1 || echo 0)"
	exit 0
fi
ram_ranges
# the helper reads $(sysconfdir)/kexec/hotplug.conf: /etc in a distribution's build, /usr/local/etc
# in a build configured without --sysconfdir
mkdir -p /run/udev /etc/kexec /usr/local/etc/kexec
echo "quiet_ms = $(param kx_quiet_ms 500)" | tee /etc/kexec/hotplug.conf >/usr/local/etc/kexec/hotplug.conf
/lib/systemd/systemd-udevd --daemon
cmdline="console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug panic=-1 kx_test=capture $(param kx_capture_extra '' | tr , ' ')"
"$kexec" -p -"$mode" /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append="$cmdline"
echo "KEXEC_LOAD_RC=$? took=..$(up)"
# one reload by hand, for the duration of the load syscall alone (the least time without a crash
# kernel any reload can have): what the unarmed time of the udev path compares to
"$kexec" -d -p -"$mode" /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append="$cmdline" 2>&1 |
	sed -n 's/.*kexec_\(file_\)*load returned 0 in \([0-9.]*\) ms/LOAD_SYSCALL_MS=\2/p'
echo "CRASH_LOADED=$(cat /sys/kernel/kexec_crash_loaded)"
# niced: it polls without pause, and the helper and kexec must not wait for it
/e2e/crash-loaded-sampler 900 /tmp/sampler.stop 19 >/tmp/sampler.out &
sampler=$!

# wait_reloads N: until kexec-hotplug has reloaded at least N times, nothing is pending and no
# worker (or kexec it runs) is left, twice 1 s apart (60 s at most): a burst can come in parts
# (under TCG a DIMM's offline and remove events more than the quiet period apart)
wait_reloads() {
	w=0 quiet=0
	while [ $w -lt 60 ]; do
		s=$("$hp" status --json | tr -d ' \n')
		r=$(echo "$s" | sed 's/.*"reloads":\([0-9]*\).*/\1/')
		if case $s in *'"pending":0,'*) true ;; *) false ;; esac && [ "$r" -ge "$1" ] &&
			! hp_busy; then
			quiet=$((quiet + 1))
			[ $quiet -ge 2 ] && return 0
		else
			quiet=0
		fi
		sleep 1
		w=$((w + 1))
	done
	return 1
}

# kx_vmem=1: the memory comes from a virtio-mem device; its driver is in the load order
# (tests/e2e/initramfs-virtio-mem.sh), loaded here, before the host grows it
[ "$(param kx_vmem 0)" = 1 ] && load_modules
n0=$(mem_blocks)
echo "READY_FOR_HOTPLUG blocks=$n0"
i=0
while [ "$(mem_blocks)" -le "$n0" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
sleep 3
for d in /sys/devices/system/memory/memory*; do
	[ "$(cat "$d/state")" = offline ] && echo online >"$d/state"
done
# kernel-maintained headers need no reload for an added DIMM (kx_add_reloads=0)
wait_reloads "$(param kx_add_reloads 1)"
echo "HPUDEV_ADD_SETTLED rc=$? $("$hp" status --json | tr -d '\n')"
echo "HOTPLUG_DONE blocks=$(mem_blocks) waited=${i}x0.1s"
ram_ranges | sed 's/^/AFTER_/'
if [ "$(param kx_unplug 0)" = 1 ]; then
	r1=$("$hp" status --json | tr -d ' \n' | sed 's/.*"reloads":\([0-9]*\).*/\1/')
	n1=$(mem_blocks)
	echo "READY_FOR_UNPLUG blocks=$n1"
	i=0
	while [ "$(mem_blocks)" -ge "$n1" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
	wait_reloads $((r1 + 1))
	echo "HPUDEV_REMOVE_SETTLED rc=$? $("$hp" status --json | tr -d '\n')"
	echo "UNPLUG_DONE blocks=$(mem_blocks) waited=${i}x0.1s"
	ram_ranges | sed 's/^/UNPLUGGED_/'
fi
touch /tmp/sampler.stop
wait $sampler
cat /tmp/sampler.out
echo "CRASH_LOADED=$(cat /sys/kernel/kexec_crash_loaded)"
panic_now
