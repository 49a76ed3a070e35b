#!/usr/bin/env bats
# device-dump.conf (kexec-device-dump.conf(5)): comments, blank lines, sizes, PCI addresses,
# the default line, and bad lines refused with the file and line number before any syscall.

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
	export KEXEC_DEVICE_DUMP_CONF=$BATS_TEST_TMPDIR/dd.conf
	bash "$SRCDIR/tests/fixtures/mk-umockdev-devices.sh" devices cxgb4=2 virtio e1000e
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.1 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
}

@test "comments, blank lines, tabs, CRLF; a PCI address line wins over its driver's line" {
	printf '# budgets\n\n   \ncxgb4\t32M   # per adapter\r\n\t# indented comment\n0000:03:00.4 1G\ne1000e 512K\n' >dd.conf
	run -1 kx -p --dry-run --sysroot=sys vmlinuz
	cat >expected <<-EOF
	device dumps  auto (from $BATS_TEST_TMPDIR/dd.conf): 3 devices, 1.0 GiB; kexec_dd=3:1107820544
	  DRIVER            PCI           NETDEV            BUDGET
	  e1000e            0000:00:19.0  eno1              512 KiB
	  cxgb4             0000:02:00.4  enp2s0f4          32 MiB
	  cxgb4             0000:03:00.4  enp3s0f4          1 GiB
	EOF
	diff -u expected <(sed -n '/^device dumps/,/^  cxgb4 .*1 GiB/p' <<<"$output")
}

@test "the shipped file budgets cxgb4 at 32M and is all comments otherwise" {
	assert_equal "$(grep -v '^#' "$SRCDIR/kexec/device-dump.conf" | grep -v '^$')" "cxgb4   32M"
	cp "$SRCDIR/kexec/device-dump.conf" dd.conf
	run -0 kx -p --dry-run --sysroot=sys vmlinuz
	assert_line --partial "2 devices, 64 MiB; kexec_dd=2:67108864"
}

@test "bad lines are refused with the file and line number, before any syscall" {
	while IFS='|' read -r content msg; do
		printf "$content" >dd.conf
		run -1 kx -p --sysroot=sys vmlinuz
		assert_output "kexec: $BATS_TEST_TMPDIR/dd.conf:$msg"
	done <<-'EOF'
	# ok\n\ncxgb4 32M\nbogus\n|4: expected "DRIVER SIZE", "PCI-ADDRESS SIZE" or "default SPEC", got 1 words
	cxgb4 32M 64M\n|1: expected "DRIVER SIZE", "PCI-ADDRESS SIZE" or "default SPEC", got 3 words
	\n\ncxgb4 lots\n|3: 'cxgb4 lots' has a size that is not one (like 512K, 32M, 1G)
	cxgb4 32M\ncxgb4 16M\n|2: cxgb4 is already on line 1
	02:00.4 1M\n0000:02:00.4 2M\n|2: 0000:02:00.4 is already on line 1
	cx.gb4 1M\n|1: 'cx.gb4 1M' is not a driver name (letters, digits, '_', '-') or a PCI address
	default sometimes\n|1: --device-dump-budget=sometimes: not auto, none, a size (like 64M) or MATCH=SIZE,...
	default none\ndefault auto\n|2: a second "default" line
	EOF
	[ ! -e syscalls ]
}

@test "the default line: a SIZE or MATCH list; --device-dump-budget overrides it" {
	printf 'default 16M\ncxgb4 32M\n' >dd.conf
	run -0 kx -p --dry-run --sysroot=sys vmlinuz
	assert_line "device dumps  16M (from $BATS_TEST_TMPDIR/dd.conf): 0 devices, 16 MiB; kexec_dd=0:16777216"
	printf 'default virtio_blk=4M\n' >dd.conf
	run -0 kx -p --dry-run --sysroot=sys vmlinuz
	assert_line "device dumps  virtio_blk=4M (from $BATS_TEST_TMPDIR/dd.conf): 1 device, 4 MiB; kexec_dd=1:4194304"
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --device-dump-budget=auto
	assert_line "device dumps  auto (from --device-dump-budget): 0 devices, 0 B; kexec_dd=0:0"
}

@test "--device-dump-conf names the file; a file with NUL bytes is refused" {
	printf 'cxgb4 1M\n' >other.conf
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --device-dump-conf=other.conf
	assert_line "device dumps  auto (from other.conf): 2 devices, 2 MiB; kexec_dd=2:2097152"
	printf 'cxgb4\0 1M\n' >dd.conf
	run -1 kx -p --dry-run --sysroot=sys vmlinuz
	assert_output "kexec: $BATS_TEST_TMPDIR/dd.conf: not a text file (it has NUL bytes)"
}
