#!/usr/bin/env bats
# kexec on the real Debian kernels the lab boots (linux-image-6.1 and -6.12, installed by
# tests/install-deps.sh): their setup headers probe as bzImage64, the version string matches what
# file(1) reads, and a crash load of them fits the lab guest's 256 MiB.  Skipped where they are not
# installed.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.12 sys
}

probe_real() {
	local k
	k=$(ls /boot/vmlinuz-"$1"* 2>/dev/null | head -1)
	[ -n "$k" ] || skip "no /boot/vmlinuz-$1* on this machine"
	run -0 kx -p --dry-run --json --sysroot=sys "$k"
	jq -e '.kernel.type == "bzImage64" and .kernel.protocol == "2.15" and .kernel.cmdline_max == 2047
		and .kernel.alignment == 2097152 and .layout.fits' <<<"$output"
	version=$(jq -r .kernel.version <<<"$output")
	[[ $version == "${k#/boot/vmlinuz-} "* ]]
	if command -v file >/dev/null; then
		[[ "$(file -b "$k")" == *"version $version,"* ]]
	fi
}

@test "Debian's 6.1 kernel probes as bzImage64 with its version" {
	probe_real 6.1.
}

@test "Debian's 6.12 kernel probes as bzImage64 with its version" {
	probe_real 6.12.
}
