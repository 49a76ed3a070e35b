#!/usr/bin/env bats
# kexec-ext's own loader against Debian's 6.1 and 6.12 kernels: status, reservation size and unload
# agree with sysfs; a load that cannot fit is refused before the syscall (the loaded crash kernel
# stays); a load the kernel rejects is followed by restoring the previous one; and after all that a
# panic is still captured.

load helpers

setup_file() {
	local v kver
	[ -n "$KVER_61" ] && [ -n "$KVER_612" ] || skip "Debian 6.1 and 6.12 kernels needed in /boot"
	for v in 6.1 6.12; do
		kver=$KVER_61
		[ $v = 6.12 ] && kver=$KVER_612
		export SCENARIO=kexec-ops-$v
		lab_cycle "$SCENARIO" "$kver" "/boot/vmlinuz-$kver" "kx_test=kexec-ops" || true
	done
}

ops_checks() {
	export SCENARIO=kexec-ops-$1 VMCORE="$LAB_OUT/kexec-ops-$1.vmcore"
	local log="$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'kexec=/usr/sbin/kexec$' "$log"
	run -0 grep -a 'KEXEC_LOAD_RC=0' "$log"
	# -S: 1 when loaded, 0 after -u -p, as sysfs says
	run -0 grep -a 'OPS_STATUS_LOADED rc=1 sysfs=1' "$log"
	run -0 grep -a 'OPS_UNLOAD rc=0 sysfs=0' "$log"
	run -0 grep -a 'OPS_STATUS_UNLOADED rc=0 sysfs=0' "$log"
	run -0 grep -a 'OPS_RELOAD rc=0 sysfs=1' "$log"
	# --print-ckr-size is what the kernel reserved
	ours=$(grep -ao 'OPS_CKR_SIZE ours=[0-9]*' "$log" | cut -d= -f2)
	sysfs=$(grep -ao 'OPS_CKR_SIZE ours=[0-9]* sysfs=[0-9]*' "$log" | sed 's/.*sysfs=//')
	[ -n "$ours" ] && [ "$ours" = "$sysfs" ] && [ "$ours" -eq $((256 << 20)) ]
}

@test "kexec on 6.1: -S, --print-ckr-size and -u -p agree with sysfs" {
	ops_checks 6.1
}

@test "kexec on 6.12: -S, --print-ckr-size and -u -p agree with sysfs" {
	ops_checks 6.12
}

refused_checks() {
	export SCENARIO=kexec-ops-$1
	local log="$LAB_LOGS/$SCENARIO.log"
	# exit 1 before any syscall: the crash kernel loaded before is still loaded
	run -0 grep -a 'OPS_REFUSED rc=1 sysfs=1' "$log"
	run -0 grep -a 'OPS_REFUSED_MSG .*crashkernel=' "$log"
}

@test "kexec on 6.1: a load too large for the reservation is refused before the syscall" {
	refused_checks 6.1
}

@test "kexec on 6.12: a load too large for the reservation is refused before the syscall" {
	refused_checks 6.12
}

forced_checks() {
	export SCENARIO=kexec-ops-$1 VMCORE="$LAB_OUT/kexec-ops-$1.vmcore"
	local log="$LAB_LOGS/$SCENARIO.log"
	# the kernel rejects it (after dropping the old image); kexec restores the previous load
	run -0 grep -a 'OPS_FORCED rc=1 sysfs=1' "$log"
	run -0 grep -ai 'OPS_FORCED_MSG .*restor' "$log"
	# and the restored capture kernel does its job
	assert_loaded_and_captured
	assert_notes_match_guest
}

@test "kexec on 6.1: a load the kernel rejects is followed by the restore, and a panic is captured" {
	forced_checks 6.1
}

@test "kexec on 6.12: a load the kernel rejects is followed by the restore, and a panic is captured" {
	forced_checks 6.12
}
