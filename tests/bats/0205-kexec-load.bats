#!/usr/bin/env bats
# kexec loads through the syscall seam, faked (KEXEC_EXT_FAKE_SYSCALL): what is passed to
# kexec_file_load, the state record of a crash load, every errno turned into a sentence with the
# fix, and the restore of the previous crash kernel when the kernel rejects a load after
# dropping it (the fake drops it as the kernel does: on any error but EPERM and EBUSY).

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.12 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
	truncate -s 40M initrd.img
	D=$BATS_TEST_TMPDIR
}

loaded() { cat sys/sys/kernel/kexec_crash_loaded; }

# a first crash load that succeeds, recorded in the state dir
load_first() {
	kx -p -s vmlinuz --initrd=initrd.img --append="irqpoll nr_cpus=1" --sysroot=sys
	rm syscalls
}

@test "a crash load passes both files, the command line with its NUL, and ON_CRASH" {
	run -0 kx -p -s vmlinuz --initrd=initrd.img --append="irqpoll nr_cpus=1" --sysroot=sys
	assert_output ""
	run cat syscalls
	assert_output "kexec_file_load kernel=$D/vmlinuz initrd=$D/initrd.img cmdline_len=18 flags=0x2 cmdline=irqpoll nr_cpus=1 -> 0"
	assert_equal "$(loaded)" 1
}

@test "a successful crash load is recorded: syscall, flags, files, command line, argv as given" {
	cd sys && kx --sysroot=. -p ../vmlinuz --append="a\\b x" --initrd ../initrd.img -s && cd ..
	run cat state/crash-load
	assert_line --index 0 "# kexec-ext: how the crash kernel in place was loaded (see kexec(8))"
	assert_line "version 1"
	assert_line --regexp '^time [0-9]+$'
	assert_line "syscall kexec_file_load"
	assert_line "flags 0x2"
	assert_line "kernel $D/vmlinuz"
	assert_line "initrd $D/initrd.img"
	assert_line 'cmdline a\\b x'
	assert_line "cwd $D/sys"
	# argv in its original order (getopt permutes it)
	assert_equal "$(grep '^arg ' state/crash-load | tail -n +2)" "$(printf 'arg %s\n' --sysroot=. -p ../vmlinuz '--append=a\\b x' --initrd ../initrd.img -s)"
	[ -e state/lock ]
}

@test "no initrd: NO_INITRAMFS and no initrd fd; a normal load is not recorded" {
	kx -p vmlinuz --sysroot=sys
	kx -l vmlinuz --initrd=initrd.img --append=root=/dev/vda --sysroot=sys
	run cat syscalls
	assert_line --index 0 "kexec_file_load kernel=$D/vmlinuz initrd=- cmdline_len=1 flags=0x6 cmdline= -> 0"
	assert_line --index 1 "kexec_file_load kernel=$D/vmlinuz initrd=$D/initrd.img cmdline_len=14 flags=0 cmdline=root=/dev/vda -> 0"
	assert_equal "$(cat sys/sys/kernel/kexec_loaded)" 1
	assert_equal "$(grep -c '^arg -p$' state/crash-load)" 1     # still the -p load
}

@test "each errno becomes a sentence with the cause and the fix" {
	while IFS='|' read -r errno sentence; do
		KEXEC_EXT_FAKE_ERRNO=$errno run -1 kx -p -s vmlinuz --initrd=initrd.img --sysroot=sys
		assert_line --index 0 "kexec: loading the crash kernel vmlinuz failed: $sentence"
	done <<-'EOF'
	EKEYREJECTED|the kernel rejected the signature of vmlinuz (EKEYREJECTED): with lockdown or KEXEC_SIG_FORCE it loads only kernels signed by a key in its keyrings; sign it (sbsign) or load your distribution's signed kernel
	ENODATA|the kernel could not verify a signature on vmlinuz (ENODATA): it is unsigned or signed in a way the kernel cannot check, and this kernel requires one (lockdown or KEXEC_SIG_FORCE); load a signed kernel
	ENOEXEC|the running kernel cannot load vmlinuz (ENOEXEC) although it looks like a bzImage64: the kernel's own probe refused it (5-level paging without XLF_5LEVEL, 32-bit EFI); dmesg says which
	EADDRNOTAVAIL|the crash kernel region is too small for this load: 104.5 MiB of segments in 256 MiB, or the kernel placed them differently than expected; boot with a larger crashkernel= (see --dry-run for the layout)
	ENOSYS|this kernel has no kexec_file_load (ENOSYS: CONFIG_KEXEC_FILE is not set)
	EINVAL|the kernel rejected the arguments (EINVAL): the flags 0x2 or the command line (1 bytes); dmesg may say which
	ETXTBSY|vmlinuz or the initrd is open for writing by another process (ETXTBSY): load it once it is written completely
	EACCES|the kernel was denied reading vmlinuz or the initrd (EACCES): a security module (SELinux, AppArmor, IMA) refused it
	EIO|kexec_file_load failed: Input/output error (EIO); dmesg may say why
	EOF
}

@test "EPERM is explained by what forbids the load on this machine" {
	KEXEC_EXT_FAKE_ERRNO=EPERM run -1 kx -p vmlinuz --sysroot=sys
	assert_line --index 0 "kexec: loading the crash kernel vmlinuz failed: the kernel refused permission (EPERM): check kernel.kexec_load_disabled, lockdown and security modules (SELinux, IMA appraisal); dmesg may say which"
	echo "none [integrity] confidentiality" >sys/sys/kernel/security/lockdown
	KEXEC_EXT_FAKE_ERRNO=EPERM run -1 kx -p vmlinuz --sysroot=sys
	assert_line --index 0 "kexec: loading the crash kernel vmlinuz failed: the kernel is locked down (lockdown=integrity): it loads only kernels signed with a key it trusts; load your distribution's signed kernel"
	echo 0 >sys/proc/sys/kernel/kexec_load_limit_panic
	KEXEC_EXT_FAKE_ERRNO=EPERM run -1 kx -p vmlinuz --sysroot=sys
	assert_line --index 0 "kexec: loading the crash kernel vmlinuz failed: the kernel allows no more crash kernel loads until reboot (kernel.kexec_load_limit_panic = 0)"
}

@test "kexec_load_disabled is checked before the syscall" {
	echo 1 >sys/proc/sys/kernel/kexec_load_disabled
	run -1 kx -p vmlinuz --sysroot=sys
	assert_output "kexec: kexec is disabled until the next boot (kernel.kexec_load_disabled = 1): no kernel can be loaded before a reboot"
	[ ! -e syscalls ]
}

@test "EBUSY is retried: the kexec lock is held only for a moment" {
	KEXEC_EXT_FAKE_ERRNO=EBUSY,EBUSY,0 run -0 kx -p vmlinuz --sysroot=sys
	assert_equal "$(grep -c 'flags=0x6' syscalls)" 3
	assert_equal "$(loaded)" 1
	# 9 tries (10, 20 … 400 ms apart), then the error
	KEXEC_EXT_FAKE_ERRNO=EBUSY,EBUSY,EBUSY,EBUSY,EBUSY,EBUSY,EBUSY,EBUSY,EBUSY run -1 kx -p vmlinuz --sysroot=sys
	assert_line --index 0 "kexec: loading the crash kernel vmlinuz failed: another kexec load, unload or crash hotplug update holds the kernel's kexec lock (EBUSY); retry in a moment"
	assert_line --index 1 "kexec: the crash kernel loaded before is still loaded"
	assert_equal "$(wc -l <syscalls)" 12
}

@test "a rejected crash load that cost the loaded crash kernel is followed by restoring it" {
	load_first
	truncate -s 300M big.img
	KEXEC_EXT_FAKE_ERRNO=EADDRNOTAVAIL,0 run -1 kx -p --load-anyway vmlinuz --initrd=big.img --append=new --sysroot=sys
	assert_line --index 0 --partial "kexec: warning: --load-anyway: loading although the crash kernel region (256 MiB at 0x2b000000) is too small"
	assert_line --index 1 --partial "kexec: loading the crash kernel vmlinuz failed: the crash kernel region is too small for this load"
	assert_line --index 2 --regexp "^kexec: the kernel had dropped the crash kernel loaded before; it is restored \($D/vmlinuz, loaded [0-9-]+ [0-9:]+ UTC\)$"
	run cat syscalls
	assert_line --index 0 "kexec_file_load kernel=$D/vmlinuz initrd=$D/big.img cmdline_len=4 flags=0x2 cmdline=new -> EADDRNOTAVAIL"
	assert_line --index 1 "kexec_file_load kernel=$D/vmlinuz initrd=$D/initrd.img cmdline_len=18 flags=0x2 cmdline=irqpoll nr_cpus=1 -> 0"
	assert_equal "$(loaded)" 1
	# the record still describes what is loaded: the first load
	grep -qx "cmdline irqpoll nr_cpus=1" state/crash-load
}

@test "a crash kernel loaded with -c is restored by repeating its recorded command" {
	kx -p -c vmlinuz --initrd=initrd.img --append="irqpoll nr_cpus=1" --sysroot=sys
	rm syscalls
	truncate -s 300M big.img
	KEXEC_EXT_FAKE_ERRNO=EADDRNOTAVAIL,0 run -1 kx -p -s --load-anyway vmlinuz --initrd=big.img --append=new --sysroot=sys
	assert_line --regexp "^kexec: the kernel had dropped the crash kernel loaded before; it is restored \($D/vmlinuz, loaded [0-9-]+ [0-9:]+ UTC\)$"
	run -0 awk '{ print $1, $NF }' syscalls
	assert_output "kexec_file_load EADDRNOTAVAIL
kexec_load 0"
	assert_equal "$(loaded)" 1
	run -0 grep -E '^(syscall|cmdline) ' state/crash-load
	assert_output "syscall kexec_load
cmdline irqpoll nr_cpus=1"
	# the repeated command fails as well: nothing is loaded, and the message says what failed
	KEXEC_EXT_FAKE_ERRNO=EADDRNOTAVAIL,EIO run -1 kx -p -s --load-anyway vmlinuz --initrd=big.img --append=new --sysroot=sys
	assert_line --partial "NOTHING IS LOADED NOW"
	assert_line --partial "repeating the recorded command (-p in $D) failed with status 1"
	assert_equal "$(loaded)" 0
}

@test "when the restore fails too, nothing is loaded and the message says so" {
	load_first
	KEXEC_EXT_FAKE_ERRNO=EINVAL,ENOMEM run -1 kx -p -s vmlinuz --append=new --sysroot=sys
	assert_line --index 1 "kexec: NOTHING IS LOADED NOW: the kernel dropped the crash kernel loaded before and restoring it failed: the kernel found no room for the segments: boot with a larger crashkernel= (see --dry-run for the sizes); a panic now is not captured: fix the problem above and load again"
	assert_equal "$(loaded)" 0
	# a restore needs its files: gone, it fails before any syscall
	load_first
	rm initrd.img
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -1 kx -p -s vmlinuz --sysroot=sys
	assert_line --index 1 --partial "restoring it failed: cannot open the initrd $D/initrd.img: No such file or directory"
	assert_equal "$(wc -l <syscalls)" 1
}

@test "a crash kernel loaded by another tool cannot be restored, and the message says so" {
	echo 1 >sys/sys/kernel/kexec_crash_loaded
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -1 kx -p -s vmlinuz --sysroot=sys
	assert_line --index 1 "kexec: NOTHING IS LOADED NOW: the kernel dropped the crash kernel loaded before and restoring it failed: it was not loaded by this kexec (no record in $D/state); a panic now is not captured: fix the problem above and load again"
}

@test "a load refused before the syscall leaves the loaded crash kernel alone" {
	load_first
	truncate -s 300M big.img
	run -1 kx -p vmlinuz --initrd=big.img --sysroot=sys
	assert_output --partial "kexec: the crash kernel region (256 MiB at 0x2b000000) is too small for this load"
	[ ! -e syscalls ]
	assert_equal "$(loaded)" 1
	# a file long enough for a setup header, without one (not /etc/passwd: its size differs by machine)
	head -c 8192 /dev/zero | tr '\0' x >notakernel
	run -1 kx -p notakernel --sysroot=sys
	assert_output "kexec: notakernel: not a bzImage: no \"HdrS\" boot header at offset 0x202"
	[ ! -e syscalls ]
}

@test "--json after a load: the plan and the result, restore included" {
	load_first
	KEXEC_EXT_FAKE_ERRNO=EKEYREJECTED,0 run -1 --separate-stderr kx -p --json vmlinuz --sysroot=sys
	run jq -c '[.action, .dry_run, .result.loaded, .result.errno, .result.previous, .result.restore_error]' <<<"$output"
	assert_output '["load",false,false,"EKEYREJECTED","restored",null]'
	run -0 --separate-stderr kx -p --json vmlinuz --sysroot=sys
	run jq -c '.result' <<<"$output"
	assert_output '{"loaded":true,"hotplug":"kernel","errno":null,"message":null,"previous":"none","restore_error":null}'
}

@test "-a falls back to kexec_load; when that fails too, the message is about kexec_load" {
	KEXEC_EXT_FAKE_ERRNO=ENOSYS,ENOSYS run -1 kx -p vmlinuz --sysroot=sys
	assert_equal "$(awk '{ print $1, $NF }' syscalls)" "kexec_file_load ENOSYS
kexec_load ENOSYS"
	assert_line --index 0 "kexec: kexec_file_load refused the crash kernel (ENOSYS); falling back to kexec_load"
	assert_line --index 1 "kexec: loading the crash kernel vmlinuz failed: this kernel has no kexec_load (ENOSYS: CONFIG_KEXEC is not set)"
	rm syscalls
	KEXEC_EXT_FAKE_ERRNO=ENOSYS run -1 kx -p -s vmlinuz --sysroot=sys
	refute_line --partial "falling back"
	assert_equal "$(wc -l <syscalls)" 1
}

@test "-u -p unloads, removes the record, and falls back to kexec_load under -a" {
	load_first
	run -0 kx -u -p --sysroot=sys
	assert_equal "$(cat syscalls)" "kexec_file_load kernel=- initrd=- cmdline_len=0 flags=0x3 cmdline= -> 0"
	[ ! -e state/crash-load ]
	assert_equal "$(loaded)" 0
	rm syscalls
	load_first
	KEXEC_EXT_FAKE_ERRNO=ENOSYS,0 run -0 kx -u -p --sysroot=sys
	run cat syscalls
	assert_line --index 1 "kexec_load nr_segments=0 flags=0x3e0001 -> 0"
	rm syscalls
	run -0 kx -u -c --sysroot=sys
	assert_equal "$(cat syscalls)" "kexec_load nr_segments=0 flags=0x3e0000 -> 0"
	rm syscalls
	KEXEC_EXT_FAKE_ERRNO=ENOSYS run -1 kx -u -p -s --sysroot=sys
	assert_output "kexec: unloading the crash kernel failed: this kernel has no kexec_file_load (ENOSYS: CONFIG_KEXEC_FILE is not set)"
	run -0 kx -u -p --dry-run --sysroot=sys
	assert_output "would unload the crash kernel: kexec_file_load(-1, -1, 0, NULL, 0x3)"
}

@test "-e reboots into the loaded kernel only when one is loaded" {
	run -1 kx -e --sysroot=sys
	assert_output "kexec: no kernel is loaded to execute (/sys/kernel/kexec_loaded is 0): load one with kexec -l first"
	[ ! -e syscalls ]
	echo 1 >sys/sys/kernel/kexec_loaded
	run -0 kx -e --dry-run --sysroot=sys
	assert_output "would sync, take the network interfaces down, reboot into the loaded kernel: reboot(LINUX_REBOOT_CMD_KEXEC), without shutting down services"
	[ ! -e syscalls ]
	run -0 kx -e --sysroot=sys
	# as kexec-tools' -e: file systems synced, interfaces down (the fake touches none), reboot
	assert_equal "$(cat syscalls)" "$(printf 'sync\nifdown\nreboot LINUX_REBOOT_CMD_KEXEC -> 0')"
}

@test "an unwritable state dir is a warning: the crash kernel is loaded all the same" {
	touch notadir
	KEXEC_STATE_DIR=$D/notadir/state run -0 kx -p vmlinuz --sysroot=sys
	assert_line --partial "kexec: warning: cannot create the state directory $D/notadir/state: Not a directory; loading without the lock"
	assert_line --partial "kexec: warning: the crash kernel is loaded, but recording the load in $D/notadir/state failed"
	assert_equal "$(loaded)" 1
}

@test "a crash load waits for the state lock, and does not when its caller holds it (KEXEC_EXT_LOCK_HELD)" {
	mkdir -p state
	flock state/lock sleep 30 &
	holder=$!
	for i in $(seq 100); do flock -n state/lock true || break; sleep 0.05; done
	run timeout 2 "$KEXEC" -p -s vmlinuz --sysroot=sys
	assert_failure 124
	KEXEC_EXT_LOCK_HELD=1 run -0 timeout 10 "$KEXEC" -p -s vmlinuz --sysroot=sys
	assert_equal "$(loaded)" 1
	grep -q "^syscall kexec_file_load" state/crash-load
	kill "$holder"
}

@test "the installed kexec has no fake: it reads no KEXEC_EXT_FAKE_* and logs nothing" {
	installed=${BUILD:-$SRCDIR/build}/kexec/kexec
	run -2 "$installed" -p -s vmlinuz --sysroot=sys
	assert_output --partial "kexec: --sysroot describes another machine: with -l, -p, -u and -e it needs --dry-run"
	[ ! -e syscalls ]
	assert_equal "$(loaded)" 0
	run -0 "$KEXEC" -p -s vmlinuz --sysroot=sys
	[ -s syscalls ]
}

@test "the test build's log is not written through a symbolic link" {
	echo keep >target
	ln -s target syscalls
	run -0 "$KEXEC" -p -s vmlinuz --sysroot=sys
	[ "$(cat target)" = keep ]
}

@test "a corrupt record is ignored with a warning, and replaced by the next load" {
	mkdir state
	printf 'version 1\nsyscall kexec_file_load\nkernel /x\\q\ncmdline c\n' >state/crash-load
	run -0 kx -p vmlinuz --sysroot=sys
	assert_output "kexec: warning: ignoring the saved load: $D/state/crash-load: line 3: malformed value"
	grep -qx "kernel $D/vmlinuz" state/crash-load
}

@test "-d shows the plan and the syscall on standard error" {
	run -0 --separate-stderr kx -p -d vmlinuz --sysroot=sys
	assert_output ""
	[[ $stderr == *"crash kernel load plan"* ]]
	[[ $stderr == *"kexec: kexec_file_load(kernel_fd="*", initrd_fd=-1, cmdline_len=1, flags=0xe) [fake]"* ]]
	[[ $stderr == *"kexec: recorded the load in $D/state/crash-load"* ]]
}

@test "-i is accepted as in kexec-tools and says it does nothing for kexec_file_load" {
	run -0 kx -p -i vmlinuz --sysroot=sys
	assert_output "kexec: warning: -i/--no-checks has no effect with kexec_file_load (the kernel's purgatory always checks)"
	assert_equal "$(loaded)" 1
}

@test "-d on a kernel that refuses KEXEC_FILE_DEBUG loads again without it" {
	KEXEC_EXT_FAKE_ERRNO=EINVAL,0 run -0 --separate-stderr kx -p -d vmlinuz --sysroot=sys
	run cat syscalls
	assert_line --index 0 --partial "flags=0xe cmdline= -> EINVAL"
	assert_line --index 1 --partial "flags=0x6 cmdline= -> 0"
	grep -qx "flags 0x6" state/crash-load
}
