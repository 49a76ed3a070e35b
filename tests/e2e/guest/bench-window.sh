#!/bin/sh
# Benchmark guest (bench/kexec-load-lab.sh): the time without a crash kernel during a reload over a
# loaded one, kexec-ext's kexec -p -c against Debian's, alternated.  The static sampler polls
# /sys/kernel/kexec_crash_loaded without pause while the loader reloads; its zero_ms is the window.
. /e2e/lib.sh
runs=$(param kx_runs 5)
cmdline="console=ttyS0 irqpoll nr_cpus=1 reset_devices panic=-1 kx_test=capture"
load() { "$1" -p -c /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append="$cmdline"; }
echo "BENCH_START kver=$(uname -r) runs=$runs"
i=0
while [ $i -lt "$runs" ]; do
	for who in debian ours; do
		bin=/usr/sbin/kexec
		[ $who = debian ] && bin=/usr/sbin/kexec-debian
		load "$bin" >/dev/null 2>&1         # loaded by this loader before its reload
		rm -f /tmp/stop
		/e2e/crash-loaded-sampler 120 /tmp/stop >/tmp/sampler.out &
		s=$!
		sleep 0.3
		load "$bin" >/dev/null 2>/tmp/load.err
		rc=$?
		sleep 0.3
		touch /tmp/stop
		wait $s
		echo "BENCH_WINDOW who=$who rc=$rc $(cat /tmp/sampler.out)"
	done
	i=$((i + 1))
done
echo "BENCH_DONE loaded=$(cat /sys/kernel/kexec_crash_loaded)"
