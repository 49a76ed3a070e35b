#!/usr/bin/env bats
# kexec on real machines' /proc and /sys: the snapshots tests/fixtures/lab/qemu-1g-6.1 and -6.12
# were taken in the QEMU lab (tests/fixtures/take-lab-snapshot.sh) from 1 GiB guests booted with
# crashkernel=256M, together with the PT_LOADs of the elfcorehdr the kernel itself built when
# `kexec -p -s` loaded on that very boot (kernel-elfcorehdr.txt).  The header we build for a
# kexec_load (--elfcorehdr-out) must describe exactly the same memory.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
}

# our header's PT_LOADs as "0xPADDR 0xPEND", in file order
our_loads() {
	readelf -lW "$1" | gawk '$1 == "LOAD" { printf "0x%x 0x%x\n", strtonum($4), strtonum($4) + strtonum($6) }'
}

same_memory_as_kernel() {
	local snap=$SRCDIR/tests/fixtures/lab/qemu-1g-$1
	run -0 kx -p --dry-run --sysroot="$snap" vmlinuz --elfcorehdr-out=ehdr
	diff -u "$snap/kernel-elfcorehdr.txt" <(our_loads ehdr)
}

@test "6.1 lab snapshot: our elfcorehdr has exactly the PT_LOADs the kernel built on that boot" {
	same_memory_as_kernel 6.1
}

@test "6.12 lab snapshot: our elfcorehdr has exactly the PT_LOADs the kernel built on that boot" {
	same_memory_as_kernel 6.12
}

@test "lab snapshots: --print-ckr-size, -S and the plan's crash range are what the real files say" {
	for v in 6.1 6.12; do
		snap=$SRCDIR/tests/fixtures/lab/qemu-1g-$v
		run -0 kx --print-ckr-size --sysroot="$snap"
		assert_output "$(cat "$snap/sys/kernel/kexec_crash_size")"
		# nothing was loaded when the snapshot was taken
		run -0 kx -S --sysroot="$snap"
		run -0 kx -p --dry-run --json --sysroot="$snap" vmlinuz
		range=$(grep 'Crash kernel' "$snap/proc/iomem" | sed 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\).*/\1 \2/')
		run -0 jq -r '.crash_kernel.ranges[] | "\(.start) \(.end)"' <<<"$output"
		assert_output "$(printf '%d %d' "0x${range% *}" "0x${range#* }")"
	done
}
