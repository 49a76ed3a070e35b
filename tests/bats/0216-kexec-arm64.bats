#!/usr/bin/env bats
# kexec -p -c on arm64: a kexec_load crash load with the device tree edited for the capture
# kernel (arch/arm64/kload.c), entered through a purgatory page that sets x0 to the device tree.
#
# The machine (mk-kexec-sysroot.sh arm64-kdump): 4 GiB of RAM at 0x40000000, crashkernel=512M,high
# at 0x120000000-0x13fffffff (main) and crashkernel=128M,low at 0x78000000-0x7fffffff.  The Image
# below is 36 MiB with image_size 39 MiB and text_offset 0.  Hand-checked expectations:
#  - kernel: bottom up at the first 2 MiB boundary of the main range, 0x120000000 (4831838208);
#    its 36 MiB are copied, image_size keeps 0x120000000-0x1226fffff free (end 4872732671);
#  - elfcorehdr: top down at 64 KiB alignment: 0x13fff0000 (5368643584), one page (2 CPU notes,
#    VMCOREINFO, kernel text, 2 dump ranges: 6 program headers);
#  - initrd: bottom up from the end of image_size: 0x122700000 (4872732672), 40 MiB;
#  - dtb: top down at 2 MiB alignment below the elfcorehdr: 0x13fe00000 (5366611968);
#  - purgatory: one page top down, the range's last page 0x13ffff000 (5368705024) above the
#    elfcorehdr's one page: the entry;
#  - dump: RAM minus both crash ranges: 0x40000000-0x77ffffff and 0x80000000-0x11fffffff;
#  - the capture kernel's memory (linux,usable-memory-range): the main range, then the low one.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }
mksys() { bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" "$@"; }

CAPTURE_CMDLINE="console=ttyAMA0 nr_cpus=1 reset_devices"

# mkimage FILE: an arm64 Image header (booting.rst): code0 "MZ" (EFI stub), text_offset 0,
# image_size 0x2700000 (39 MiB), flags 0xa (little endian, 4K pages, anywhere), magic
# "ARM\x64" at 0x38, PE header offset 0x40; the file is 36 MiB.
mkimage() {
	{
		printf 'MZ\x40\xfa\0\0\0\0'
		printf '\0\0\0\0\0\0\0\0'
		printf '\0\0\x70\x02\0\0\0\0'
		printf '\x0a\0\0\0\0\0\0\0'
		printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'
		printf 'ARM\x64\x40\0\0\0'
	} >"$1"
	truncate -s 36M "$1"
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	mksys arm64-kdump sys
	mkimage Image
	truncate -s 40M initrd.img
}

@test "the JSON plan of -p -c is exactly as expected" {
	run -0 kx -p -c --dry-run --json --sysroot=sys Image --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	jq . <<<"$output" >got
	cat >expected <<'JSON'
{
  "action": "load",
  "dry_run": true,
  "image": "crash",
  "arch": "aarch64",
  "kernel_release": "6.12.117+deb12-arm64",
  "syscall": "kexec_load",
  "flags": 11993089,
  "flag_names": "KEXEC_ON_CRASH|KEXEC_ARCH 0xb70000",
  "hotplug": "none",
  "kernel": {
    "path": "Image",
    "size": 37748736,
    "type": "Image",
    "protocol": "",
    "version": "",
    "load_memsz": 40894464,
    "alignment": 2097152,
    "cmdline_max": 2048
  },
  "initrd": {
    "path": "initrd.img",
    "size": 41943040
  },
  "command_line": "console=ttyAMA0 nr_cpus=1 reset_devices",
  "command_line_bytes": 40,
  "crash_kernel": {
    "total": 671088640,
    "kexec_crash_size": 671088640,
    "ranges": [
      {
        "start": 2013265920,
        "end": 2147483647,
        "size": 134217728,
        "role": "low"
      },
      {
        "start": 4831838208,
        "end": 5368709119,
        "size": 536870912,
        "role": "main"
      }
    ]
  },
  "layout": {
    "placed_by": "kexec",
    "entry": 5368705024,
    "kernel_reserved_start": 4831838208,
    "kernel_reserved_end": 4872732671,
    "memmap_entries": 2,
    "acpi_rsdp": null,
    "digest_segments": 0,
    "purgatory": "sets x0 to the device tree and x1-x3 to 0, enters the kernel; checks no digest",
    "kernel_reserved_for": "image_size",
    "device_tree": "/sys/firmware/fdt",
    "device_tree_size": 1242,
    "fits": true,
    "used": 82849792,
    "region": 536870912
  },
  "segments": [
    {
      "name": "kernel",
      "start": 4831838208,
      "end": 4869586943,
      "memsz": 37748736,
      "bufsz": 37748736,
      "digest": false
    },
    {
      "name": "elfcorehdr",
      "start": 5368643584,
      "end": 5368647679,
      "memsz": 4096,
      "bufsz": 4096,
      "digest": false
    },
    {
      "name": "initrd",
      "start": 4872732672,
      "end": 4914675711,
      "memsz": 41943040,
      "bufsz": 41943040,
      "digest": false
    },
    {
      "name": "dtb",
      "start": 5366611968,
      "end": 5366616063,
      "memsz": 4096,
      "bufsz": 1242,
      "digest": false
    },
    {
      "name": "purgatory",
      "start": 5368705024,
      "end": 5368709119,
      "memsz": 4096,
      "bufsz": 4096,
      "digest": false
    }
  ],
  "elfcorehdr": {
    "built_by": "kexec",
    "machine": 183,
    "cpu_notes": 2,
    "vmcoreinfo": true,
    "kernel_text": true,
    "memory_ranges": 2,
    "phnum": 6,
    "size": 4096,
    "segment_memsz": 4096,
    "segment_memsz_from": "built",
    "page_offset": "0xffff000000000000",
    "page_offset_from": "default",
    "text_vaddr": "0xffff800080000000",
    "text_paddr": 1075838976,
    "text_size": 44105728
  },
  "memory": {
    "system_ram": 4294967296,
    "dump_total": 3623878656,
    "dump_ranges": 2
  },
  "excluded": [
    {
      "start": 2013265920,
      "end": 2147483647,
      "size": 134217728
    },
    {
      "start": 4831838208,
      "end": 5368709119,
      "size": 536870912
    }
  ],
  "dump": [
    {
      "start": 1073741824,
      "end": 2013265919,
      "size": 939524096
    },
    {
      "start": 2147483648,
      "end": 4831838207,
      "size": 2684354560
    }
  ],
  "memory_map": [
    {
      "start": 4831838208,
      "end": 5368709119,
      "size": 536870912,
      "type": "System RAM"
    },
    {
      "start": 2013265920,
      "end": 2147483647,
      "size": 134217728,
      "type": "System RAM"
    }
  ],
  "warnings": [],
  "refused": null
}
JSON
	diff -u expected got
	[ ! -e syscalls ]
}

@test "--dtb-out writes the device tree the capture kernel would get, /chosen edited" {
	run -0 kx -p -c --dry-run --sysroot=sys Image --initrd=initrd.img --append="$CAPTURE_CMDLINE" --dtb-out=out.dtb
	[ "$(stat -c %a out.dtb)" = 600 ]
	# linux,elfcorehdr = <elfcorehdr address, its size>, root cells 2 + 2
	run -0 fdtget -t x out.dtb /chosen linux,elfcorehdr
	assert_output "1 3fff0000 0 1000"
	# both crash ranges: the main (high) one first, the low one last
	run -0 fdtget -t x out.dtb /chosen linux,usable-memory-range
	assert_output "1 20000000 0 20000000 0 78000000 0 8000000"
	run -0 fdtget out.dtb /chosen bootargs
	assert_output "$CAPTURE_CMDLINE"
	# the new initrd (end exclusive), replacing the boot loader's 0x48000000
	run -0 fdtget -t x out.dtb /chosen linux,initrd-start /chosen linux,initrd-end
	assert_output "$(printf '%s\n' '1 22700000' '1 24f00000')"
	# the boot loader's rng-seed is gone; the boot loader's initrd reservation too, the
	# elfcorehdr and the new initrd are reserved
	run -1 fdtget out.dtb /chosen rng-seed
	run -0 bash -c "dtc -q -I dtb -O dts out.dtb | grep memreserve"
	assert_output "$(printf '/memreserve/\t%s;\n' '0x000000013fff0000 0x0000000000001000' '0x0000000122700000 0x0000000002800000')"
	# the rest of the tree is the machine's
	run -0 fdtget -t x out.dtb /memory@40000000 reg
	assert_output "0 40000000 1 0"
}

@test "the command line carries no elfcorehdr=: the capture kernel reads it from the device tree" {
	run -0 kx -p -c --dry-run --sysroot=sys Image --append="$CAPTURE_CMDLINE" --dtb-out=out.dtb
	assert_line "command line  $CAPTURE_CMDLINE"
	run -0 fdtget out.dtb /chosen bootargs
	refute_output --partial elfcorehdr=
	# without an initrd the capture kernel is told of none
	run -1 fdtget out.dtb /chosen linux,initrd-start
}

@test "--dtb=FILE is edited instead of /sys/firmware/fdt" {
	rm sys/sys/firmware/fdt
	run -1 kx -p -c --dry-run --sysroot=sys Image
	assert_output "kexec: no /sys/firmware/fdt: this kernel was not booted with a device tree (ACPI only?); give one with --dtb=FILE"
	dtc -q -I dts -O dtb -o given.dtb "$SRCDIR/tests/fixtures/dts/arm64-kdump.dts"
	run -0 kx -p -c --dry-run --sysroot=sys Image --dtb=given.dtb
	assert_line "device tree   given.dtb, /chosen edited for the new kernel: 1150 bytes"
}

@test "-p -c loads through kexec_load, entered at the purgatory, and is recorded for kexec-hotplug" {
	run -0 kx -p -c --sysroot=sys Image --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	# five segments as planned (the dtb's size is the edited tree's), flags KEXEC_ON_CRASH |
	# KEXEC_ARCH_AARCH64; the entry is the purgatory page, the range's last
	run -0 cat syscalls
	assert_output --regexp '^kexec_load entry=0x13ffff000 nr_segments=5 flags=0xb70001 kernel:0x120000000\+0x2400000/0x2400000 elfcorehdr:0x13fff0000\+0x1000/0x1000 initrd:0x122700000\+0x2800000/0x2800000 dtb:0x13fe00000\+0x1000/0x[0-9a-f]+ purgatory:0x13ffff000\+0x1000/0x1000 -> 0$'
	assert_equal "$(cat sys/sys/kernel/kexec_crash_loaded)" 1
	run -0 grep -E '^(syscall|flags|cmdline) ' state/crash-load
	assert_output "syscall kexec_load
flags 0xb70001
cmdline $CAPTURE_CMDLINE"
}

@test "a malformed device tree is refused with its offset" {
	head -c 1000 sys/sys/firmware/fdt >short.dtb
	run -1 kx -p -c --dry-run --sysroot=sys Image --dtb=short.dtb
	assert_output "kexec: the device tree short.dtb: device tree totalsize 1175 is larger than the 1000 bytes there are (truncated?) (at offset 0x4)"
	# a broken structure block in the machine's own device tree
	printf '\xff\xff\xff\xff' | dd of=sys/sys/firmware/fdt bs=1 seek=72 conv=notrunc status=none
	run -1 kx -p -c --dry-run --sysroot=sys Image
	assert_output --regexp '^kexec: the device tree /sys/firmware/fdt: device tree structure block is malformed: .* \(at offset 0x48\)$'
}

@test "crash memory the device tree does not describe is refused" {
	dtc -q -I dts -O dtb -o other.dtb "$SRCDIR/tests/fixtures/dts/arm64-virt.dts"
	run -1 kx -p -c --dry-run --sysroot=sys Image --dtb=other.dtb
	assert_output "kexec: the crash kernel range 0x120000000-0x13fffffff is not all memory in the device tree other.dtb, so the capture kernel could not use it: give the machine's own device tree (--dtb=FILE, default /sys/firmware/fdt)"
}

@test "--dtb has no effect without -c (a warning, as kexec-tools ignores it), --dtb-out needs -c" {
	run -0 --separate-stderr kx -p -s --dry-run --sysroot=sys Image --dtb=x.dtb
	[ "$stderr" = "kexec: warning: --dtb has no effect with -s: kexec_file_load's kernel edits its own device tree" ]
	run -2 kx -p --dry-run --sysroot=sys Image --dtb-out=x.dtb
	assert_line "kexec: --dtb-out needs -c: with kexec_file_load the kernel edits its own device tree"
}

@test "-p -s --dry-run on the same machine still plans a kexec_file_load" {
	run -0 kx -p -s --dry-run --json --sysroot=sys Image --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	jq -c '[.syscall, .flag_names, (.segments | map([.name, .start]))]' <<<"$output" >got
	echo '["kexec_file_load","KEXEC_FILE_ON_CRASH",[["kernel",4831838208],["elfcorehdr",5368643584],["initrd",4872732672],["dtb",5366611968]]]' >expected
	diff -u expected got
}

@test "without _text in /proc/kallsyms (arm64 6.1: no KALLSYMS_ALL) the kernel text PT_LOAD comes from /proc/kcore" {
	rm -rf sys
	mksys arm64-kdump-6.1 sys
	run -0 kx -p -c --dry-run --sysroot=sys Image --initrd=initrd.img --append="$CAPTURE_CMDLINE"
	# the image's segment of /proc/kcore, not the direct map's page at the same physical address
	assert_line "kernel text   0xffff800080000000 at physical 0x40200000, 44 MiB"
	assert_line "elfcorehdr    built by kexec: 6 program headers (2 CPU notes, VMCOREINFO, kernel text, 2 memory ranges), 4 KiB"
	refute_output --partial "no kernel text PT_LOAD"
	# the header the capture kernel gets has it
	run -0 kx -p -c --dry-run --sysroot=sys Image --append="$CAPTURE_CMDLINE" --elfcorehdr-out=eh
	run -0 bash -c "readelf -lW eh | grep -c 'LOAD .* 0xffff800080000000 0x0000000040200000 '"
	assert_output 1
}
