#!/usr/bin/env bats
# kexec --elfcorehdr-out: the ELF core header a kexec_load crash load would carry, checked with
# binutils' readelf and our vmcore-dd.  Layout as the kernel's crash_prepare_elf64_headers():
# a PT_NOTE per CPU (crash_notes), a PT_NOTE for VMCOREINFO, the kernel text PT_LOAD (vaddr of
# _text), one PT_LOAD per RAM range without the first MiB and the crash range; p_vaddr of RAM is
# the page offset read from /proc/kcore plus the physical address.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }
mksys() { bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
}

@test "6.12 guest: readelf shows the header the kernel would build" {
	mksys qemu-1g-6.12 sys
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --elfcorehdr-out=ehdr
	run -0 readelf -lW ehdr
	cat >expected <<'EOF'

Elf file type is CORE (Core file)
Entry point 0x0
There are 6 program headers, starting at offset 64

Program Headers:
  Type           Offset   VirtAddr           PhysAddr           FileSiz  MemSiz   Flg Align
  NOTE           0x3fa1e5c8 0x0000000000000000 0x000000003fa1e5c8 0x000170 0x000170     0
  NOTE           0x3fa5e5c8 0x0000000000000000 0x000000003fa5e5c8 0x000170 0x000170     0
  NOTE           0x3f9fd000 0x0000000000000000 0x000000003f9fd000 0x001024 0x001024     0
  LOAD           0x1b000000 0xffffffffa5000000 0x000000001b000000 0x2c00000 0x2c00000 RWE 0
  LOAD           0x100000 0xffff9b2f40100000 0x0000000000100000 0x2af00000 0x2af00000 RWE 0
  LOAD           0x3b000000 0xffff9b2f7b000000 0x000000003b000000 0x4fe0000 0x4fe0000 RWE 0
EOF
	assert_output_file expected
	run -0 readelf -hW ehdr
	assert_line --regexp '^  Class: +ELF64$'
	assert_line --regexp '^  Data: +2.s complement, little endian$'
	assert_line --regexp '^  Machine: +Advanced Micro Devices X86-64$'
	assert_equal "$(stat -c %s ehdr)" 4096
}

@test "6.1 guest: without _end in kallsyms the text runs to the end of Kernel bss" {
	mksys qemu-1g-6.1 sys
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --elfcorehdr-out=ehdr
	run -0 readelf -lW ehdr
	# 0x0c600000 .. 0x0ebfffff
	assert_line "  LOAD           0xc600000 0xffffffff9a800000 0x000000000c600000 0x2600000 0x2600000 RWE 0"
	assert_line "  LOAD           0x100000 0xffff8a3d80100000 0x0000000000100000 0x2af00000 0x2af00000 RWE 0"
}

@test "vmcore-dd --segments lists the same PT_LOADs (and knows a header has no data)" {
	mksys qemu-1g-6.12 sys
	kx -p --dry-run --sysroot=sys vmlinuz --elfcorehdr-out=ehdr >/dev/null
	VDD=${VMCORE_DD:-${BUILD:-$SRCDIR/build}/vmcore/vmcore-dd}
	run -1 --separate-stderr "$VDD" --segments ehdr
	cat >expected <<'EOF'
INDEX              PADDR              VADDR         SIZE       OFFSET
    3         0x1b000000 0xffffffffa5000000     46137344   0x1b000000
    4           0x100000 0xffff9b2f40100000    720371712     0x100000
    5         0x3b000000 0xffff9b2f7b000000     83755008   0x3b000000
EOF
	assert_output_file expected
	[[ $stderr == *"runs past the end of the file"* ]]
}

@test "8192 ranges: 8202 program headers, the last PT_LOAD is the last range" {
	mksys ranges-8192 sys
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --elfcorehdr-out=ehdr
	run -0 readelf -hW ehdr
	assert_line --regexp '^  Number of program headers: +8202$'
	run -0 readelf -lW ehdr
	assert_equal "$(grep -c '^  NOTE ' <<<"$output")" 9
	assert_equal "$(grep -c '^  LOAD ' <<<"$output")" 8193
	assert_equal "$(grep '^  LOAD ' <<<"$output" | tail -1)" \
		"  LOAD           0xc537e00000 0xffff894537e00000 0x000000c537e00000 0x8000000 0x8000000 RWE 0"
	# 64 + 8202 * 56 = 459376, padded to 4096
	assert_equal "$(stat -c %s ehdr)" 462848
}

@test "without /proc/kcore the page offset is the default, with a warning that KASLR moves it" {
	mksys qemu-1g-6.12 sys
	rm sys/proc/kcore
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --elfcorehdr-out=ehdr
	assert_line --partial "warning       memory PT_LOAD p_vaddr use the default page offset 0xffff888000000000, which KASLR changes: cannot open /proc/kcore"
	run -0 readelf -lW ehdr
	assert_line "  LOAD           0x100000 0xffff888000100000 0x0000000000100000 0x2af00000 0x2af00000 RWE 0"
}

@test "without crash_notes the header cannot be built: exit 1 naming what is missing" {
	mksys qemu-1g-6.12 sys
	rm sys/sys/devices/system/cpu/cpu*/crash_notes
	run -1 kx -p --dry-run --sysroot=sys vmlinuz --elfcorehdr-out=ehdr
	assert_output --partial "kexec: cannot build the elfcorehdr without the CPUs' crash_notes: no CPU notes for the elfcorehdr: no CPU in /sys/devices/system/cpu has crash_notes (2 CPUs without)"
	[ ! -e ehdr ]
	# the plan itself only warns: kexec_file_load does not need our header
	run -0 kx -p --dry-run --sysroot=sys vmlinuz
	assert_line --partial "warning       no CPU notes for the elfcorehdr"
}

@test "the header file is replaced whole, and an unwritable place is an error before any load" {
	mksys qemu-1g-6.12 sys
	echo old >ehdr
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --elfcorehdr-out=ehdr
	assert_equal "$(head -c 4 ehdr | od -An -c | tr -d ' ')" '177ELF'
	run -1 kx -p --sysroot=sys vmlinuz --elfcorehdr-out=nodir/ehdr
	assert_output "kexec: --elfcorehdr-out: cannot open the directory nodir: No such file or directory"
	[ ! -e syscalls ]
}
