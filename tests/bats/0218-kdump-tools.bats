#!/usr/bin/env bats
# Debian's kdump-tools 1.8.1, unchanged, on top of our kexec: its kdump-config (downloaded and
# unpacked by tests/tools/kdump-tools-pkg.sh, never installed) runs in a private mount namespace
# (tests/tools/client-ns.sh) where /sbin/kexec is the test build of ours, the kernel is the
# syscall fake playing a QEMU guest (fixture qemu-1g-6.12), and /etc, /var and /boot are
# overlays whose writes stay in the test's directory.  The package's own defaults file is used
# as Debian installs it (KDUMP_KERNEL=/var/lib/kdump/vmlinuz, KDUMP_INITRD=…/initrd.img), with
# the files its kernel hook would have made: /var/lib/kdump/initrd.img-KVER and latest_sysctls-KVER
# (KVER is the host's `uname -r`, which kdump-config reads), and a relocatable kernel in /boot.
# Each test checks what kdump-config ran (argv of /sbin/kexec), what reached the "kernel"
# (the fake's log), what kdump-config said and returned, and the state it read back.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
KVER=$(uname -r)
# what Debian appends to the capture kernel's command line (kdump-config's default)
APPEND="reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb"
HOST_CMDLINE="BOOT_IMAGE=/boot/vmlinuz-$KVER root=/dev/vda1 ro crashkernel=256M quiet"
# /proc/cmdline with crashkernel= taken out, as kdump-config does, then its append
CAPTURE_CMDLINE="BOOT_IMAGE=/boot/vmlinuz-$KVER root=/dev/vda1 ro quiet $APPEND"
LOAD_ARGV="[-p] [--command-line=$CAPTURE_CMDLINE] [--initrd=/var/lib/kdump/initrd.img] [/var/lib/kdump/vmlinuz] "
LOAD_CALL="kexec_file_load kernel=/boot/vmlinuz-$KVER initrd=/var/lib/kdump/initrd.img-$KVER cmdline_len=$((${#CAPTURE_CMDLINE} + 1)) flags=0x2 cmdline=$CAPTURE_CMDLINE -> 0"
UNLOAD_CALL="kexec_file_load kernel=- initrd=- cmdline_len=0 flags=0x3 cmdline= -> 0"

# In a chroot (../shared/tools/fresh-machine.sh runs the suite in one) / is not a mount point:
# unshare cannot make the new namespace's mounts private there, and binds would reach the host.
NOT_PRIVATE="/ is not a mount point (a chroot): no private mount namespace can be made here; the lab's kdump-tools scenarios (tests/e2e/0016, 0017) run kdump-config in a VM instead"

# (bats 1.8 cannot skip from setup_file: it only leaves out the package, setup() skips each test)
setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	mountpoint -q / || return 0
	PKG=$(bash "$SRCDIR/tests/tools/kdump-tools-pkg.sh")
	export PKG
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: unshare -m and mounts"
	mountpoint -q / || skip "$NOT_PRIVATE"
	D=$BATS_TEST_TMPDIR/ns
	mkdir -p "$D"/upper/{etc/default,etc/kdump,var/lib/kdump,boot} "$D/firmware"
	cd "$D"
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.12 sysroot
	echo "$KEXEC" >kexec-test
	echo "$HOST_CMDLINE" >cmdline
	cp "$PKG/usr/share/kdump-tools/kdump-tools.conf" upper/etc/default/kdump-tools
	cp "$PKG/etc/kdump/sysctl.conf" upper/etc/kdump/sysctl.conf
	cp "$PKG/etc/kdump/sysctl.conf" "upper/var/lib/kdump/latest_sysctls-$KVER"
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" "upper/boot/vmlinuz-$KVER"
	echo CONFIG_RELOCATABLE=y >"upper/boot/config-$KVER"
	truncate -s 20M "upper/var/lib/kdump/initrd.img-$KVER"
	# the links the package's kernel hook makes (kdump-config symlinks KVER); load makes them again
	ln -s "/boot/vmlinuz-$KVER" upper/var/lib/kdump/vmlinuz
	ln -s "/var/lib/kdump/initrd.img-$KVER" upper/var/lib/kdump/initrd.img
	export KEXEC_EXT_FAKE_SYSCALL=$D/syscalls
	unset KEXEC_EXT_FAKE_ERRNO
}

# kdump-config ARGS…: Debian's, unchanged, in the namespace
kdump_config() {
	bash "$SRCDIR/tests/tools/client-ns.sh" "$D" "$PKG/usr/sbin/kdump-config" "$@"
}
loaded() { cat "$D/sysroot/sys/kernel/kexec_crash_loaded"; }
# the kexec command lines kdump-config ran, one per line, and the syscalls they made
argv() { cat "$D/argv" 2>/dev/null || true; }
calls() { cat "$D/syscalls" 2>/dev/null || true; }
set_conf() { echo "$1" >>"$D/upper/etc/default/kdump-tools"; }

@test "kdump-config load: our kexec gets -p, the command line, the initrd, the kernel; it is loaded" {
	run -0 kdump_config load
	assert_line "Creating symlink /var/lib/kdump/vmlinuz."
	assert_line "Creating symlink /var/lib/kdump/initrd.img."
	assert_line "loaded kdump kernel."
	refute_line --partial kexec:
	assert_equal "$(argv)" "$LOAD_ARGV"
	# the symbolic links kdump-config made are resolved to the files the kernel is given
	assert_equal "$(calls)" "$LOAD_CALL"
	assert_equal "$(loaded)" 1
	# kdump-config saved the command it ran, and set the panic trigger after the load
	assert_equal "$(cat upper/var/crash/kexec_cmd)" "/sbin/kexec -p --command-line=\"$CAPTURE_CMDLINE\" --initrd=/var/lib/kdump/initrd.img /var/lib/kdump/vmlinuz"
	assert_equal "$(cat panic_on_oops)" 1
	# our record, which kexec-hotplug replays, is of that load
	assert_equal "$(grep -E '^(syscall|flags|cmdline) ' state/crash-load)" "syscall kexec_file_load
flags 0x2
cmdline $CAPTURE_CMDLINE"
	[ "$(readlink upper/var/lib/kdump/vmlinuz)" = "/boot/vmlinuz-$KVER" ]
}

@test "kdump-config load fails with status 1 when the kernel rejects the load, and records nothing" {
	KEXEC_EXT_FAKE_ERRNO=EKEYREJECTED run -1 kdump_config load
	assert_line --partial "kexec: loading the crash kernel /var/lib/kdump/vmlinuz failed: the kernel rejected the signature"
	assert_line "failed to load kdump kernel ... failed!"
	assert_equal "$(calls)" "${LOAD_CALL% -> 0} -> EKEYREJECTED"
	assert_equal "$(loaded)" 0
	[ ! -e upper/var/crash/kexec_cmd ]
	assert_equal "$(cat panic_on_oops)" 0
}

@test "kdump-config load with the defaults file's example KDUMP_KEXEC_ARGS=--elf64-core-headers" {
	# kdump-tools.conf documents this value; kexec-tools accepts it on x86 (our x86_64 header is
	# ELF64 anyway).  kdump-config puts it right after -p.
	set_conf 'KDUMP_KEXEC_ARGS="--elf64-core-headers"'
	run kdump_config load
	assert_equal "$(argv)" "[-p] [--elf64-core-headers] ${LOAD_ARGV#\[-p\] }"
	refute_line --partial "unrecognized option"
	assert_success
	assert_equal "$(calls)" "$LOAD_CALL"
	assert_equal "$(loaded)" 1
}

@test "kdump-config load with KDUMP_KEXEC_ARGS=\"-s -d\": file load only, with the debug flag" {
	set_conf 'KDUMP_KEXEC_ARGS="-s -d"'
	run -0 kdump_config load
	assert_line "loaded kdump kernel."
	assert_equal "$(argv)" "[-p] [-s] [-d] ${LOAD_ARGV#\[-p\] }"
	# KEXEC_FILE_DEBUG (0x8) with ON_CRASH
	assert_equal "$(calls)" "${LOAD_CALL/flags=0x2/flags=0xa}"
	# -d prints the plan on stderr, which kdump-config passes through
	assert_line "crash kernel load plan"
}

@test "under Secure Boot kdump-config adds -s to load and unload; our kexec does not fall back" {
	mkdir -p firmware/efi/efivars
	# efivarfs files: 4 bytes of attributes, then the value (kdump-config reads byte 5)
	printf '\x06\x00\x00\x00\x01' >firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
	printf '\x06\x00\x00\x00\x00' >firmware/efi/efivars/SetupMode-8be4df61-93ca-11d2-aa0d-00e098032b8c
	KEXEC_EXT_FAKE_ERRNO=ENOEXEC run -1 kdump_config load
	assert_line "failed to load kdump kernel ... failed!"
	assert_equal "$(argv)" "[-p] [-s] ${LOAD_ARGV#\[-p\] }"
	assert_equal "$(calls)" "${LOAD_CALL% -> 0} -> ENOEXEC"       # -s: no kexec_load after it
	rm syscalls argv
	run -0 kdump_config load
	run -0 kdump_config unload
	assert_line "unloaded kdump kernel."
	assert_equal "$(argv)" "[-p] [-s] ${LOAD_ARGV#\[-p\] }
[-s] [-p] [-u] "
	assert_equal "$(tail -n 1 syscalls)" "$UNLOAD_CALL"
	assert_equal "$(loaded)" 0
}

@test "kdump-config unload runs kexec -p -u and reports our status" {
	kdump_config load
	rm argv syscalls
	run -0 kdump_config unload
	assert_line "unloaded kdump kernel."
	assert_equal "$(argv)" "[-p] [-u] "
	assert_equal "$(calls)" "$UNLOAD_CALL"
	assert_equal "$(loaded)" 0
	[ ! -e state/crash-load ]
	# the kernel refuses: kdump-config says so and exits 1, the crash kernel stays
	kdump_config load
	KEXEC_EXT_FAKE_ERRNO=EPERM run -1 kdump_config unload
	assert_line --partial "kexec: unloading the crash kernel failed"
	assert_line "failed to unload kdump kernel ... failed!"
	assert_equal "$(loaded)" 1
}

@test "kdump-config status says ready or not ready as the kernel's kexec_crash_loaded says" {
	run -0 kdump_config status
	assert_output "current state   : Not ready to kdump"
	kdump_config load
	run -0 kdump_config status
	assert_output "current state   : ready to kdump"
	kdump_config unload
	run -0 kdump_config status
	assert_output "current state   : Not ready to kdump"
	# status only reads: the two kexec runs are the load and the unload
	assert_equal "$(argv | wc -l)" 2
}

@test "kdump-config test prints the kexec command it would run, runs none, and ours plans it" {
	run -0 kdump_config test
	assert_line "kexec command to be used:"
	assert_line "  /sbin/kexec -p --command-line=\"$CAPTURE_CMDLINE\" --initrd=/var/lib/kdump/initrd.img /var/lib/kdump/vmlinuz"
	assert_line "crashkernel addr		0x2b000000"
	[ ! -e argv ] && [ ! -e syscalls ]
	assert_equal "$(loaded)" 0
	# what an administrator does next: run the printed command, here with --dry-run
	local cmd
	cmd=$(sed -n '/^kexec command to be used:$/{n;s/^  //;p}' <<<"$output")
	run -0 bash "$SRCDIR/tests/tools/client-ns.sh" "$D" sh -c "$cmd --dry-run"
	assert_line "crash kernel load plan (dry run: nothing is loaded)"
	assert_line "kernel        /var/lib/kdump/vmlinuz: bzImage64, boot protocol 2.15, 7.8 MiB"
	assert_line "initrd        /var/lib/kdump/initrd.img: 20 MiB"
	assert_line "command line  $CAPTURE_CMDLINE"
	[ ! -e syscalls ]
	assert_equal "$(loaded)" 0
}

@test "kdump-config show: the crashkernel address, the state and the command saved by the last load" {
	run -0 kdump_config show
	assert_line "crashkernel addr: 0x2b000000"
	assert_line "current state:    Not ready to kdump"
	assert_line "  no kexec command recorded"
	kdump_config load
	run -0 kdump_config show
	assert_line "current state:    ready to kdump"
	assert_line "  /sbin/kexec -p --command-line=\"$CAPTURE_CMDLINE\" --initrd=/var/lib/kdump/initrd.img /var/lib/kdump/vmlinuz"
	assert_equal "$(argv | wc -l)" 1
}

@test "kdump-config reload unloads, then loads the same command" {
	kdump_config load
	rm argv syscalls
	run -0 kdump_config reload
	assert_line "unloaded kdump kernel."
	assert_line "loaded kdump kernel."
	assert_equal "$(argv)" "[-p] [-u] 
$LOAD_ARGV"
	assert_equal "$(calls)" "$UNLOAD_CALL
$LOAD_CALL"
	assert_equal "$(loaded)" 1
}

@test "kdump-config try-reload: unload then load when loaded, nothing when not; a failed load is status 1" {
	# nothing loaded: the udev rule's call does nothing
	run -0 kdump_config try-reload
	assert_output ""
	[ ! -e argv ] && [ ! -e syscalls ]
	kdump_config load
	rm argv syscalls
	run -0 kdump_config try-reload
	assert_equal "$(argv)" "[-p] [-u] 
$LOAD_ARGV"
	assert_equal "$(calls)" "$UNLOAD_CALL
$LOAD_CALL"
	assert_equal "$(loaded)" 1
	# the kernel rejects the reload: kdump-tools unloaded first, so nothing is loaded now — the
	# window DESIGN.md's kexec-hotplug avoids by never unloading first
	rm argv syscalls runs
	KX_FAKE_ERRNO_PER_RUN="0 ENOMEM" run -1 kdump_config try-reload
	assert_line "failed to load kdump kernel ... failed!"
	assert_equal "$(calls)" "$UNLOAD_CALL
${LOAD_CALL% -> 0} -> ENOMEM"
	assert_equal "$(loaded)" 0
}
