# shellcheck shell=bash
# The arm64 capture scenarios (0018: Debian's arm64 6.12, 0021: 6.1), one body for both: loaded
# by their .bats file after helpers.bash, with SERIES set.
#
# Debian's own arm64 kernel (an uncompressed EFI-stub Image, /boot/vmlinuz of its arm64 package)
# boots in QEMU's virt board (-cpu max, TCG) from -kernel with crashkernel=, on the lab's
# initramfs built for arm64 (LAB_ARCH=arm64: busybox and our binaries of that architecture).
# Two runs: the Image as Debian ships it, and a gzip -9 copy as Ubuntu ships arm64 kernels
# (kexec unpacks it into a memfd; --dry-run shows the layers).  In each, our kexec -p -s loads
# it first.  Debian builds its arm64 kernels without CONFIG_KEXEC_FILE: there the kernel answers
# with ENOSYS, which kexec must name, and the run loads the same file with our kexec -p -c
# (kexec_load: our segments, DTB and purgatory page).  Then a panic, and the capture is checked
# as on x86_64: one NT_PRSTATUS per CPU, VMCOREINFO, every RAM byte outside the crashkernel in
# a PT_LOAD, the log read from the saved file as the capture kernel read it from /proc/vmcore
# (and as Debian's vmcore-dmesg reads it).  On a kernel with kexec_file_load, the -s load is
# the one captured.

# the run's name: arm64-SERIES (the Image) or arm64-SERIES-gz (its gzip copy)
arm64_vars() {
	export SCENARIO=$1 VMCORE="$LAB_OUT/$1.vmcore"
}

arm64_setup_file() {
	lab_arm64_kernel "$SERIES"
	export KVER KDIR LAB_MODDIR="$KDIR/lib/modules/$KVER"
	arm64_vars "arm64-$SERIES"
	lab_cycle "$SCENARIO" "$KVER" "$KDIR/boot/vmlinuz-$KVER" \
		"kx_mode=s kx_plan=1 kx_kernel=/boot/vmlinuz kx_fallback=/usr/sbin/kexec,c" || true
	arm64_vars "arm64-$SERIES-gz"
	lab_cycle "$SCENARIO" "$KVER" "$KDIR/boot/vmlinuz-$KVER" \
		"kx_mode=s kx_plan=1 kx_kernel=/boot/vmlinuz.gz kx_fallback=/usr/sbin/kexec,c" || true
}

arm64_setup() {
	lab_arm64_kernel "$SERIES"
	arm64_vars "arm64-$SERIES"
}

# kexec_file_load is in the guest kernel when its configuration says so
arm64_has_kexec_file() {
	grep -qx 'CONFIG_KEXEC_FILE=y' "$KDIR/boot/config-$KVER"
}

arm64_log() {
	grep -a "$@" "$LAB_LOGS/$SCENARIO.log"
}

# the guest booted Debian's arm64 kernel with a crashkernel reservation
arm64_assert_booted() {
	run -0 arm64_log 'Booting Linux on physical CPU'
	run -0 arm64_log -E "Machine model: linux,dummy-virt|Machine model: .*virt"
	run -0 arm64_log "FIRST_START kver=$KVER "
	run -0 arm64_log '] CRASH_RANGE '
}

# our kexec -p -s of FILE: loaded where the kernel has kexec_file_load; on Debian's arm64 kernels
# the kernel's ENOSYS is named, exit 1, and nothing is loaded
arm64_assert_ours_s_load() {
	run -0 arm64_log "FIRST_START kver=$KVER .* kexec=/usr/sbin/kexec mode=-s"
	if arm64_has_kexec_file; then
		run -0 arm64_log 'KEXEC_LOAD_RC=0 '
		run -0 arm64_log '] CRASH_LOADED=1'
		return
	fi
	run -0 arm64_log "kexec: loading the crash kernel $1 failed: this kernel has no kexec_file_load (ENOSYS: CONFIG_KEXEC_FILE is not set)"
	run -0 arm64_log 'KEXEC_LOAD_RC='
	assert_output --partial 'KEXEC_LOAD_RC=1 '
	run -0 arm64_log '] CRASH_LOADED='
	assert_output --partial 'CRASH_LOADED=0'
}

# the gzip'ed Image: the plan names the layer and the memfd the kernel gets, and the Image in it
# is the plain run's, byte count for byte count
arm64_assert_gzip_plan() {
	local image
	run -0 arm64_log -E '\] PLAN unpacked +a memfd, not the file \([0-9.]+ MiB\), is passed to the kernel'
	run -0 arm64_log -E '\] PLAN +gzip +at 0, [0-9.]+ MiB -> [0-9.]+ MiB'
	image=$(grep -ao 'PLAN kernel        /boot/vmlinuz: Image, [0-9.]* MiB' "$LAB_LOGS/arm64-$SERIES.log" | sed 's/.*Image, //')
	[ -n "$image" ]
	run -0 arm64_log -E "\] PLAN +Image +$image\$"
	run -0 arm64_log "PLAN kernel        /boot/vmlinuz.gz: Image, $image"
}

# the capture kernel was loaded by our kexec (-s, else -c of the same file: FILE), booted at the
# panic and saved /proc/vmcore
arm64_assert_captured() {
	if arm64_has_kexec_file; then
		run -0 arm64_log 'KEXEC_LOAD_RC=0 '
		run -0 arm64_log '] CRASH_LOADED=1'
	else
		run -0 arm64_log "FALLBACK_LOAD_RC=0 loader=/usr/sbin/kexec mode=-c kernel=$1 "
		run -0 arm64_log 'FALLBACK_CRASH_LOADED=1'
	fi
	run -0 arm64_log 'Starting crashdump kernel'
	run -0 arm64_log 'SCENARIO_BEGIN test=capture'
	run -0 arm64_log "CAPTURE_START kver=$KVER "
	run -0 arm64_log 'VMCORE_SAVED'
	[ -s "$VMCORE" ]
}

# the capture kernel read the log from /proc/vmcore; ours on the host reads the same bytes from
# the saved file, and they are what Debian's vmcore-dmesg prints
arm64_assert_dmesg_same_as_inside() {
	local inside
	inside=$(grep -ao 'INSIDE_DMESG_RC=0 lines=[0-9]* sha256=[0-9a-f]*' "$LAB_LOGS/$SCENARIO.log" | sed 's/.*sha256=//')
	[ -n "$inside" ]
	"$BUILD/vmcore/vmcore-dmesg" "$VMCORE" >"$BATS_TEST_TMPDIR/ours.txt"
	run -0 sha256sum "$BATS_TEST_TMPDIR/ours.txt"
	assert_output "$inside  $BATS_TEST_TMPDIR/ours.txt"
	assert_dmesg_matches_debian
}

# the gzip run, loaded from the gzip'ed Image: captured and checked as the Image's run
arm64_assert_gzip_run() {
	arm64_vars "arm64-$SERIES-gz"
	arm64_assert_captured /boot/vmlinuz.gz
	assert_notes_match_guest
	assert_ram_covered
	assert_inside_check_ok
	arm64_assert_dmesg_same_as_inside
}
