#!/usr/bin/env bats
# kexec -c (kexec_load on x86_64): kexec lays out and fills every segment itself — the kernel's
# protected-mode part at the bottom of the crash range with its init_size kept free (not copied,
# not zeroed), the initrd, the elfcorehdr (room for the kernel's crash hotplug rewrites), our
# purgatory and boot_params (setup header, command line with elfcorehdr=, e820 of the capture
# memory) top down.  Plans are diffed against what they must be; the syscall is the test fake.
#
# Hand-checked expectations for the 6.12 guest (crash range 0x2b000000-0x3affffff): kernel at
# 0x2b000000 (2 MiB aligned, bottom up) with 0x2b000000-0x2ef97fff (init_size 0x3f98000) reserved;
# the 40 MiB initrd at the top, 0x38800000; the elfcorehdr below it, 900 KiB = 64 +
# crash_elfcorehdr_size 917616 rounded to pages; purgatory (3 pages) and boot_params (2 pages)
# below that; e820: the first MiB as the running kernel has it, the crash range as RAM minus the
# elfcorehdr, the Reserved ranges.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
PURGATORY_BIN=${BUILD:-$SRCDIR/build}/arch/x86_64/purgatory/purgatory.bin
kx() { "$KEXEC" "$@"; }
mksys() { bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" "$@"; }
mkbz() { bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" "$@"; }

CAPTURE_CMDLINE="console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug"

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	mkbz vmlinuz
	truncate -s 40M initrd.img
}

# The plan without the dump lists (0202 checks those) and with the purgatory's size as a name.
plan_json() {
	jq 'del(.dump, .excluded) | (.segments[] | select(.name == "purgatory") | .bufsz) |= "PURGATORY_BIN_SIZE"'
}

@test "6.12 guest: the JSON plan of -p -c is exactly as expected" {
	mksys qemu-1g-6.12 sys
	run -0 kx -p -c --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	plan_json <<<"$output" >got
	cat >expected <<'JSON'
{
  "action": "load",
  "dry_run": true,
  "image": "crash",
  "arch": "x86_64",
  "kernel_release": "6.12.117+deb12-amd64",
  "syscall": "kexec_load",
  "flags": 4063237,
  "flag_names": "KEXEC_ON_CRASH|KEXEC_UPDATE_ELFCOREHDR|KEXEC_ARCH 0x3e0000",
  "hotplug": "kernel",
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
  "command_line": "elfcorehdr=0x3871f000 console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug",
  "command_line_bytes": 65,
  "crash_kernel": {
    "total": 268435456,
    "kexec_crash_size": 268435456,
    "ranges": [
      {
        "start": 721420288,
        "end": 989855743,
        "size": 268435456,
        "role": "main"
      }
    ]
  },
  "layout": {
    "placed_by": "kexec",
    "entry": 946978848,
    "kernel_reserved_start": 721420288,
    "kernel_reserved_end": 788103167,
    "memmap_entries": 8,
    "acpi_rsdp": null,
    "digest_segments": 3,
    "purgatory_serial_port": 1016,
    "purgatory_serial_baud": 0,
    "fits": true,
    "used": 109568000,
    "region": 268435456
  },
  "segments": [
    {
      "name": "kernel",
      "start": 721420288,
      "end": 729649151,
      "memsz": 8228864,
      "bufsz": 8226752,
      "digest": true
    },
    {
      "name": "initrd",
      "start": 947912704,
      "end": 989855743,
      "memsz": 41943040,
      "bufsz": 41943040,
      "digest": true
    },
    {
      "name": "elfcorehdr",
      "start": 946991104,
      "end": 947912703,
      "memsz": 921600,
      "bufsz": 4096,
      "digest": false
    },
    {
      "name": "purgatory",
      "start": 946978816,
      "end": 946991103,
      "memsz": 12288,
      "bufsz": "PURGATORY_BIN_SIZE",
      "digest": false
    },
    {
      "name": "boot_params",
      "start": 946970624,
      "end": 946978815,
      "memsz": 8192,
      "bufsz": 4192,
      "digest": true
    }
  ],
  "elfcorehdr": {
    "built_by": "kexec",
    "machine": 62,
    "cpu_notes": 2,
    "vmcoreinfo": true,
    "kernel_text": true,
    "memory_ranges": 2,
    "phnum": 6,
    "size": 4096,
    "segment_memsz": 921600,
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
  "memory_map": [
    {
      "start": 0,
      "end": 4095,
      "size": 4096,
      "type": "Reserved"
    },
    {
      "start": 4096,
      "end": 654335,
      "size": 650240,
      "type": "System RAM"
    },
    {
      "start": 654336,
      "end": 655359,
      "size": 1024,
      "type": "Reserved"
    },
    {
      "start": 983040,
      "end": 1048575,
      "size": 65536,
      "type": "Reserved"
    },
    {
      "start": 721420288,
      "end": 946991103,
      "size": 225570816,
      "type": "System RAM"
    },
    {
      "start": 947912704,
      "end": 989855743,
      "size": 41943040,
      "type": "System RAM"
    },
    {
      "start": 1073610752,
      "end": 1073741823,
      "size": 131072,
      "type": "Reserved"
    },
    {
      "start": 4294705152,
      "end": 4294967295,
      "size": 262144,
      "type": "Reserved"
    }
  ],
  "warnings": [],
  "refused": null
}
JSON
	diff -u expected got
	# the purgatory segment carries the blob this build embeds
	assert_equal "$(jq '.segments[] | select(.name == "purgatory") | .bufsz' <<<"$output")" \
		"$(stat -c %s "$PURGATORY_BIN")"
}

@test "6.12 guest: the text plan shows the segments, the reserved decompression range and the e820" {
	mksys qemu-1g-6.12 sys
	run -0 kx -p -c --dry-run --sysroot=sys vmlinuz --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	sed -n '/^segments/,/^elfcorehdr/p' <<<"$output" | sed '$d' >got
	cat >expected <<'TXT'
segments      placed by kexec (kexec_load); all fit
  NAME          START               END                 MEMSZ       BUFSZ
  kernel        0x000000002b000000  0x000000002b7d8fff  7.8 MiB     7.8 MiB
  initrd        0x0000000038800000  0x000000003affffff  40 MiB      40 MiB
  elfcorehdr    0x000000003871f000  0x00000000387fffff  900 KiB     4 KiB
  purgatory     0x000000003871c000  0x000000003871efff  12 KiB      10.3 KiB
  boot_params   0x000000003871a000  0x000000003871bfff  8 KiB       4.0 KiB
  104.4 MiB of 256 MiB used
  kernel decompresses in 0x2b000000-0x2ef97fff (63.5 MiB, init_size): kept free, not copied
entry         0x3871c020 (purgatory)
purgatory     checks the SHA-256 of 3 segments (not the elfcorehdr: the kernel rewrites it)
              a mismatch is reported on the serial port 0x3f8
memory map    8 entries for the new kernel (the capture memory)
  0x0000000000000000  0x0000000000000fff  Reserved
  0x0000000000001000  0x000000000009fbff  System RAM
  0x000000000009fc00  0x000000000009ffff  Reserved
  0x00000000000f0000  0x00000000000fffff  Reserved
  0x000000002b000000  0x000000003871efff  System RAM
  0x0000000038800000  0x000000003affffff  System RAM
  0x000000003ffe0000  0x000000003fffffff  Reserved
  0x00000000fffc0000  0x00000000ffffffff  Reserved
TXT
	# the purgatory's size depends on the build: compare the rest of its line
	sed -i '/^  purgatory /s/[0-9.]* KiB$/BLOB/' got expected
	diff -u expected got
	assert_line "command line  elfcorehdr=0x3871f000 $CAPTURE_CMDLINE"
}

@test "the load goes through kexec_load with every segment, and is recorded for kexec-hotplug" {
	mksys qemu-1g-6.12 sys
	run -0 kx -p -c --sysroot=sys vmlinuz --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	run -0 sed 's/purgatory:0x3871c000+0x3000\/0x[0-9a-f]*/purgatory:0x3871c000+0x3000\/BLOB/' syscalls
	# boot_params: the zero page + "elfcorehdr=0x3871f000 " and the command line with its NUL, to 16
	assert_output "kexec_load entry=0x3871c020 nr_segments=5 flags=0x3e0005 kernel:0x2b000000+0x7d9000/0x7d87c0 initrd:0x38800000+0x2800000/0x2800000 elfcorehdr:0x3871f000+0xe1000/0x1000 purgatory:0x3871c000+0x3000/BLOB boot_params:0x3871a000+0x2000/0x1060 -> 0"
	assert_equal "$(cat sys/sys/kernel/kexec_crash_loaded)" 1
	run -0 grep -E '^(syscall|flags|cmdline) ' state/crash-load
	assert_output "syscall kexec_load
flags 0x3e0005
cmdline $CAPTURE_CMDLINE"
}

@test "a kernel that refuses the crash hotplug flag (EINVAL) gets the load without it, once" {
	mksys qemu-1g-6.12 sys
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -0 --separate-stderr kx -p -c --sysroot=sys vmlinuz
	run -0 grep -o 'flags=0x[0-9a-f]* .* -> [A-Z0-9]*$' syscalls
	run -0 awk '{ print $4, $NF }' syscalls
	assert_output "flags=0x3e0005 EINVAL
flags=0x3e0001 0"
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -0 --separate-stderr kx -p -c --sysroot=sys vmlinuz
	assert_equal "$stderr" "kexec: warning: the kernel refused the crash hotplug flag (EINVAL); loaded without it: kexec-hotplug reloads the crash kernel on hotplug events"
}

@test "--hotplug where the kernel cannot is an error; --no-hotplug puts the header in the digest" {
	mksys qemu-1g-6.1 sys61
	run -1 --separate-stderr kx -p -c --hotplug --dry-run --sysroot=sys61 vmlinuz
	assert_equal "$stderr" "kexec: --hotplug: this kernel cannot keep the elfcorehdr updated itself (no /sys/kernel/crash_elfcorehdr_size: it needs Linux 6.6 with CONFIG_CRASH_HOTPLUG); drop --hotplug: kexec-hotplug's udev rule reloads the crash kernel on hotplug events instead"
	run -0 kx -p -c --dry-run --json --sysroot=sys61 vmlinuz
	assert_equal "$(jq -c '[.flag_names, .hotplug]' <<<"$output")" '["KEXEC_ON_CRASH|KEXEC_ARCH 0x3e0000","none"]'
	mksys qemu-1g-6.12 sys
	run -0 kx -p -c --no-hotplug --dry-run --json --sysroot=sys vmlinuz
	run -0 jq -c '[.flags, .hotplug, .layout.digest_segments, (.segments[] | select(.name == "elfcorehdr") | [.memsz, .digest])]' <<<"$output"
	assert_output '[4063233,"none",3,[4096,true]]'
	run -2 --separate-stderr kx -l -c --no-hotplug --dry-run --sysroot=sys vmlinuz
	assert_equal "$stderr" "kexec: --no-hotplug applies to -p only: only a crash load has an elfcorehdr
Try 'kexec --help' for more information."
}

@test "-i leaves the digest out: purgatory checks nothing" {
	mksys qemu-1g-6.12 sys
	run -0 kx -p -c -i --dry-run --sysroot=sys vmlinuz
	assert_line "purgatory     checks nothing (-i)"
	run -0 kx -p -c -i --dry-run --json --sysroot=sys vmlinuz
	assert_equal "$(jq -c '[.layout.digest_segments, [.segments[].digest]]' <<<"$output")" '[0,[false,false,false,false]]'
}

@test "--elfcorehdr-out writes the header -c loads, the same as -s would show" {
	mksys qemu-1g-6.12 sys
	run -0 kx -p -c --dry-run --sysroot=sys vmlinuz --elfcorehdr-out=c.ehdr
	run -0 kx -p -s --dry-run --sysroot=sys vmlinuz --elfcorehdr-out=s.ehdr
	cmp c.ehdr s.ehdr
	run -0 readelf -lW c.ehdr
	assert_line --regexp '^  LOAD +0x100000 0xffff9b2f40100000 0x0000000000100000 0x2af00000 0x2af00000 RWE 0$'
	assert_line --regexp '^  LOAD +0x3b000000 0xffff9b2f7b000000 0x000000003b000000 0x4fe0000 0x4fe0000 RWE 0$'
}

@test "a segment that does not fit names every segment and the window it had to fit" {
	mksys qemu-1g-6.12 sys
	truncate -s 300M big.img
	run -1 --separate-stderr kx -p -c --sysroot=sys vmlinuz --initrd=big.img
	assert_equal "$stderr" "kexec: initrd does not fit in the crash kernel region 0x2b000000-0x3affffff (256 MiB): kernel 63.5 MiB at 0x2b000000; initrd 300 MiB (does not fit); elfcorehdr 900 KiB at 0x3af1f000; purgatory 12 KiB at 0x3af1c000; boot with a larger crashkernel= or use a smaller initrd"
	[ ! -e syscalls ]
}

@test "images kexec cannot boot are refused before any syscall" {
	mksys qemu-1g-6.12 sys
	mkbz nomagic --no-magic
	run -1 --separate-stderr kx -p -c --sysroot=sys nomagic
	assert_equal "$stderr" "kexec: nomagic: not a bzImage: no \"HdrS\" boot header at offset 0x202"
	mkbz old --protocol=0x020a
	run -1 --separate-stderr kx -p -c --sysroot=sys old
	assert_output ""
	[[ $stderr == "kexec: old: "*"2.10"* ]]
	run -1 --separate-stderr kx -p -c --sysroot=sys vmlinuz --append="$(printf 'x%.0s' $(seq 2100))"
	[[ $stderr == *"2047"* ]]
	[ ! -e syscalls ]
}

@test "-a falls back to kexec_load when kexec_file_load refuses the image" {
	mksys qemu-1g-6.12 sys
	KEXEC_EXT_FAKE_ERRNO=ENOEXEC run -0 --separate-stderr kx -p --sysroot=sys vmlinuz
	assert_equal "$stderr" "kexec: kexec_file_load refused the crash kernel (ENOEXEC); falling back to kexec_load"
	run -0 awk '{ print $1, $NF }' syscalls
	assert_output "kexec_file_load ENOEXEC
kexec_load 0"
	run -0 grep '^syscall ' state/crash-load
	assert_output "syscall kexec_load"
}

@test "-l -c: the kernel's own RAM map from the firmware, more than 128 entries in setup_data" {
	mksys ranges-8192 sys
	run -0 kx -l -c --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img
	run -0 jq -c '[.flag_names, .layout.memmap_entries, (.memory_map | length), .layout.digest_segments, [.segments[].name]]' <<<"$output"
	assert_output '["KEXEC_ARCH 0x3e0000",4098,4098,3,["kernel","initrd","purgatory","boot_params"]]'
	# boot_params: the zero page, the command line, 4098 - 128 entries of 20 bytes in setup_data
	run -0 kx -l -c --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img
	bufsz=$(jq '.segments[] | select(.name == "boot_params") | .bufsz' <<<"$output")
	[ "$bufsz" -ge $((4096 + 1 + 3970 * 20)) ]
	mksys ranges-8192 sys
	run -0 kx -p -c --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img
	# a crash load stays inside the high crash range
	jq -e '[.segments[] | .start >= 4563402752 and .end <= 4831838207] | all' <<<"$output"
	jq -e '.elfcorehdr.phnum == 8202 and .elfcorehdr.built_by == "kexec"' <<<"$output"
}

@test "8192 RAM ranges, low and high crash ranges: the JSON plan of -p -c is exactly as expected" {
	# segments in the main (high) range 0x110000000-0x11fffffff; the elfcorehdr carries 8202
	# program headers (452 KiB) in the 900 KiB the kernel asks for; the capture e820 gives the
	# capture kernel the low crash range and the high one minus the elfcorehdr
	mksys ranges-8192 sys
	run -0 kx -p -c --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	plan_json <<<"$output" >got
	cat >expected <<'JSON'
{
  "action": "load",
  "dry_run": true,
  "image": "crash",
  "arch": "x86_64",
  "kernel_release": "6.12.117+deb12-amd64",
  "syscall": "kexec_load",
  "flags": 4063237,
  "flag_names": "KEXEC_ON_CRASH|KEXEC_UPDATE_ELFCOREHDR|KEXEC_ARCH 0x3e0000",
  "hotplug": "kernel",
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
  "command_line": "elfcorehdr=0x11d71f000 console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug",
  "command_line_bytes": 65,
  "crash_kernel": {
    "total": 536870912,
    "kexec_crash_size": 268435456,
    "ranges": [
      {
        "start": 805306368,
        "end": 1073741823,
        "size": 268435456,
        "role": "low"
      },
      {
        "start": 4563402752,
        "end": 4831838207,
        "size": 268435456,
        "role": "main"
      }
    ]
  },
  "layout": {
    "placed_by": "kexec",
    "entry": 4788961312,
    "kernel_reserved_start": 4563402752,
    "kernel_reserved_end": 4630085631,
    "memmap_entries": 6,
    "acpi_rsdp": null,
    "digest_segments": 3,
    "purgatory_serial_port": 1016,
    "purgatory_serial_baud": 0,
    "fits": true,
    "used": 109568000,
    "region": 268435456
  },
  "segments": [
    {
      "name": "kernel",
      "start": 4563402752,
      "end": 4571631615,
      "memsz": 8228864,
      "bufsz": 8226752,
      "digest": true
    },
    {
      "name": "initrd",
      "start": 4789895168,
      "end": 4831838207,
      "memsz": 41943040,
      "bufsz": 41943040,
      "digest": true
    },
    {
      "name": "elfcorehdr",
      "start": 4788973568,
      "end": 4789895167,
      "memsz": 921600,
      "bufsz": 462848,
      "digest": false
    },
    {
      "name": "purgatory",
      "start": 4788961280,
      "end": 4788973567,
      "memsz": 12288,
      "bufsz": "PURGATORY_BIN_SIZE",
      "digest": false
    },
    {
      "name": "boot_params",
      "start": 4788953088,
      "end": 4788961279,
      "memsz": 8192,
      "bufsz": 4192,
      "digest": true
    }
  ],
  "elfcorehdr": {
    "built_by": "kexec",
    "machine": 62,
    "cpu_notes": 8,
    "vmcoreinfo": true,
    "kernel_text": true,
    "memory_ranges": 8192,
    "phnum": 8202,
    "size": 462848,
    "segment_memsz": 921600,
    "segment_memsz_from": "crash_elfcorehdr_size",
    "page_offset": "0xffff888000000000",
    "page_offset_from": "/proc/kcore",
    "text_vaddr": "0xffffffff81000000",
    "text_paddr": 16777216,
    "text_size": 46137344
  },
  "memory": {
    "system_ram": 826109718528,
    "dump_total": 825572196352,
    "dump_ranges": 8192
  },
  "memory_map": [
    {
      "start": 0,
      "end": 4095,
      "size": 4096,
      "type": "Reserved"
    },
    {
      "start": 4096,
      "end": 655359,
      "size": 651264,
      "type": "System RAM"
    },
    {
      "start": 655360,
      "end": 1048575,
      "size": 393216,
      "type": "Reserved"
    },
    {
      "start": 805306368,
      "end": 1073741823,
      "size": 268435456,
      "type": "System RAM"
    },
    {
      "start": 4563402752,
      "end": 4788973567,
      "size": 225570816,
      "type": "System RAM"
    },
    {
      "start": 4789895168,
      "end": 4831838207,
      "size": 41943040,
      "type": "System RAM"
    }
  ],
  "warnings": [],
  "refused": null
}
JSON
	diff -u expected got
	jq -e '(.dump | length) == 8192' <<<"$output"
}

# u32/u64 little endian at OFFSET of FILE, as hex
le32() { od -v -An -tx4 -j "$2" -N4 "$1" | tr -d ' '; }
le64() { printf '%08x%08x' 0x"$(le32 "$1" $(($2 + 4)))" 0x"$(le32 "$1" "$2")"; }

@test "boot_params as the kernel gets it: header, command line, initrd, e820, screen and EDID, RSDP, no EFI" {
	mksys qemu-1g-6.12 sys
	# an EFI machine: the running kernel's boot_params page and the EFI system table
	mkdir -p sys/sys/kernel/boot_params sys/sys/firmware/efi
	printf 'ACPI20=0x3fb7e014\nACPI=0x3fb7e000\nSMBIOS=0x3f9d8000\n' >sys/sys/firmware/efi/systab
	{ printf '\x11%.0s' $(seq 64); head -c $((0x140 - 64)) /dev/zero; printf '\xed%.0s' $(seq 128)
	  printf '\xef%.0s' $(seq 32); head -c $((4096 - 0x1e0)) /dev/zero; } >sys/sys/kernel/boot_params/data
	mkdir dump
	KEXEC_EXT_FAKE_DUMP=$PWD/dump run -0 kx -p -c --sysroot=sys vmlinuz --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	bp=dump/boot_params
	bp_addr=$(grep -o 'boot_params:0x[0-9a-f]*' syscalls | cut -d: -f2)
	initrd_addr=$(grep -o 'initrd:0x[0-9a-f]*' syscalls | cut -d: -f2)
	ehdr_addr=$(grep -o 'elfcorehdr:0x[0-9a-f]*' syscalls | cut -d: -f2)
	# the setup header is the image's: "HdrS", protocol 2.15, init_size
	assert_equal "$(dd if="$bp" bs=1 skip=$((0x202)) count=4 status=none)" HdrS
	assert_equal "$(le32 "$bp" $((0x260)))" 03f98000
	# type_of_loader 0xff (no assigned id), the command line right after the page
	assert_equal "$(od -An -tx1 -j $((0x210)) -N1 "$bp" | tr -d ' ')" ff
	assert_equal "$((0x$(le32 "$bp" $((0x228)))))" "$((bp_addr + 4096))"
	assert_equal "$(dd if="$bp" bs=1 skip=4096 count=200 status=none | tr -d '\0')" \
		"elfcorehdr=$ehdr_addr acpi_rsdp=0x3fb7e014 $CAPTURE_CMDLINE"
	# the initrd where it was placed, its size
	assert_equal "$((0x$(le32 "$bp" $((0x218)))))" "$((initrd_addr))"
	assert_equal "$((0x$(le32 "$bp" $((0x21c)))))" $((40 << 20))
	# the RSDP at acpi_rsdp_addr; efi_info stays empty: the capture kernel boots without EFI
	assert_equal "$(le64 "$bp" $((0x70)))" 000000003fb7e014
	assert_equal "$(od -v -An -tx1 -j $((0x1c0)) -N32 "$bp" | tr -d ' \n')" "$(printf '00%.0s' $(seq 32))"
	# screen_info and EDID come from the running kernel (but screen_info.ext_mem_k, at 0x02,
	# which describes the old kernel's memory)
	assert_equal "$(od -An -tx1 -j 0 -N8 "$bp" | tr -d ' ')" 1111000011111111
	assert_equal "$(od -An -tx1 -j $((0x140)) -N4 "$bp" | tr -d ' ')" edededed
	# the e820 table: 8 entries, the crash range as RAM minus the elfcorehdr
	assert_equal "$(od -An -tu1 -j $((0x1e8)) -N1 "$bp" | tr -d ' ')" 8
	for i in $(seq 0 7); do
		o=$((0x2d0 + 20 * i))
		printf '%s %s %d\n' "$(le64 "$bp" $o)" "$(le64 "$bp" $((o + 8)))" "0x$(le32 "$bp" $((o + 16)))"
	done >e820
	cat >expected <<'E820'
0000000000000000 0000000000001000 2
0000000000001000 000000000009ec00 1
000000000009fc00 0000000000000400 2
00000000000f0000 0000000000010000 2
000000002b000000 000000000d71f000 1
0000000038800000 0000000002800000 1
000000003ffe0000 0000000000020000 2
00000000fffc0000 0000000000040000 2
E820
	diff -u expected e820
	# purgatory: its parameter block names the kernel's 64-bit entry (load + 0x200) and
	# boot_params, little endian
	kernel_addr=$(grep -o 'kernel:0x[0-9a-f]*' syscalls | cut -d: -f2)
	hex=$(od -v -An -tx1 dump/purgatory | tr -d ' \n')
	want() { printf '%016x' "$1" | sed 's/../& /g' | awk '{ for (i = NF; i > 0; i--) printf "%s", $i }'; }
	[[ $hex == *"$(want $((kernel_addr + 0x200)))$(want $((bp_addr)))"* ]]
}

@test "with crash hotplug, a segment that starts like an ELF header is refused: the kernel would rewrite it" {
	mksys qemu-1g-6.12 sys
	{ printf '\177ELF'; head -c 4092 /dev/zero; } >elf-initrd.img
	run -1 --separate-stderr kx -p -c --sysroot=sys vmlinuz --initrd=elf-initrd.img
	assert_equal "$stderr" "kexec: the initrd segment starts with ELF magic, and a kernel updating the elfcorehdr on hotplug would take it for the header: load with --no-hotplug (kexec-hotplug then reloads)"
	[ ! -e syscalls ]
	run -0 kx -p -c --no-hotplug --sysroot=sys vmlinuz --initrd=elf-initrd.img
	assert_equal "$(awk '{ print $4, $NF }' syscalls)" "flags=0x3e0001 0"
}

@test "the load the hotplug flag's EINVAL leaves is recorded and reported as the fallback mode" {
	mksys qemu-1g-6.12 sys
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -0 --separate-stderr kx -p -c --json --sysroot=sys vmlinuz
	assert_equal "$(jq -c '[.hotplug, .result.hotplug, .result.loaded]' <<<"$output")" '["kernel","fallback",true]'
	run -0 grep -E '^(hotplug|flags) ' state/crash-load
	assert_output "flags 0x3e0001
hotplug fallback"
}

@test "no crashkernel=: -c refuses with the same sentence as -s, a size computed for this load" {
	mksys no-crashkernel sys
	run -1 --separate-stderr kx -p -c --sysroot=sys vmlinuz --initrd=initrd.img
	[[ $stderr == 'kexec: no memory is reserved for a crash kernel: /proc/iomem has no "Crash kernel" range and kexec_crash_size is 0; add crashkernel=192M to the kernel command line and reboot (this load takes 104.4 MiB: kernel 63.5 MiB + initrd 40 MiB + elfcorehdr '* ]]
	[[ $stderr != *256M* ]]
	run -1 --separate-stderr kx -p -s --sysroot=sys vmlinuz --initrd=initrd.img
	[[ $stderr == 'kexec: no memory is reserved for a crash kernel: /proc/iomem has no "Crash kernel" range and kexec_crash_size is 0; add crashkernel='* ]]
	[ ! -e syscalls ]
}

@test "-a plans its kexec_load before the first syscall: a file load refused shows the kexec_load already built" {
	mksys qemu-1g-6.12 sys
	KEXEC_EXT_FAKE_ERRNO=ENOEXEC run -0 --separate-stderr kx -p --json --sysroot=sys vmlinuz
	assert_equal "$(jq -c '[.syscall, .hotplug, .result.hotplug, (.segments | map(.name) | sort)]' <<<"$output")" '["kexec_load","kernel","kernel",["boot_params","elfcorehdr","kernel","purgatory"]]'
	# a kexec_load the plan refused: the file load is still made, the reason shown after it
	{ printf '\177ELF'; head -c 4092 /dev/zero; } >elf-initrd.img
	rm syscalls
	KEXEC_EXT_FAKE_ERRNO=ENOEXEC run -1 --separate-stderr kx -p --sysroot=sys vmlinuz --initrd=elf-initrd.img
	# the refused file load, then the restore of the crash kernel loaded above: no kexec_load
	assert_equal "$(awk '{ print $1 }' syscalls)" "kexec_file_load
kexec_file_load"
	assert_equal "${stderr_lines[0]}" "kexec: kexec_file_load refused the crash kernel (ENOEXEC); falling back to kexec_load"
	[[ ${stderr_lines[1]} == "kexec: kexec_load: the initrd segment starts with ELF magic"* ]]
	# the restore repeats the recorded command; its output is not mixed into this one's
	assert_output ""
}
