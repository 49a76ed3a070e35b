#!/usr/bin/env bats
# kexec --estimate: the crash memory model as a report (reserved, each term, needed, the
# crashkernel= that fits), as text and JSON; the unpacked initrd exact for an uncompressed cpio
# and 4 times the compressed part otherwise.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { umockdev-run --device "$BATS_TEST_TMPDIR/devices" -- "$KEXEC" "$@"; }

setup() {
	command -v umockdev-run >/dev/null || skip "umockdev-run is not installed (apt-get install umockdev)"
	cd "$BATS_TEST_TMPDIR"
	# under umockdev's preload, ASan must not insist on coming first, and a sanitizer log_path
	# crashes at start-up: reports go to stderr instead (and still fail the test: exitcode)
	ASAN_OPTIONS=$(sed -E 's/(^|:)log_path=[^:]*//' <<<"${ASAN_OPTIONS:-}")
	UBSAN_OPTIONS=$(sed -E 's/(^|:)log_path=[^:]*//' <<<"${UBSAN_OPTIONS:-}")
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" UBSAN_OPTIONS
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	export KEXEC_DEVICE_DUMP_CONF=$SRCDIR/kexec/device-dump.conf
	bash "$SRCDIR/tests/fixtures/mk-umockdev-devices.sh" devices cxgb4=2 virtio
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.1 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
	truncate -s 40M initrd.img
	# an initramfs: a 5000-byte file (2 pages unpacked) and a 3-byte one (1 page)
	mkdir -p root/bin
	yes abcd | head -c 5000 >root/bin/tool
	echo hi >root/motd
	(cd root && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0 --reproducible) >plain.cpio
}

# a member of the memory_model object of --estimate --json
model() { python3 -c 'import json, sys; print(json.load(sys.stdin)["memory_model"][sys.argv[1]])' "$1" <<<"$output"; }

@test "the report names every term and the crashkernel= that fits" {
	run -0 kx --estimate --sysroot=sys vmlinuz --initrd=initrd.img
	cat >expected <<-EOF
	crash kernel memory for vmlinuz with initrd.img
	reserved         256 MiB (crashkernel=, the "Crash kernel" ranges of /proc/iomem)
	kernel           63.5 MiB (the image's init_size)
	initrd           40 MiB
	initrd unpacked  40 MiB (not a cpio archive: counted at its size)
	boot data        36 KiB (elfcorehdr, purgatory, boot parameters)
	runtime          64 MiB (fixed allowance)
	device dumps     64 MiB (auto from $SRCDIR/kexec/device-dump.conf: 2 devices: cxgb4 0000:02:00.4 32 MiB, cxgb4 0000:03:00.4 32 MiB)
	needed           271.6 MiB
	recommended      crashkernel=288M
	fits             no, 15.6 MiB short
	EOF
	assert_output_file expected
	[ ! -e syscalls ]
}

@test "JSON: the budget and the model; budget none fits" {
	run -0 kx --estimate --json --sysroot=sys vmlinuz --initrd=initrd.img --device-dump-budget=none
	python3 -m json.tool <<<"$output" >/dev/null
	assert_line '   "action": "estimate",'
	assert_equal "$(model needed)" $((66682880 + 2 * 41943040 + 36864 + 67108864))
	assert_equal "$(model fits)" True
	assert_equal "$(model recommended_crashkernel)" 224M
}

@test "an uncompressed cpio is counted exactly: its files, page by page" {
	run -0 kx --estimate --json --sysroot=sys vmlinuz --initrd=plain.cpio
	assert_equal "$(model initrd_unpacked)" $((3 * 4096))
	assert_equal "$(model initrd_estimate)" "uncompressed cpio: exact"
}

@test "a compressed initrd counts 4 times its size; after an early cpio, only the compressed part" {
	gzip -9 -n -c plain.cpio >gz.img
	run -0 kx --estimate --json --sysroot=sys vmlinuz --initrd=gz.img
	assert_equal "$(model initrd_unpacked)" $((4 * $(stat -c %s gz.img)))
	assert_equal "$(model initrd_estimate)" "gzip compressed: its size × 4"
	command -v zstd >/dev/null || fail "zstd is missing: tests/install-deps.sh installs it"
	{ cat plain.cpio; zstd -q -c plain.cpio; } >early.img
	run -0 kx --estimate --json --sysroot=sys vmlinuz --initrd=early.img
	assert_equal "$(model initrd_unpacked)" $((3 * 4096 + 4 * ($(stat -c %s early.img) - $(stat -c %s plain.cpio))))
	assert_equal "$(model initrd_estimate)" "cpio + zstd compressed: the compressed part × 4"
}

@test "--estimate takes no -p, --dry-run or --load-anyway; a missing default kernel is named" {
	run -2 "$KEXEC" --estimate -p --sysroot=sys vmlinuz
	assert_line --index 0 "kexec: --estimate takes no -l or -p: it estimates a crash load"
	run -2 "$KEXEC" --estimate --dry-run --sysroot=sys vmlinuz
	assert_line --index 0 "kexec: --estimate loads nothing: --dry-run does not apply"
	run -2 "$KEXEC" --estimate --load-anyway --sysroot=sys vmlinuz
	assert_line --index 0 "kexec: --estimate loads nothing: --load-anyway does not apply"
	echo 9.9.9-none >sys/proc/sys/kernel/osrelease
	run -1 "$KEXEC" --estimate --sysroot=sys --device-dump-budget=none
	assert_output "kexec: cannot open the kernel /boot/vmlinuz-9.9.9-none: No such file or directory"
}
