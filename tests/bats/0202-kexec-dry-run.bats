#!/usr/bin/env bats
# kexec --dry-run: the load plan, checked before any syscall, as text and JSON, diffed against
# what it must be.  Fixtures: tests/fixtures/mk-kexec-sysroot.sh (the lab's 1 GiB guest with
# crashkernel=256M on 6.1 and 6.12, a machine with 8192 RAM ranges and low+high crash ranges, a
# machine without crashkernel=) and tests/fixtures/mk-bzimage.sh (Debian-like bzImage headers).
#
# The expected segment addresses follow the kernel's rules (arch/x86/kernel/kexec-bzimage64.c):
# in the guest's crash range 0x2b000000-0x3affffff the elfcorehdr goes bottom-up to 0x2b000000,
# then top-down purgatory (5 pages) at 0x3affb000, boot_params (2 pages) at 0x3aff9000, the kernel
# (init_size, 2 MiB aligned) at 0x37000000 (6.1 image) or 0x37800000 (6.12 image), the initrd
# right below the kernel, and the control page in the first hole from the bottom.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }
mksys() { bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" "$@"; }
mkbz() { bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" "$@"; }

CAPTURE_CMDLINE="console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug"

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	mkbz vmlinuz
	mkbz vmlinuz-6.12 --size=12085184 --init-size=0x37ee000 \
		--version="6.12.117+deb12-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1~deb12u1 (2026-11-14)"
	truncate -s 40M initrd.img
}

@test "6.1 guest: the JSON plan of -p -s is exactly as expected" {
	mksys qemu-1g-6.1 sys
	run -0 kx -p -s --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	cat >expected <<'EOF'
{
   "action": "load",
   "dry_run": true,
   "image": "crash",
   "arch": "x86_64",
   "kernel_release": "6.1.0-56-amd64",
   "syscall": "kexec_file_load",
   "flags": 2,
   "flag_names": "KEXEC_FILE_ON_CRASH",
   "hotplug": "none",
   "kernel": {
      "path": "vmlinuz",
      "size": 8247232,
      "type": "bzImage64",
      "protocol": "2.15",
      "version": "6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)",
      "load_memsz": 66682880,
      "alignment": 2097152,
      "cmdline_max": 2047
   },
   "initrd": {
      "path": "initrd.img",
      "size": 41943040
   },
   "command_line": "console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug",
   "command_line_bytes": 65,
   "crash_kernel": {
      "total": 268435456,
      "kexec_crash_size": 268435456,
      "ranges": [{"start": 721420288, "end": 989855743, "size": 268435456, "role": "main"}]
   },
   "layout": {
      "placed_by": "kernel",
      "fits": true,
      "used": 108662784,
      "region": 268435456
   },
   "segments": [
      {"name": "elfcorehdr", "start": 721420288, "end": 721424383, "memsz": 4096, "bufsz": 4096},
      {"name": "purgatory", "start": 989835264, "end": 989855743, "memsz": 20480, "bufsz": 20480},
      {"name": "boot_params", "start": 989827072, "end": 989835263, "memsz": 8192, "bufsz": 4376},
      {"name": "kernel", "start": 922746880, "end": 989429759, "memsz": 66682880, "bufsz": 8226752},
      {"name": "initrd", "start": 880803840, "end": 922746879, "memsz": 41943040, "bufsz": 41943040},
      {"name": "control_page", "start": 721424384, "end": 721428479, "memsz": 4096, "bufsz": 0}
   ],
   "elfcorehdr": {
      "built_by": "kernel",
      "machine": 62,
      "cpu_notes": 2,
      "vmcoreinfo": true,
      "kernel_text": true,
      "memory_ranges": 2,
      "phnum": 6,
      "size": 4096,
      "segment_memsz": 4096,
      "segment_memsz_from": "computed",
      "page_offset": "0xffff8a3d80000000",
      "page_offset_from": "/proc/kcore",
      "text_vaddr": "0xffffffff9a800000",
      "text_paddr": 207618048,
      "text_size": 39845888
   },
   "memory": {
      "system_ram": 1073212416,
      "dump_total": 804126720,
      "dump_ranges": 2
   },
   "excluded": [
      {"start": 0, "end": 1048575, "size": 1048576},
      {"start": 721420288, "end": 989855743, "size": 268435456}
   ],
   "dump": [
      {"start": 1048576, "end": 721420287, "size": 720371712},
      {"start": 989855744, "end": 1073610751, "size": 83755008}
   ],
   "warnings": [],
   "refused": null
}
EOF
	assert_output_file expected
	[ ! -e syscalls ]
}

@test "6.12 guest: the JSON plan reserves crash_elfcorehdr_size for the elfcorehdr" {
	mksys qemu-1g-6.12 sys
	run -0 kx -p -s --dry-run --json --sysroot=sys vmlinuz-6.12 --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	cat >expected <<'EOF'
{
   "action": "load",
   "dry_run": true,
   "image": "crash",
   "arch": "x86_64",
   "kernel_release": "6.12.117+deb12-amd64",
   "syscall": "kexec_file_load",
   "flags": 2,
   "flag_names": "KEXEC_FILE_ON_CRASH",
   "hotplug": "kernel",
   "kernel": {
      "path": "vmlinuz-6.12",
      "size": 12085184,
      "type": "bzImage64",
      "protocol": "2.15",
      "version": "6.12.117+deb12-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1~deb12u1 (2026-11-14)",
      "load_memsz": 58646528,
      "alignment": 2097152,
      "cmdline_max": 2047
   },
   "initrd": {
      "path": "initrd.img",
      "size": 41943040
   },
   "command_line": "console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug",
   "command_line_bytes": 65,
   "crash_kernel": {
      "total": 268435456,
      "kexec_crash_size": 268435456,
      "ranges": [{"start": 721420288, "end": 989855743, "size": 268435456, "role": "main"}]
   },
   "layout": {
      "placed_by": "kernel",
      "fits": true,
      "used": 101543936,
      "region": 268435456
   },
   "segments": [
      {"name": "elfcorehdr", "start": 721420288, "end": 722341887, "memsz": 921600, "bufsz": 917680},
      {"name": "purgatory", "start": 989835264, "end": 989855743, "memsz": 20480, "bufsz": 20480},
      {"name": "boot_params", "start": 989827072, "end": 989835263, "memsz": 8192, "bufsz": 4376},
      {"name": "kernel", "start": 931135488, "end": 989782015, "memsz": 58646528, "bufsz": 12064704},
      {"name": "initrd", "start": 889192448, "end": 931135487, "memsz": 41943040, "bufsz": 41943040},
      {"name": "control_page", "start": 722341888, "end": 722345983, "memsz": 4096, "bufsz": 0}
   ],
   "elfcorehdr": {
      "built_by": "kernel",
      "machine": 62,
      "cpu_notes": 2,
      "vmcoreinfo": true,
      "kernel_text": true,
      "memory_ranges": 2,
      "phnum": 6,
      "size": 4096,
      "segment_memsz": 917680,
      "segment_memsz_from": "crash_elfcorehdr_size",
      "page_offset": "0xffff9b2f40000000",
      "page_offset_from": "/proc/kcore",
      "text_vaddr": "0xffffffffa5000000",
      "text_paddr": 452984832,
      "text_size": 46137344
   },
   "memory": {
      "system_ram": 1073212416,
      "dump_total": 804126720,
      "dump_ranges": 2
   },
   "excluded": [
      {"start": 0, "end": 1048575, "size": 1048576},
      {"start": 721420288, "end": 989855743, "size": 268435456}
   ],
   "dump": [
      {"start": 1048576, "end": 721420287, "size": 720371712},
      {"start": 989855744, "end": 1073610751, "size": 83755008}
   ],
   "warnings": [],
   "refused": null
}
EOF
	assert_output_file expected
}

@test "6.12 guest: the text plan" {
	mksys qemu-1g-6.12 sys
	run -0 kx -p -s --dry-run --sysroot=sys vmlinuz-6.12 --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	cat >expected <<'EOF'
crash kernel load plan (dry run: nothing is loaded)
syscall       kexec_file_load, flags 0x2 (KEXEC_FILE_ON_CRASH)
hotplug       the kernel keeps the elfcorehdr updated on memory and CPU hotplug
kernel        vmlinuz-6.12: bzImage64, boot protocol 2.15, 11.5 MiB
              6.12.117+deb12-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1~deb12u1 (2026-11-14)
initrd        initrd.img: 40 MiB
command line  console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug
              65 of at most 2047 bytes (with the NUL; the kernel adds elfcorehdr=)
crash kernel  256 MiB at 0x2b000000-0x3affffff (main)
segments      placed by the kernel (kexec_file_load), as it will choose; all fit
  NAME          START               END                 MEMSZ       BUFSZ
  elfcorehdr    0x000000002b000000  0x000000002b0e0fff  900 KiB     896.1 KiB
  purgatory     0x000000003affb000  0x000000003affffff  20 KiB      20 KiB
  boot_params   0x000000003aff9000  0x000000003affafff  8 KiB       4.2 KiB
  kernel        0x0000000037800000  0x000000003afedfff  55.9 MiB    11.5 MiB
  initrd        0x0000000035000000  0x00000000377fffff  40 MiB      40 MiB
  control_page  0x000000002b0e1000  0x000000002b0e1fff  4 KiB       0 B
  96.8 MiB of 256 MiB used
elfcorehdr    built by the kernel: 6 program headers (2 CPU notes, VMCOREINFO, kernel text, 2 memory ranges), 4 KiB; 896.1 KiB reserved for crash hotplug updates
kernel text   0xffffffffa5000000 at physical 0x1b000000, 44 MiB
dump covers   2 ranges, 766.8 MiB of 1023.4 MiB System RAM (left out: the crash kernel ranges and what the architecture reserves)
  START               END                 SIZE
  0x0000000000100000  0x000000002affffff  687 MiB
  0x000000003b000000  0x000000003ffdffff  79.8 MiB
EOF
	assert_output_file expected
}

@test "no crashkernel=: the plan is shown, the load refused naming crashkernel= and a size" {
	mksys no-crashkernel sys
	run -1 kx -p --dry-run --sysroot=sys vmlinuz --initrd=initrd.img
	msg='kexec: no memory is reserved for a crash kernel: /proc/iomem has no "Crash kernel" range and kexec_crash_size is 0; add crashkernel=192M to the kernel command line and reboot (this load takes 104.5 MiB: elfcorehdr 900 KiB + purgatory 20 KiB + boot_params 8 KiB + kernel 63.5 MiB + initrd 40 MiB + control_page 4 KiB; plus 64 MiB for the capture kernel to run)'
	assert_line "$msg"
	assert_line "crash kernel  none reserved (no crashkernel= on the command line)"
	assert_line --partial "  kernel        -                   -                   63.5 MiB"
	run -1 --separate-stderr kx -p --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img
	jq -e '.refused.message | test("crashkernel=192M")' <<<"$output"
	assert_equal "$stderr" "$msg"
}

@test "an initrd that does not fit is refused with every term and a crashkernel= that fits" {
	mksys qemu-1g-6.12 sys
	truncate -s 300M big.img
	run -1 kx -p --dry-run --sysroot=sys vmlinuz-6.12 --initrd=big.img
	assert_line "kexec: the crash kernel region (256 MiB at 0x2b000000) is too small for this load: it takes 356.8 MiB (elfcorehdr 900 KiB + purgatory 20 KiB + boot_params 8 KiB + kernel 55.9 MiB + initrd 300 MiB + control_page 4 KiB) and initrd does not fit; boot with crashkernel=448M (356.8 MiB plus 64 MiB for the capture kernel to run) or use a smaller initrd"
	assert_line "  initrd        (does not fit)      -                   300 MiB     300 MiB"
	assert_line "segments      placed by the kernel (kexec_file_load), as it will choose; NOT ALL FIT"
}

@test "the command line limit is the image's cmdline_size less the 30 bytes of elfcorehdr=" {
	mksys qemu-1g-6.12 sys
	# 2047 - 30 = 2017 bytes with the NUL: 2016 characters fit a crash load, 2017 do not
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --append="$(printf '%2016s' | tr ' ' x)"
	assert_line "              2017 of at most 2047 bytes (with the NUL; the kernel adds elfcorehdr=)"
	run -1 kx -p --dry-run --sysroot=sys vmlinuz --append="$(printf '%2017s' | tr ' ' x)"
	assert_line "kexec: the command line is 2018 bytes (with its NUL) plus the 30 the kernel adds for elfcorehdr=, but vmlinuz takes at most 2047: shorten --append"
	# a normal load has no elfcorehdr=: 2046 characters fit
	run -0 kx -l --dry-run --sysroot=sys vmlinuz --append="$(printf '%2046s' | tr ' ' x)"
	run -1 kx -l --dry-run --sysroot=sys vmlinuz --append="$(printf '%2047s' | tr ' ' x)"
	assert_line --partial "kexec: the command line is 2048 bytes (with its NUL), but vmlinuz takes at most 2047"
}

@test "--reuse-cmdline drops BOOT_IMAGE= and, for a crash kernel, crashkernel=; --append follows" {
	mksys qemu-1g-6.12 sys
	echo 'BOOT_IMAGE=/vmlinuz-6.12 root=UUID=1234 ro crashkernel=1G-:256M quiet' >sys/proc/cmdline
	run -0 kx -p --dry-run --json --sysroot=sys vmlinuz --reuse-cmdline --append="irqpoll nr_cpus=1"
	run jq -r .command_line <<<"$output"
	assert_output "root=UUID=1234 ro quiet irqpoll nr_cpus=1"
	run -0 kx -l --dry-run --json --sysroot=sys vmlinuz --append=x --reuse-cmdline
	run jq -r .command_line <<<"$output"
	assert_output "root=UUID=1234 ro crashkernel=1G-:256M quiet x"
}

@test "a crashkernel= on the capture kernel's command line is a warning, not a refusal" {
	mksys qemu-1g-6.12 sys
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --append="irqpoll crashkernel=256M"
	assert_line "warning       the capture kernel's command line has crashkernel=: the capture kernel would try to reserve memory again; use --reuse-cmdline, which drops it"
}

@test "a normal load (-l) plans no crash memory and places nothing itself" {
	mksys qemu-1g-6.12 sys
	run -0 kx -l --dry-run --json --sysroot=sys vmlinuz-6.12 --initrd=initrd.img
	run jq -c '[.image, .flags, .flag_names, .crash_kernel, .elfcorehdr, .layout.fits, [.segments[].name], [.segments[].start]]' <<<"$output"
	assert_output '["normal",0,"none",null,null,null,["purgatory","boot_params","kernel","initrd"],[null,null,null,null]]'
}

@test "flags: NO_INITRAMFS without an initrd, DEBUG with -d only from Linux 6.8" {
	mksys qemu-1g-6.12 sys612
	mksys qemu-1g-6.1 sys61
	run -0 kx -p --dry-run --json --sysroot=sys612 vmlinuz
	assert_equal "$(jq -r '"\(.flags) \(.flag_names)"' <<<"$output")" "6 KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS"
	run -0 --separate-stderr kx -p -d --dry-run --json --sysroot=sys612 vmlinuz --initrd=initrd.img
	assert_equal "$(jq -r '"\(.flags) \(.flag_names)"' <<<"$output")" "10 KEXEC_FILE_ON_CRASH|KEXEC_FILE_DEBUG"
	run -0 --separate-stderr kx -p -d --dry-run --json --sysroot=sys61 vmlinuz --initrd=initrd.img
	assert_equal "$(jq -r .flags <<<"$output")" 2
}

@test "8192 RAM ranges with low and high crash ranges: one PT_LOAD per range, segments in the high range" {
	mksys ranges-8192 sys
	run -0 kx -p --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img
	jq -e '.memory.dump_ranges == 8192 and (.dump | length) == 8192' <<<"$output"
	jq -e '.elfcorehdr.phnum == 8202 and .elfcorehdr.cpu_notes == 8' <<<"$output"
	run jq -c '[.crash_kernel.total, [.crash_kernel.ranges[] | [.start, .role]]]' <<<"$output"
	assert_output '[536870912,[[805306368,"low"],[4563402752,"main"]]]'
	run -0 kx -p --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img
	# every segment inside 0x110000000-0x11fffffff
	jq -e '[.segments[] | .start >= 4563402752 and .end <= 4831838207] | all' <<<"$output"
	# the dump leaves out the first MiB and both crash ranges
	run jq -c '[.dump[0], .dump[1], .dump[8191]]' <<<"$output"
	assert_output '[{"start":1048576,"end":805306367,"size":804257792},{"start":4294967296,"end":4563402751,"size":268435456},{"start":847045984256,"end":847180201983,"size":134217728}]'
	# text: at most 32 ranges, then a count
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --initrd=initrd.img
	assert_line "  ... 8160 more (--json lists every range)"
}

@test "a dry run never touches the kernel, the state dir or the loaded crash kernel" {
	mksys qemu-1g-6.12 sys
	echo 1 >sys/sys/kernel/kexec_crash_loaded
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --initrd=initrd.img
	[ ! -e syscalls ]
	[ ! -e state ]
	assert_equal "$(cat sys/sys/kernel/kexec_crash_loaded)" 1
}

@test "a --sysroot tree without proc/sys/kernel/arch: the arch is the image's, or the missing file is named" {
	mksys qemu-1g-6.12 sys
	rm sys/proc/sys/kernel/arch
	run -0 --separate-stderr kx -p --dry-run --sysroot=sys vmlinuz
	assert_equal "$stderr" "kexec: warning: --sysroot=sys has no proc/sys/kernel/arch: x86_64, the architecture of vmlinuz"
	assert_line "crash kernel load plan (dry run: nothing is loaded)"
	head -c 8192 /dev/zero >not-a-kernel
	run -1 --separate-stderr kx -p --dry-run --sysroot=sys not-a-kernel
	assert_equal "$stderr" "kexec: --sysroot=sys has no proc/sys/kernel/arch, and not-a-kernel is not a kernel image that tells its architecture (this kexec loads x86_64, aarch64, s390x, ppc64le, ppc64; an s390x image tells none): write the machine's arch (uname -m) to sys/proc/sys/kernel/arch"
}
