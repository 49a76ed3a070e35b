#!/bin/sh
# First kernel, the repeated-reload bench (bench/hotplug-unplug-repeat.sh, issue 18): udevd runs
# our rule, our kexec -p loads (-s by default), then kx_rounds times the host hot-adds a 1 GiB
# DIMM (onlined movable by memhp_default_state) and removes it again over QMP; each removal makes
# kexec-hotplug reload while the kernel's own crash hotplug handler may be running.  After each
# round: whether a crash kernel is loaded, kexec-hotplug's counters, and how many "kexec_trylock()
# failed" lines the kernel printed so far.  A sampler logs every transition of
# /sys/kernel/kexec_crash_loaded.  No panic: the bench is about staying armed.
. /e2e/lib.sh
kexec=$(param kx_kexec /usr/sbin/kexec)
mode=$(param kx_mode s)
rounds=$(param kx_rounds 10)
hp=/usr/libexec/kexec-ext/kexec-hotplug
echo "FIRST_START kver=$(uname -r) ncpus=$(grep -c ^processor /proc/cpuinfo) kexec=$kexec mode=-$mode rounds=$rounds"
mkdir -p /run/udev /etc/kexec /usr/local/etc/kexec
echo "quiet_ms = $(param kx_quiet_ms 500)" | tee /etc/kexec/hotplug.conf >/usr/local/etc/kexec/hotplug.conf
/lib/systemd/systemd-udevd --daemon
cmdline="console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug panic=-1 kx_test=capture"
"$kexec" -p -"$mode" /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append="$cmdline"
echo "KEXEC_LOAD_RC=$? CRASH_LOADED=$(cat /sys/kernel/kexec_crash_loaded)"
/e2e/crash-loaded-sampler 36000 /tmp/sampler.stop 19 /tmp/transitions >/tmp/sampler.out &
sampler=$!

field() { "$hp" status --json | tr -d ' \n' | sed "s/.*\"$1\":\([0-9a-z]*\).*/\1/"; }
# settled: nothing pending, at least $1 reloads, no worker running, twice 1 s apart (120 s at most)
settled() {
	w=0 quiet=0
	while [ $w -lt 120 ]; do
		if [ "$(field pending)" = 0 ] && [ "$(field reloads)" -ge "$1" ] && ! hp_busy; then
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
wait_blocks() { # wait_blocks -gt|-lt N: until mem_blocks compares so (120 s at most)
	w=0
	while ! [ "$(mem_blocks)" "$1" "$2" ] && [ $w -lt 1200 ]; do sleep 0.1; w=$((w + 1)); done
}

i=1
while [ "$i" -le "$rounds" ]; do
	n0=$(mem_blocks)
	echo "REPEAT_READY_ADD $i blocks=$n0"
	wait_blocks -gt "$n0"
	sleep 3
	settled 0
	r1=$(field reloads)
	n1=$(mem_blocks)
	echo "REPEAT_READY_REMOVE $i blocks=$n1"
	wait_blocks -lt "$n1"
	settled $((r1 + 1))
	src=$?
	echo "REPEAT_ROUND $i settled_rc=$src loaded=$(cat /sys/kernel/kexec_crash_loaded) blocks=$(mem_blocks) reloads=$(field reloads) failures=$(field failures) trylock_failed=$(dmesg | grep -c 'kexec_trylock() failed')"
	i=$((i + 1))
done
touch /tmp/sampler.stop
wait $sampler
cat /tmp/sampler.out
sed 's/^/TRANSITION /' /tmp/transitions
"$hp" status | sed 's/^/HP_STATUS /'
echo "REPEAT_DONE"
