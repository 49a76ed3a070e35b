#!/bin/sh
# Benchmark guest (bench/kexec-load-lab.sh): crash load time of kexec-ext's kexec and Debian's,
# both with the same syscall (kx_mode=s or c), kernel, initrd and command line, alternated; GNU
# time's elapsed seconds per load.
. /e2e/lib.sh
runs=$(param kx_runs 5)
mode=$(param kx_mode s)
cmdline="console=ttyS0 irqpoll nr_cpus=1 reset_devices panic=-1 kx_test=capture"
echo "BENCH_START kver=$(uname -r) runs=$runs mode=-$mode"
i=0
while [ $i -lt "$runs" ]; do
	for who in debian ours; do
		bin=/usr/sbin/kexec
		[ $who = debian ] && bin=/usr/sbin/kexec-debian
		/usr/bin/time -f "BENCH_LOAD who=$who s=%e rc=%x" \
			"$bin" -p -"$mode" /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append="$cmdline"
	done
	i=$((i + 1))
done
echo "BENCH_DONE loaded=$(cat /sys/kernel/kexec_crash_loaded)"
