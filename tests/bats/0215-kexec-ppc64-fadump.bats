#!/usr/bin/env bats
# kexec -p --fadump: firmware-assisted dump on POWER is registered through /sys/kernel/fadump/
# (bootargs_append for the capture boot's extra parameters, then registered), unregistered with
# -u -p --fadump, and shown by -S --fadump; the registration is recorded in the state dir like a
# load so that kexec-hotplug can register again.  The fixture is a pseries LPAR booted with
# fadump=on (mk-kexec-sysroot.sh power-fadump); the sysfs writes go through kexec's fake seam,
# which plays the kernel's part in the sysroot, and KEXEC_EXT_FAKE_SYSFS_ERRNO makes the kernel
# reject a write.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }
mksys() { bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	unset KEXEC_EXT_FAKE_SYSFS_ERRNO
	mksys power-fadump sys
}

fa() { cat "sys/sys/kernel/fadump/$1"; }

# mkvmlinux FILE le|be: a ppc64 ELF vmlinux head (ET_DYN, EM_PPC64, one 24 MiB PT_LOAD at 0)
# padded to 64 KiB; only its headers matter to the loader
mkvmlinux() {
	local f=$1 order=$2
	n() { # n BYTES VALUE
		local i s=""
		for ((i = 0; i < $1; i++)); do
			if [ "$order" = be ]; then
				s+=$(printf '\\x%02x' $((($2 >> (8 * ($1 - 1 - i))) & 255)))
			else
				s+=$(printf '\\x%02x' $((($2 >> (8 * i)) & 255)))
			fi
		done
		printf '%s' "$s"
	}
	{
		printf '\x7fELF\x02'
		if [ "$order" = be ]; then printf '\x02'; else printf '\x01'; fi
		printf '\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00'
		printf "$(n 2 3)$(n 2 21)$(n 4 1)$(n 8 0xc000000000000000)$(n 8 64)$(n 8 0)"
		printf "$(n 4 0)$(n 2 64)$(n 2 56)$(n 2 1)$(n 2 64)$(n 2 0)$(n 2 0)"
		printf "$(n 4 1)$(n 4 7)$(n 8 65536)$(n 8 0xc000000000000000)$(n 8 0)$(n 8 0x1000000)$(n 8 0x1800000)$(n 8 65536)"
	} >"$f"
	truncate -s 65536 "$f"
}

# ppc64 kdump (no fadump): the LPAR of mk-kexec-sysroot.sh power-kdump, whose device tree has a
# DLPAR-added LMB at 4 GiB that /proc/iomem does not show
kdump_plan() {
	mksys power-kdump pk
	mkvmlinux vmlinux le
	kx -p -s --dry-run --json --sysroot=pk vmlinux --append="irqpoll nr_cpus=1" "$@"
}

@test "-p --fadump writes the capture parameters, then registers, and records the registration" {
	run -0 kx -p --fadump --append="nr_cpus=16 numa=off" --sysroot=sys
	assert_output ""
	cat >expected <<'EOF2'
write /sys/kernel/fadump/bootargs_append nr_cpus=16 numa=off
write /sys/kernel/fadump/registered 1
EOF2
	diff -u expected syscalls
	assert_equal "$(fa registered)" 1
	assert_equal "$(fa bootargs_append)" "nr_cpus=16 numa=off"
	run -0 grep -E '^(syscall|flags|kernel|cmdline|hotplug) ' state/crash-load
	cat >expected <<'EOF2'
syscall fadump
flags 0
kernel 
cmdline nr_cpus=16 numa=off
hotplug kernel
EOF2
	assert_output_file expected
}

@test "-S --fadump shows the state and exits 1 when registered, 0 when not" {
	run -0 kx -S --fadump --sysroot=sys
	cat >expected <<'EOF2'
enabled: 1
registered: 0
hotplug_ready: 1 (the capture kernel builds the elfcorehdr: memory hotplug needs no re-registration)
mem_reserved: 4294967296 (4 GiB)
bootargs_append: ""
dump held: no
hotplug: nothing loaded
EOF2
	assert_output_file expected
	kx -p --fadump --sysroot=sys
	run -1 kx -S --fadump --sysroot=sys
	assert_line "registered: 1"
	assert_line "hotplug: fadump (capture kernel builds the header)"
}

@test "a kernel without hotplug_ready needs re-registration on hotplug, and -S says so" {
	rm sys/sys/kernel/fadump/hotplug_ready
	kx -p --fadump --sysroot=sys
	run -0 grep '^hotplug ' state/crash-load
	assert_output "hotplug none"
	run -1 kx -S --fadump --sysroot=sys
	assert_line "hotplug_ready: absent (memory hotplug needs a re-registration: kexec-hotplug does it)"
	assert_line "hotplug: fadump (re-registered on hotplug)"
	run -1 kx -S --fadump --json --sysroot=sys
	run jq -c '[.registered, .fadump.hotplug_ready, .fadump.mem_reserved, .hotplug]' <<<"$output"
	assert_output '[true,null,4294967296,"fadump (re-registered on hotplug)"]'
}

@test "plain -S stays silent but its JSON carries the fadump state" {
	kx -p --fadump --append=nr_cpus=1 --sysroot=sys
	# kexec_crash_loaded stays 0: nothing is loaded with kexec
	run -0 kx -S --sysroot=sys
	assert_output ""
	run -0 kx -S --json --sysroot=sys
	run jq -c '[.loaded, .hotplug, .fadump, .recorded_load.syscall]' <<<"$output"
	assert_output '[false,"fadump (capture kernel builds the header)",{"enabled":1,"registered":1,"hotplug_ready":1,"mem_reserved":4294967296,"bootargs_append":"nr_cpus=1","dump_held":false},"fadump"]'
}

@test "fadump not enabled: refused before any write, naming fadump=on" {
	echo 0 >sys/sys/kernel/fadump/enabled
	run -1 kx -p --fadump --sysroot=sys
	assert_output "kexec: cannot register firmware-assisted dump: it is not enabled (/sys/kernel/fadump/enabled is 0): boot with fadump=on (the reservation sized by crashkernel= or fadump_reserve_mem=), then run kexec -p --fadump"
	[ ! -e syscalls ]
	[ ! -e state/crash-load ]
	run -1 kx -u -p --fadump --sysroot=sys
	assert_output --partial "cannot unregister firmware-assisted dump: it is not enabled"
}

@test "no /sys/kernel/fadump at all: the message says to use kdump" {
	rm -r sys/sys/kernel/fadump
	run -1 --separate-stderr kx -p --fadump --json --sysroot=sys
	assert_equal "$stderr" "kexec: firmware-assisted dump is not available: /sys/kernel/fadump/ is missing (it needs a POWER kernel built with CONFIG_FA_DUMP on firmware that supports fadump); use kdump instead: kexec -p KERNEL"
	run jq -c '[.action, .error.message != null]' <<<"$output"
	assert_output '["load",true]'
}

@test "a dump held from the last crash must be saved and released before registering" {
	: >sys/sys/kernel/fadump/release_mem
	run -1 kx -p --fadump --sysroot=sys
	assert_output "kexec: cannot register firmware-assisted dump: this kernel still holds the dump of the last crash (/sys/kernel/fadump/release_mem exists): save /proc/vmcore, write 1 to /sys/kernel/fadump/release_mem, then run kexec -p --fadump"
}

@test "without bootargs_append, --append is refused and a plain registration goes on" {
	rm sys/sys/kernel/fadump/bootargs_append
	run -1 kx -p --fadump --append=nr_cpus=1 --sysroot=sys
	assert_output "kexec: --append: this kernel has no /sys/kernel/fadump/bootargs_append (a kernel or platform without the fadump parameter area), so the capture boot cannot be given extra parameters: drop --append (the capture boot uses this kernel's command line)"
	[ ! -e syscalls ]
	run -0 kx -p --fadump --sysroot=sys
	assert_equal "$(cat syscalls)" "write /sys/kernel/fadump/registered 1"
}

@test "an --append too long for the capture boot's command line is refused before any write" {
	long=$(printf 'x%.0s' {1..2010})
	run -1 kx -p --fadump --append="$long" --sysroot=sys
	assert_output "kexec: --append is 2010 bytes and this kernel's command line 39: together they must stay below 2048 (COMMAND_LINE_SIZE), which the capture boot's command line cannot exceed: shorten --append"
	[ ! -e syscalls ]
}

@test "a kernel that rejects the registration: the error names the cause, nothing is recorded" {
	export KEXEC_EXT_FAKE_SYSFS_ERRNO=0,EIO
	run -1 --separate-stderr kx -p --fadump --append=nr_cpus=1 --json --sysroot=sys
	assert_equal "$stderr" "kexec: registering firmware-assisted dump failed: writing 1 to /sys/kernel/fadump/registered failed (EIO): the firmware rejected the registration (a hardware or firmware error): see the kernel log (dmesg) for the firmware's error"
	run jq -c '[.result.registered, .result.errno, .fadump.registered, [.writes[].file]]' <<<"$output"
	assert_output '[false,"EIO",0,["/sys/kernel/fadump/bootargs_append","/sys/kernel/fadump/registered"]]'
	[ ! -e state/crash-load ]
	export KEXEC_EXT_FAKE_SYSFS_ERRNO=ENODEV
	run -1 kx -p --fadump --sysroot=sys
	assert_output "kexec: registering firmware-assisted dump failed: writing 1 to /sys/kernel/fadump/registered failed (ENODEV): no memory is reserved for the dump (mem_reserved is 0): boot with fadump=on and a crashkernel= or fadump_reserve_mem= large enough"
}

@test "a registration the kernel drops while failing is reported as nothing registered" {
	kx -p --fadump --sysroot=sys
	# a current kernel unregisters the registered dump, then the firmware fails the new one
	export KEXEC_EXT_FAKE_SYSFS_ERRNO=EIO
	run -1 kx -p --fadump --sysroot=sys
	assert_line --partial "(EIO): the firmware rejected the registration"
	assert_line "kexec: NOTHING IS REGISTERED NOW: the kernel dropped the dump registered before; a crash now is not captured: fix the problem above and register again"
	assert_equal "$(fa registered)" 0
	# the record of the last good registration stays, for kexec-hotplug's repair
	run -0 grep -c '^syscall fadump' state/crash-load
}

@test "an old kernel that answers EEXIST for a registered dump is unregistered and registered again" {
	echo 1 >sys/sys/kernel/fadump/registered
	export KEXEC_EXT_FAKE_SYSFS_ERRNO=EEXIST
	run -0 kx -p --fadump --sysroot=sys
	cat >expected <<'EOF2'
write /sys/kernel/fadump/registered 1
write /sys/kernel/fadump/registered 0
write /sys/kernel/fadump/registered 1
EOF2
	diff -u expected syscalls
	assert_equal "$(fa registered)" 1
	# EEXIST while nothing was registered is the firmware's answer: no second try
	echo 0 >sys/sys/kernel/fadump/registered
	rm syscalls
	run -1 kx -p --fadump --sysroot=sys
	assert_output --partial "(EEXIST): the firmware already has a dump registered: unregister with kexec -u -p --fadump and register again"
	assert_equal "$(cat syscalls)" "write /sys/kernel/fadump/registered 1"
}

@test "-u -p --fadump writes 0 and removes the fadump record, never a kdump record" {
	kx -p --fadump --sysroot=sys
	run -0 kx -u -p --fadump --sysroot=sys
	assert_equal "$(fa registered)" 0
	[ ! -e state/crash-load ]
	assert_equal "$(tail -1 syscalls)" "write /sys/kernel/fadump/registered 0"
	# a kdump load's record stays
	mkdir -p state
	printf 'version 1\ntime 1\nsyscall kexec_file_load\nflags 0x2\nkernel /boot/vmlinux\ncmdline x\ncwd /\n' >state/crash-load
	run -0 kx -u -p --fadump --sysroot=sys
	run -0 grep -c kexec_file_load state/crash-load
}

@test "--dry-run shows the state and the writes, and writes nothing" {
	run -0 kx -p --fadump --append=nr_cpus=1 --dry-run --sysroot=sys
	assert_line 'would write "nr_cpus=1" to /sys/kernel/fadump/bootargs_append'
	assert_line 'would write "1" to /sys/kernel/fadump/registered'
	run -0 kx -p --fadump --dry-run --json --sysroot=sys
	run jq -c '[.action, .dry_run, .mechanism, .writes, .result]' <<<"$output"
	assert_output '["load",true,"fadump",[{"file":"/sys/kernel/fadump/registered","value":"1"}],null]'
	run -0 kx -u -p --fadump --dry-run --sysroot=sys
	assert_output 'would write "0" to /sys/kernel/fadump/registered'
	[ ! -e syscalls ]
	assert_equal "$(fa registered)" 0
}

@test "--fadump takes no KERNEL and none of the load options but --append" {
	run -2 kx -p --fadump vmlinux --sysroot=sys
	assert_line "kexec: --fadump loads no KERNEL ('vmlinux'): the firmware boots this kernel again to capture the dump"
	run -2 kx -p --fadump --initrd=x --sysroot=sys
	assert_line "kexec: --initrd does not apply to --fadump: the firmware boots this kernel again to capture, only --append adds to its command line"
	run -2 kx -p -s --fadump --sysroot=sys
	assert_line "kexec: -s does not apply to --fadump: nothing is loaded"
	run -2 kx -l --fadump --sysroot=sys
	assert_line "kexec: --fadump is a crash dump mechanism: -l does not apply"
	run -2 kx -e --fadump --sysroot=sys
	assert_line "kexec: --fadump applies to -p (register), -u -p (unregister) and -S"
}

@test "ppc64le kdump: the dump covers the RAM of the device tree, DLPAR memory included" {
	run -0 --separate-stderr kdump_plan
	run jq -c '[.arch, .syscall, .kernel.type, .kernel.load_memsz, [.dump[] | [.start, .end]]]' <<<"$output"
	# 0-0x1fffffff and 0x40000000-0x10fffffff: RAM minus the crash range, with the assigned
	# LMB at 4 GiB (its reserved neighbour at 0x110000000 left out)
	assert_output '["ppc64le","kexec_file_load","elf-ppc64",25165824,[[0,536870911],[1073741824,4563402751]]]'
}

@test "ppc64le kdump: the plan lists the kernel's segments unplaced and says why" {
	mksys power-kdump pk
	mkvmlinux vmlinux le
	run -0 kx -p -s --dry-run --sysroot=pk vmlinux --append="irqpoll nr_cpus=1"
	cat >expected <<'EOF2'
segments      placed by the kernel (kexec_file_load) in free memory
  NAME          START               END                 MEMSZ       BUFSZ
  kernel        -                   -                   24 MiB      24 MiB
  elfcorehdr    -                   -                   64 KiB      4 KiB
  dtb           -                   -                   192 KiB     128.0 KiB
  purgatory     -                   -                   64 KiB      64 KiB
EOF2
	diff -u expected <(sed -n '/^segments/,/^  purgatory/p' <<<"$output")
	assert_line "warning       RAM read from /proc/device-tree (the ppc64le device tree), not from /proc/iomem"
	assert_line "warning       where the kernel puts the segments on ppc64le is not predicted by this version: the plan lists their sizes; the kernel places them itself"
}

@test "ppc64le kdump: /sys/firmware/fdt is read first, a malformed one is an error naming it" {
	mksys power-kdump pk
	mkvmlinux vmlinux le
	mkdir -p pk/sys/firmware
	printf 'not a device tree, just bytes long enough to be looked at' >pk/sys/firmware/fdt
	run -1 kx -p -s --dry-run --sysroot=pk vmlinux
	assert_output --regexp '^kexec: /sys/firmware/fdt: .*'
}

@test "ppc64le kdump: a big-endian vmlinux is refused, naming the byte order" {
	mksys power-kdump pk
	mkvmlinux vmlinux.be be
	run -1 kx -p -s --dry-run --sysroot=pk vmlinux.be
	assert_output "kexec: vmlinux.be: a big-endian vmlinux, but the running kernel is little endian: kexec_file_load takes a kernel of its own byte order"
	echo ppc64 >pk/proc/sys/kernel/arch
	run -0 --separate-stderr kx -p -s --dry-run --json --sysroot=pk vmlinux.be
	run jq -c '[.arch, .kernel.type]' <<<"$output"
	assert_output '["ppc64","elf-ppc64"]'
}

@test "ppc64le kdump: -p -s goes through kexec_file_load" {
	mksys power-kdump pk
	mkvmlinux vmlinux le
	run -0 kx -p -s --sysroot=pk vmlinux --append=irqpoll
	run -0 cat syscalls
	assert_output "kexec_file_load kernel=$BATS_TEST_TMPDIR/vmlinux initrd=- cmdline_len=8 flags=0x6 cmdline=irqpoll -> 0"
	assert_equal "$(cat pk/sys/kernel/kexec_crash_loaded)" 1
}
