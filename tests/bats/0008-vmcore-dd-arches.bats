#!/usr/bin/env bats
# vmcore-dd and vmcore-dmesg on vmcores shaped like ppc64 (big-endian), ppc64le and s390x
# captures: e_machine EM_PPC64 (21) or EM_S390 (22), the byte order of the machine, 64 KiB pages
# on ppc64 (device dumps rounded to them), NT_PRSTATUS of the machine's size (ppc64: 112 bytes of
# struct elf_prstatus around 48 registers = 504; s390x: 27 registers = 336), the printk ring
# buffer at the machine's direct-map address (ppc64 0xc000000000000000 + paddr, s390x identity).

load helpers

: "${VMCORE_DMESG:=${BUILD:-$SRCDIR/build}/vmcore/vmcore-dmesg}"
: "${MKPRINTK:=${BUILD:-$SRCDIR/build}/tests/tools/mkprintk}"

setup() {
	cd "$BATS_TEST_TMPDIR"
	head -c 70000 /dev/urandom >dd.bin
}

# shape NAME: the options of one machine's capture
shape() {
	case $1 in
	ppc64) ENDIAN=big MACHINE=ppc64 PAGE=65536 VADDR=0xc000000001000000 PRSIZE=504 DDSIZE=131008 ;;
	ppc64le) ENDIAN=little MACHINE=ppc64 PAGE=65536 VADDR=0xc000000001000000 PRSIZE=504 DDSIZE=131008 ;;
	s390x) ENDIAN=big MACHINE=s390 PAGE=4096 VADDR=0x1000000 PRSIZE=336 DDSIZE=73664 ;;
	esac
}

# core NAME FILE [mkvmcore options]: a capture with one device dump (dd.bin), two CPUs' PRSTATUS,
# VMCOREINFO and a printk ring buffer of three records
core() {
	local name=$1 out=$2 load
	shift 2
	shape "$name"
	load=$("$MKPRINTK" --endian="$ENDIAN" --vaddr="$VADDR" --rec='Linux version 6.12.0' \
		--gen=2,30 "$out.img" "$out.vi")
	mkcore "$out" --endian="$ENDIAN" --machine="$MACHINE" --page-size="$PAGE" \
		--dd="zfcp_0.0.1900,-,file=dd.bin" --prstatus=4242,11 --prstatus=4243 \
		--vmcoreinfo-file="$out.vi" $load "$@"
}

@test "every shape: the device dump is listed with its page-rounded size and its data offset" {
	for s in ppc64 ppc64le s390x; do
		core $s c-$s
		run -0 vdd -l -J "c-$s"
		run jq -c '.device_dumps[] | [.index, .name, .size, .offset]' <<<"$output"
		assert_output "[0,\"zfcp_0.0.1900\",$DDSIZE,$(layout c-$s dd 0 data_offset)]"
	done
}

@test "every shape: PRSTATUS notes have the machine's size and their pid and signal decode" {
	for s in ppc64 ppc64le s390x; do
		core $s c-$s
		run -0 vdd -n -J "c-$s"
		run jq -c '[.notes[] | select(.type_name == "NT_PRSTATUS") | [.size, .pid, .signal]]' <<<"$output"
		assert_output "[[$PRSIZE,4242,11],[$PRSIZE,4243,0]]"
	done
}

@test "every shape: --check names the byte order and machine and finds nothing wrong" {
	core ppc64 c-ppc64
	run -0 vdd --check c-ppc64
	assert_output "c-ppc64: ELF64 big-endian core, machine 21 (ppc64), 2 program headers (1 PT_NOTE, 1 PT_LOAD), 4 notes, 1 device dumps
c-ppc64: OK"
	core ppc64le c-ppc64le
	run -0 vdd --check c-ppc64le
	assert_line --index 0 "c-ppc64le: ELF64 little-endian core, machine 21 (ppc64), 2 program headers (1 PT_NOTE, 1 PT_LOAD), 4 notes, 1 device dumps"
	core s390x c-s390x
	run -0 vdd --check c-s390x
	assert_line --index 0 "c-s390x: ELF64 big-endian core, machine 22 (s390), 2 program headers (1 PT_NOTE, 1 PT_LOAD), 4 notes, 1 device dumps"
}

@test "every shape: the dump's data comes out byte for byte, zero padded to the page" {
	for s in ppc64 ppc64le s390x; do
		core $s c-$s
		vdd -d 0 "c-$s" >out
		assert_equal "$(stat -c %s out)" "$DDSIZE"
		head -c 70000 out | cmp - dd.bin
		[ -z "$(tail -c +70001 out | tr -d '\0')" ]
	done
}

@test "every shape: vmcore-dmesg prints the kernel log through the machine's direct map" {
	cat >expected <<'EOF2'
[    0.000000] Linux version 6.12.0
[    0.001234] record 0 jklmnopqrstuvwxyzabcd
[    0.002469] record 1 qrstuvwxyzabcdefghijk
EOF2
	for s in ppc64 ppc64le s390x; do
		core $s c-$s
		run -0 "$VMCORE_DMESG" "c-$s"
		assert_output_file expected
	done
}

@test "a big-endian capture cut short is reported with the offset, as a little-endian one" {
	core ppc64 cut --truncate=70000
	run -1 vdd -l cut
	assert_output --partial "past the end of the file at 0x11170"
	core s390x cut2 --set=note.1.descsz=0x7fffffff
	run -1 vdd -n cut2
	assert_output --regexp "note 1 .*offset"
}
