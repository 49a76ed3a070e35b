#!/usr/bin/env bats
# Device dumps for real: the lab's kernel (Debian's 6.12 source with CONFIG_PROC_VMCORE_DEVICE_DUMP,
# tests/e2e/build-ddkernel.sh) and its test module add dumps with known contents in the capture
# kernel; vmcore-dd lists them there and on the saved file, and --extract gives back every byte —
# also from the kdump-compressed copies makedumpfile makes of the capture, as distributions keep it.

load helpers

setup_file() {
	export SCENARIO=devdump VMCORE="$LAB_OUT/devdump.vmcore"
	local kdir kver
	kdir=$(bash "$BATS_TEST_DIRNAME/build-ddkernel.sh")
	kver=$(cat "$kdir/kver")
	mkdir -p "$LAB_OUT/ddmod"
	cp "$kdir/kx_vmcoredd_test.ko" "$LAB_OUT/ddmod/"
	LAB_EARLY="$LAB_OUT/ddmod" lab_cycle "$SCENARIO" "$kver" "$kdir/bzImage" "kx_mode=s" || true
}

setup() {
	export SCENARIO=devdump VMCORE="$LAB_OUT/devdump.vmcore"
}

# the dumps as size-rounded SIZE values the kernel reports: roundup(64 + size, 4096) - 64
expected_list() {
	local i=0 name size
	while read -r name size; do
		echo "$i $name $(( (64 + size + 4095) / 4096 * 4096 - 64 ))"
		i=$((i + 1))
	done < <(lab_dd_expected)
}

@test "device dumps: the capture kernel added the four that fit and refused the 512 MiB one" {
	assert_loaded_and_captured
	for i in 0 1 2 3; do
		run -0 grep -a "KX_VMCOREDD add ordinal=$i size=[0-9]* rc=0" "$LAB_LOGS/$SCENARIO.log"
	done
	run -0 grep -a "KX_VMCOREDD add ordinal=4 size=536870912 rc=-12" "$LAB_LOGS/$SCENARIO.log"
}

@test "device dumps: vmcore-dd --list inside the capture kernel shows every dump" {
	run -0 grep -a 'INSIDE_DD_RC=0' "$LAB_LOGS/$SCENARIO.log"
	run -0 bash -c "grep -a '] INSIDE_DD [0-9]' '$LAB_LOGS/$SCENARIO.log' | sed 's/^.*INSIDE_DD //' | awk '{print \$1, \$2, \$3}'"
	assert_output "$(expected_list)"
}

@test "device dumps: the saved vmcore lists the same dumps, first among the notes, none oversized" {
	run -0 "$VMCORE_DD" --list --raw --noheadings -o INDEX,NAME,SIZE "$VMCORE"
	assert_output "$(expected_list)"
	refute_output --partial kxtest-huge
	run -0 "$VMCORE_DD" --notes --raw --noheadings -o INDEX,TYPE "$VMCORE"
	assert_line --index 0 "0 NT_VMCOREDD"
	assert_line --index 3 "3 NT_VMCOREDD"
	assert_line --index 4 "4 NT_PRSTATUS"
}

@test "device dumps: --extract reproduces the module's pattern byte for byte" {
	run -0 lab_dd_compare "$VMCORE" "$BATS_TEST_TMPDIR"
	assert_equal "${#lines[@]}" 4
}

@test "device dumps: vmcore-dd --check passes inside the capture kernel and on the saved file" {
	assert_inside_check_ok
}

@test "device dumps: vmcore-dd stays small in the capture kernel (peak RSS under 8 MiB)" {
	rss=$(grep -ao 'INSIDE_RSS_KIB [0-9]*' "$LAB_LOGS/$SCENARIO.log" | awk '{print $2}')
	echo "vmcore-dd --notes on /proc/vmcore: peak RSS $rss KiB"
	[ -n "$rss" ] && [ "$rss" -lt 8192 ]
}

@test "device dumps: makedumpfile -c and -l copies of the capture keep every dump, byte for byte" {
	for opt in -c -l; do
		makedumpfile "$opt" -d 31 "$VMCORE" "$BATS_TEST_TMPDIR/kd$opt" >/dev/null 2>&1
		run -0 "$VMCORE_DD" --list --raw --noheadings -o INDEX,NAME,SIZE "$BATS_TEST_TMPDIR/kd$opt"
		assert_output "$(expected_list)"
		run -0 "$VMCORE_DD" --extract="$BATS_TEST_TMPDIR/x$opt" "$BATS_TEST_TMPDIR/kd$opt"
		"$VMCORE_DD" --extract="$BATS_TEST_TMPDIR/elf$opt" "$VMCORE" >/dev/null
		diff -r "$BATS_TEST_TMPDIR/elf$opt" "$BATS_TEST_TMPDIR/x$opt"
	done
}

@test "device dumps: vmcore-dmesg reads the same log from the kdump-compressed copy as from the ELF" {
	makedumpfile -c -d 31 "$VMCORE" "$BATS_TEST_TMPDIR/kd" >/dev/null 2>&1
	"$BUILD/vmcore/vmcore-dmesg" "$VMCORE" >"$BATS_TEST_TMPDIR/elf.txt"
	"$BUILD/vmcore/vmcore-dmesg" "$BATS_TEST_TMPDIR/kd" >"$BATS_TEST_TMPDIR/kd.txt"
	cmp "$BATS_TEST_TMPDIR/elf.txt" "$BATS_TEST_TMPDIR/kd.txt"
	run -0 grep -c 'sysrq: Trigger a crash' "$BATS_TEST_TMPDIR/kd.txt"
}
