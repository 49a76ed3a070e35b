#!/usr/bin/env bats
# Every option of kexec-tools 2.0.32 (and the two of its development branch) through this kexec:
# kexec(8)'s KEXEC-TOOLS OPTIONS table gives each one a verdict (same / extended / refused), and
# every row's promise is checked here, with the syscall fake and the lab guest's sysroot.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }

# The options kexec-tools 2.0.32 accepts (facts from its sources): kexec/kexec.h KEXEC_OPTIONS
# plus --no-cma and --force-dtb from its development branch; kexec/arch/i386/include/arch/
# options.h (x86_64 shares it: arch options and KEXEC_ALL_OPTIONS of its loaders), arm64's,
# ppc64's and s390's options.h.  Short options: the string "h?vdfixyluet:pscaS".
KT_OPTIONS="
-h --help -v --version -f --force -i --no-checks -x --no-ifdown -y --no-sync -l --load
-u --unload -e --exec --exec-live-update --load-preserve-context --load-jump-back-helper
--load-live-update --entry -t --type -p --load-panic --mem-min --mem-max --reuseinitrd
-s --kexec-file-syscall -c --kexec-syscall -a --kexec-syscall-auto -d --debug -S --status
--print-ckr-size --hotplug --no-cma --force-dtb
--reset-vga --serial --serial-baud --console-vga --console-serial --elf32-core-headers
--elf64-core-headers --pass-memmap-cmdline --noefi --reuse-video-type
--command-line --append --reuse-cmdline --initrd --ramdisk --args-elf --args-linux --args-none
--module --real-mode --entry-32bit --dtb
--dt-no-old-root --devicetreeblob
"
# the options that take an argument in kexec-tools
KT_WITH_ARG=" --entry --type --mem-min --mem-max --serial --serial-baud --command-line --append
--initrd --ramdisk --module --dtb --devicetreeblob "

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.12 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
	truncate -s 4M initrd.img
}

# "OPTION<TAB>VERDICT" for each option of each row of kexec(8)'s table
man_rows() {
	sed -n '/^\.TS/,/^\.TE/p' "$SRCDIR/man/kexec.8" | sed 's/\\-/-/g' |
		awk -F '\t' '$2 ~ /^(same|extended|refused)$/ {
			n = split($1, o, ", "); for (i = 1; i <= n; i++) print o[i] "\t" $2 }'
}

verdict() { man_rows | awk -F '\t' -v o="$1" '$1 == o { print $2 }'; }

# --OPT as given on a command line: with a placeholder argument where it takes one
with_arg() {
	case " $KT_WITH_ARG " in
	*" $1 "*) echo "$1=1" ;;
	*) echo "$1" ;;
	esac
}

@test "kexec(8)'s table has a row for every kexec-tools option, and for nothing else" {
	diff -u <(echo $KT_OPTIONS | tr ' ' '\n' | sort -u) <(man_rows | cut -f1 | sort -u)
}

@test "every long option kexec-tools has is known to this kexec: never 'unrecognized option'" {
	for opt in $KT_OPTIONS; do
		[[ $opt == --* ]] || continue
		run kx -p --dry-run --sysroot=sys vmlinuz "$(with_arg "$opt")"
		refute_output --partial "unrecognized option"
	done
	# and every short one (-t takes its argument)
	for opt in -h -v -f -i -x -y -l -u -e -p -s -c -a -d -S "-t bzImage64"; do
		run kx $opt --dry-run --sysroot=sys
		refute_output --partial "unrecognized option"
	done
}

@test "refused rows: exit 2, one line naming the option, why and what to use, then the hint" {
	local n=0
	for opt in $(man_rows | awk -F '\t' '$2 == "refused" { print $1 }'); do
		run -2 kx -p --dry-run --sysroot=sys vmlinuz "$(with_arg "$opt")"
		assert_equal "${#lines[@]}" 2
		assert_line --index 0 --regexp "^kexec: $opt is not supported: .{30,}(use|pass|drop) "
		assert_line --index 1 "Try 'kexec --help' for more information."
		n=$((n + 1))
	done
	# Xen, kexec jump, multiboot, the 16/32-bit entries, ELF32, VGA, --reuseinitrd
	assert_equal "$n" 12
	[ ! -e syscalls ]
}

@test "rows that change nothing here leave the plan as it was, byte for byte" {
	for mode in -s -c; do
		kx -p $mode --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img --append=x >plain.json
		for opt in --args-linux --args-elf --args-none --elf64-core-headers --noefi \
			--reuse-video-type --console-serial --dt-no-old-root; do
			[ "$(verdict "$opt")" = same ]
			run -0 --separate-stderr kx -p $mode --dry-run --json --sysroot=sys vmlinuz \
				--initrd=initrd.img --append=x "$opt"
			[ -z "$stderr" ]
			assert_equal "$output" "$(cat plain.json)"
		done
	done
	# kdump-tools adds --args-linux for an ELF kernel, kdumpctl --dt-no-old-root on ppc64
	run -0 kx -p -s --args-linux --dt-no-old-root --sysroot=sys vmlinuz --initrd=initrd.img
	assert_equal "$(cut -d' ' -f1 syscalls)" kexec_file_load
}

@test "-h, --help and -? print the help and exit 0; -v, --version and -V the version" {
	for opt in -h --help -?; do
		run -0 kx "$opt"
		assert_line --index 0 "Usage:"
	done
	for opt in -v --version -V; do
		run -0 kx "$opt"
		assert_output --regexp '^kexec from kexec-ext '
	done
}

@test "-f loads as -l does, then syncs, takes the interfaces down and reboots into it" {
	[ "$(verdict -f)" = same ]
	run -0 kx -f --sysroot=sys vmlinuz --initrd=initrd.img --append=root=/dev/vda
	assert_equal "$(cut -d' ' -f1 syscalls)" "$(printf '%s\n' kexec_file_load sync ifdown reboot)"
	# a normal load: no KEXEC_FILE_ON_CRASH (0x2)
	run -0 grep -c '^kexec_file_load .* flags=0 ' syscalls
	assert_equal "$(cat sys/sys/kernel/kexec_loaded)" 1
	rm syscalls
	run -0 kx --force -x --sysroot=sys vmlinuz
	assert_equal "$(cut -d' ' -f1 syscalls)" "$(printf '%s\n' kexec_file_load sync reboot)"
	rm syscalls
	run -0 kx -f -y -c --sysroot=sys vmlinuz
	assert_equal "$(cut -d' ' -f1 syscalls)" "$(printf '%s\n' kexec_load ifdown reboot)"
	rm syscalls
	# a load the kernel rejects starts nothing
	KEXEC_EXT_FAKE_ERRNO=ENOEXEC run -1 kx -f -s --sysroot=sys vmlinuz
	assert_equal "$(cut -d' ' -f1 syscalls)" kexec_file_load
	# --dry-run says what it would do, and does nothing
	rm syscalls
	run -0 kx -f -x --dry-run --sysroot=sys vmlinuz
	assert_line "would sync, reboot into the loaded kernel: reboot(LINUX_REBOOT_CMD_KEXEC), without shutting down services"
	[ ! -e syscalls ]
	# a crash kernel only runs on a panic
	run -2 kx -f -p --sysroot=sys vmlinuz
	assert_line --index 0 "kexec: -f boots into the kernel it loads, at once; a crash kernel (-p) runs only on a panic: load with -p, or boot with -f"
}

@test "-e syncs and takes the interfaces down unless -y / -x; -x and -y need -e or -f" {
	echo 1 >sys/sys/kernel/kexec_loaded
	run -0 kx -e -x -y --sysroot=sys
	assert_equal "$(cat syscalls)" "reboot LINUX_REBOOT_CMD_KEXEC -> 0"
	rm syscalls
	run -0 kx --exec --no-sync --sysroot=sys
	assert_equal "$(cut -d' ' -f1 syscalls)" "$(printf '%s\n' ifdown reboot)"
	for opt in -x -y --no-ifdown --no-sync; do
		run -2 kx -p "$opt" --sysroot=sys vmlinuz
		assert_line --index 0 --regexp "^kexec: -[xy] only applies to -e and -f"
	done
}

@test "-i: purgatory checks nothing (kexec_load); with -s a warning says the kernel's always checks" {
	run -0 kx -p -c -i --dry-run --sysroot=sys vmlinuz
	assert_line "purgatory     checks nothing (-i)"
	run -0 kx -p -s -i --dry-run --sysroot=sys vmlinuz
	assert_output --partial "-i/--no-checks has no effect with kexec_file_load"
}

@test "-S, -u, -p -u, -s -p -u and a crash load without crashkernel= exit as kexec-tools does" {
	run -0 kx -S --sysroot=sys
	run -0 kx -p -s --sysroot=sys vmlinuz
	run -1 kx -S --sysroot=sys
	run -1 kx --status -p --sysroot=sys
	run -0 kx -l -S --sysroot=sys
	rm syscalls
	run -0 kx -s -p -u --sysroot=sys
	# KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH, no fds
	assert_equal "$(cut -d' ' -f1-5 syscalls)" "kexec_file_load kernel=- initrd=- cmdline_len=0 flags=0x3"
	run -0 kx -S --sysroot=sys
	run -0 kx -p -u --sysroot=sys
	run -0 kx -u --sysroot=sys
	KEXEC_EXT_FAKE_ERRNO=EPERM run -1 kx -s -p -u --sysroot=sys
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" no-crashkernel nock
	run -1 kx -p --sysroot=nock vmlinuz
	assert_output --partial "no memory is reserved for a crash kernel"
}

@test "-t takes the arch's type name (bzImage64 on x86_64), anything else is a usage error" {
	run -0 kx -p -t bzImage64 --dry-run --sysroot=sys vmlinuz
	run -0 kx -p --type=bzImage64 --dry-run --sysroot=sys vmlinuz
	run -2 kx -p -t multiboot-x86 --dry-run --sysroot=sys vmlinuz
	assert_line --index 0 "kexec: -t multiboot-x86 is not a loader of Linux kernel images in this kexec; use kexec-tools' kexec for that"
}

@test "--mem-min / --mem-max: kexec_load places every segment within them; nothing left is an error; -s warns" {
	run -0 kx -p -c --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img --mem-min=0x30000000 --mem-max=0x37ffffff
	run -0 jq -e '[.segments[] | select(.start < 805306368 or .end > 939524095)] | length == 0' <<<"$output"
	run -0 kx -p -c --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img
	run -0 jq -e '[.segments[] | select(.start < 805306368)] | length > 0' <<<"$output"
	run -1 kx -p -c --dry-run --sysroot=sys vmlinuz --mem-min=0x50000000
	assert_line --index 0 "kexec: --mem-min=0x50000000 --mem-max=0xffffffffffffffff leave nothing of the crash kernel region 0x2b000000-0x3affffff"
	run -1 kx -p -c --dry-run --sysroot=sys vmlinuz --mem-max=0x2b100000
	assert_output --partial "does not fit"
	run -2 kx -p -c --dry-run --sysroot=sys vmlinuz --mem-min=0x2 --mem-max=0x1
	assert_line --index 0 "kexec: --mem-min=0x2 is above --mem-max=0x1"
	run -2 kx -p -c --dry-run --sysroot=sys vmlinuz --mem-min=16M
	assert_line --index 0 "kexec: --mem-min=16M is not an address (0x-hex or decimal)"
	run -0 --separate-stderr kx -p -s --dry-run --sysroot=sys vmlinuz --mem-max=0x40000000
	[ "$stderr" = "kexec: warning: --mem-max has no effect with -s: kexec_file_load places the segments itself" ]
}

@test "-s, -c and -a: which syscall each makes" {
	run -0 kx -p -s --sysroot=sys vmlinuz
	run -0 kx -p -c --sysroot=sys vmlinuz
	KEXEC_EXT_FAKE_ERRNO=ENOEXEC,0 run -0 kx -p -a --sysroot=sys vmlinuz
	assert_equal "$(cut -d' ' -f1 syscalls)" "$(printf '%s\n' kexec_file_load kexec_load kexec_file_load kexec_load)"
}

@test "-d: KEXEC_DEBUG (0x10) with kexec_load and KEXEC_FILE_DEBUG (0x8) with kexec_file_load, each dropped when the kernel says EINVAL" {
	run -0 kx -p -c -d --sysroot=sys vmlinuz
	run -0 grep -c '^kexec_load .* flags=0x3e0015 ' syscalls
	rm syscalls
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -0 kx -p -c -d --sysroot=sys vmlinuz
	assert_equal "$(grep -o 'flags=0x[0-9a-f]*' syscalls)" "$(printf 'flags=0x3e0015\nflags=0x3e0005')"
	assert_output --partial "kexec: EINVAL: retrying with flags 0x3e0005"
	rm syscalls
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -0 kx -p -s -d --sysroot=sys vmlinuz
	assert_equal "$(grep -o 'flags=0x[0-9a-f]*' syscalls)" "$(printf 'flags=0xe\nflags=0x6')"
	# what was loaded is recorded without the debug flag
	run -0 grep -x 'flags 0x6' state/crash-load
}

@test "--print-ckr-size prints the reservation in bytes" {
	run -0 kx --print-ckr-size --sysroot=sys
	assert_output 268435456
}

@test "--hotplug: the kernel keeps the header (6.12 with kexec_file_load); where it cannot, an error" {
	run -0 kx -p -s --hotplug --dry-run --sysroot=sys vmlinuz
	assert_line "hotplug       the kernel keeps the elfcorehdr updated on memory and CPU hotplug"
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.1 old
	run -1 kx -p -s --hotplug --dry-run --sysroot=old vmlinuz
}

@test "--no-cma passes KEXEC_FILE_NO_CMA, dropped when the kernel refuses it; with -c a warning" {
	[ "$(verdict --no-cma)" = same ]
	run -0 kx -p -s --no-cma --sysroot=sys vmlinuz
	assert_equal "$(grep -o 'flags=0x[0-9a-f]*' syscalls)" "flags=0x16"
	rm syscalls
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -0 kx -p -s --no-cma --sysroot=sys vmlinuz
	assert_equal "$(grep -o 'flags=0x[0-9a-f]*' syscalls)" "$(printf 'flags=0x16\nflags=0x6')"
	run -0 --separate-stderr kx -p -c --no-cma --dry-run --sysroot=sys vmlinuz
	[ "$stderr" = "kexec: warning: --no-cma has no effect with -c: it is a kexec_file_load flag" ]
}

@test "--force-dtb passes KEXEC_FILE_FORCE_DTB; a kernel without it fails, naming the flag" {
	run -0 kx -p -s --force-dtb --sysroot=sys vmlinuz
	assert_equal "$(grep -o 'flags=0x[0-9a-f]*' syscalls)" "flags=0x26"
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -1 kx -p -s --force-dtb --sysroot=sys vmlinuz
	assert_output --partial "KEXEC_FILE_FORCE_DTB is newer than many kernels"
}

@test "--command-line / --append are joined, --reuse-cmdline starts from /proc/cmdline, --ramdisk is --initrd" {
	run -0 kx -p -s --dry-run --json --sysroot=sys vmlinuz --command-line=a --append=b
	assert_equal "$(jq -r .command_line <<<"$output")" "a b"
	echo "BOOT_IMAGE=/vmlinuz root=/dev/vda crashkernel=256M quiet" >sys/proc/cmdline
	run -0 kx -p -s --dry-run --json --sysroot=sys vmlinuz --reuse-cmdline --append=irqpoll
	assert_equal "$(jq -r .command_line <<<"$output")" "root=/dev/vda quiet irqpoll"
	run -0 kx -p -s --dry-run --json --sysroot=sys vmlinuz --ramdisk=initrd.img
	assert_equal "$(jq -r .initrd.path <<<"$output")" initrd.img
}

@test "--dtb and --devicetreeblob: no effect with -s (a warning); refused with -c on x86_64" {
	printf 'x' >x.dtb
	for opt in --dtb --devicetreeblob; do
		run -0 --separate-stderr kx -p -s --dry-run --sysroot=sys vmlinuz "$opt=x.dtb"
		[ "$stderr" = "kexec: warning: --dtb has no effect with -s: kexec_file_load's kernel edits its own device tree" ]
		run -2 kx -p -c --dry-run --sysroot=sys vmlinuz "$opt=x.dtb"
		assert_line --index 0 "kexec: --dtb with -c is not supported on x86_64: this kexec adds no device tree to the boot parameters; use -s --force-dtb to hand the running kernel's over"
	done
}

@test "--serial and --serial-baud: purgatory's port and rate, in the plan and in its parameter block" {
	run -0 kx -p -c --dry-run --sysroot=sys vmlinuz --serial=ttyS1 --serial-baud=9600
	assert_line "              a mismatch is reported on the serial port 0x2f8, set to 9600 baud first"
	run -0 kx -p -c --dry-run --json --sysroot=sys vmlinuz --serial=0x3e8
	assert_equal "$(jq -c '[.layout.purgatory_serial_port, .layout.purgatory_serial_baud]' <<<"$output")" "[1000,0]"
	# without --serial: the console= port
	run -0 kx -p -c --dry-run --sysroot=sys vmlinuz --append=console=ttyS3,115200
	assert_line "              a mismatch is reported on the serial port 0x2e8"
	# the bytes purgatory reads: serial_port (u16 at 24) and the divisor (u32 at 28) after its
	# parameter block's magic
	mkdir dump
	KEXEC_EXT_FAKE_DUMP=$PWD/dump run -0 kx -p -c --sysroot=sys vmlinuz --serial=ttyS1 --serial-baud=38400
	run -0 python3 - dump/purgatory <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read()
for off in range(0, len(b) - 32, 4):
    magic, verify, entry, bp, port, nr, div = struct.unpack_from('<IIQQHHI', b, off)
    if port == 0x2f8 and div == 3 and verify == 1 and nr > 0:
        print('ok'); break
else:
    sys.exit('no parameter block with port 0x2f8 and divisor 3')
EOF
	assert_output ok
	run -2 kx -p -c --dry-run --sysroot=sys vmlinuz --serial-baud=1200
	assert_line --index 0 "kexec: --serial-baud=1200 is not a rate a 16550 can run at (9600, 19200, 38400, 57600 or 115200)"
	run -1 kx -p -c --dry-run --sysroot=sys vmlinuz --serial=ttyS4
	assert_output "kexec: --serial=ttyS4 is not a serial port: give ttyS0 to ttyS3 or an I/O port such as 0x3f8"
	run -0 --separate-stderr kx -p -s --dry-run --sysroot=sys vmlinuz --serial=ttyS0
	[ "$stderr" = "kexec: warning: --serial has no effect with -s: the kernel's own purgatory prints nothing" ]
}

@test "--pass-memmap-cmdline: memmap=exactmap and one memmap= word per entry of the capture map" {
	run -0 kx -p -c --dry-run --json --sysroot=sys vmlinuz --pass-memmap-cmdline
	cmdline=$(jq -r .command_line <<<"$output")
	[[ $cmdline == *" memmap=exactmap memmap="* ]]
	assert_equal "$(grep -o 'memmap=[^ ]*[@#$][^ ]*' <<<"$cmdline" | wc -l)" "$(jq '.memory_map | length' <<<"$output")"
	# every System RAM entry as SIZE@START
	assert_equal "$(grep -o 'memmap=[^ ]*@[^ ]*' <<<"$cmdline" | wc -l)" "$(jq '[.memory_map[] | select(.type == "System RAM")] | length' <<<"$output")"
	[[ $cmdline == *" memmap=635K@4K "* ]]
	run -0 --separate-stderr kx -p -s --dry-run --sysroot=sys vmlinuz --pass-memmap-cmdline
	[ "$stderr" = "kexec: warning: --pass-memmap-cmdline has no effect with -s: kexec_file_load hands the memory map over itself" ]
	run -0 --separate-stderr kx -l -c --dry-run --sysroot=sys vmlinuz --pass-memmap-cmdline
	[ "$stderr" = "kexec: warning: --pass-memmap-cmdline applies to -p: only a capture kernel is given the memory it may use" ]
}
