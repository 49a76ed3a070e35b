#!/usr/bin/env bats
# kexec -l -c + kexec -e: our kexec_load of a kernel to boot into (the firmware's e820 from
# /sys/firmware/memmap, our purgatory) and the reboot into it, on Debian 6.1; kexec -f -c (load
# and boot in one, kexec-tools' -f) on Debian 6.12.

load helpers

setup_file() {
	export SCENARIO=kexec-exec-6.1
	[ -n "$KVER_61" ] || skip "no Debian 6.1 kernel in /boot (apt-get install linux-image-amd64)"
	lab_boot "$SCENARIO" "$KVER_61" "/boot/vmlinuz-$KVER_61" "kx_test=kexec-e" || true
	[ -n "$KVER_612" ] || skip "no Debian 6.12 kernel in /boot (tests/install-deps.sh)"
	lab_boot kexec-force-6.12 "$KVER_612" "/boot/vmlinuz-$KVER_612" "kx_test=kexec-e kx_mode=f" ||
		true
}

setup() {
	export SCENARIO=kexec-exec-6.1
}

@test "kexec -l -c loads the kernel with kexec_load" {
	run -0 grep -a 'KEXEC_L_RC=0 loaded=1' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'PLAN_ENTRY' "$LAB_LOGS/$SCENARIO.log"
}

@test "kexec -e boots it: the second kernel runs with the command line it was given and all RAM" {
	run -1 grep -a 'KEXEC_E_RETURNED' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -ao "SECOND_KERNEL_UP kver=$KVER_61 from=$KVER_61 mem_kb=[0-9]*" "$LAB_LOGS/$SCENARIO.log"
	# the second kernel sees (nearly) the first kernel's 1 GiB: the firmware map was handed over
	kb=${output##*mem_kb=}
	[ "$kb" -gt 900000 ]
	run -0 grep -a "SECOND_CMDLINE console=ttyS0 panic=-1 kx_test=second kx_from=$KVER_61" "$LAB_LOGS/$SCENARIO.log"
}

@test "kexec -f loads and boots at once (6.12): the second kernel runs, the first never returns" {
	local log="$LAB_LOGS/kexec-force-6.12.log"
	run -0 grep -a 'EXEC_NOW' "$log"
	run -1 grep -a 'KEXEC_F_RETURNED' "$log"
	run -0 grep -ao "SECOND_KERNEL_UP kver=$KVER_612 from=$KVER_612 mem_kb=[0-9]*" "$log"
	kb=${output##*mem_kb=}
	[ "$kb" -gt 900000 ]
	run -0 grep -a "SECOND_CMDLINE console=ttyS0 panic=-1 kx_test=second kx_from=$KVER_612" "$log"
}
