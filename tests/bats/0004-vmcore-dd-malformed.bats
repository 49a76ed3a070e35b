#!/usr/bin/env bats
# Malformed and hostile vmcores: everything readable is printed, then the problem is named with its
# file offset, exit 1.  Never a crash, never a read past a segment.

load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
}

hex() { printf '0x%x' "$1"; }

@test "an empty file is too short for an ELF header" {
	: >c
	run -1 vdd c
	assert_output "vmcore-dd: c: truncated: 0 bytes, too short for an ELF header (at offset 0x0)"
}

@test "a text file is not an ELF file" {
	echo "hello, this is not a vmcore at all" >c
	run -1 vdd c
	assert_output "vmcore-dd: c: not an ELF file (bad magic) (at offset 0x0)"
}

@test "a file cut inside the ELF header says how long it is" {
	mkcore c --dd='a,1' --truncate=40
	run -1 vdd c
	assert_output "vmcore-dd: c: truncated: 40 bytes, too short for the 64-byte ELF header (at offset 0x28)"
}

@test "an unknown ELF class or byte order is named with its offset" {
	mkcore c --dd='a,1' --set=ehdr.class=7
	run -1 vdd c
	assert_output "vmcore-dd: c: unknown ELF class 7 (at offset 0x4)"
	mkcore d --dd='a,1' --set=ehdr.data=9
	run -1 vdd d
	assert_output "vmcore-dd: d: unknown ELF byte order 9 (at offset 0x5)"
}

@test "a damaged kdump-compressed header is named with its offset, and a flattened file gets the makedumpfile -R hint" {
	printf 'KDUMP   \001\000\000\000' >kd
	head -c 4096 /dev/zero >>kd
	run -1 vdd kd
	assert_output --partial "kdump-compressed dump (makedumpfile -c/-l/-p), but kdump-compressed header: block_size 0 is not a power of two between 512 and 262144 (at offset 0x1ac)"
	printf 'makedumpfile\0\0\0\0' >flat
	head -c 4096 /dev/zero >>flat
	run -1 vdd flat
	assert_output --partial "flattened format (makedumpfile -F); rebuild it with 'makedumpfile -R' first"
}

@test "a wrong e_phentsize is refused" {
	mkcore c --dd='a,1' --set=ehdr.phentsize=40
	run -1 vdd c
	assert_output "vmcore-dd: c: e_phentsize is 40, expected 56 (at offset 0x36)"
}

@test "a huge e_phnum whose headers would run past the end of the file is refused" {
	mkcore c --dd='a,1' --set=ehdr.phnum=60000
	run -1 vdd c
	assert_output "vmcore-dd: c: truncated: 60000 program headers at 0x40 need 3360000 bytes but the file is 8192 bytes (at offset 0x40)"
}

@test "e_phnum = PN_XNUM without a section header is refused" {
	mkcore c --dd='a,1' --set=ehdr.phnum=65535
	run -1 vdd c
	assert_output "vmcore-dd: c: e_phnum is PN_XNUM but section header 0 is unusable (e_shoff is 0) (at offset 0x38)"
}

@test "program headers past the end of the file are refused" {
	mkcore c --dd='a,1' --set=ehdr.phoff=0x100000
	run -1 vdd c
	assert_output "vmcore-dd: c: truncated: 1 program headers at 0x100000 need 56 bytes but the file is 8192 bytes (at offset 0x100000)"
}

@test "a PT_NOTE segment starting past the end of the file" {
	mkcore c --dd='a,1' --set=phdr.0.offset=0x100000000
	run -1 vdd c
	assert_output "vmcore-dd: c: PT_NOTE segment (program header 0) starts at 0x100000000, past the end of the file at 0x2000 (at offset 0x40)"
}

@test "a PT_NOTE segment whose offset + size overflows" {
	mkcore c --dd='a,1' --set=phdr.0.filesz=0xffffffffffffffff
	run -1 vdd c
	assert_output "vmcore-dd: c: PT_NOTE segment (program header 0): offset 0x1000 + size 0xffffffffffffffff overflows (at offset 0x40)"
}

@test "n_descsz larger than the segment: earlier dumps listed, the note named" {
	mkcore c --dd='good,1' --dd='bad,1' --dd='after,1' --set=note.1.descsz=0x7fffffff
	run -1 --separate-stderr vdd -r --noheadings c
	assert_output "0 good 4032 0x1040"
	[ "$stderr" = "vmcore-dd: c: note 1 data (n_descsz) (2147483647 bytes at 0x2014) runs past the end of its PT_NOTE segment (program header 0) at 0x4000 (at offset 0x2000)" ]
}

@test "n_namesz larger than the segment" {
	mkcore c --dd='good,1' --dd='bad,1' --set=note.1.namesz=0xfffffff0
	run -1 --separate-stderr vdd -r --noheadings c
	assert_output "0 good 4032 0x1040"
	[ "$stderr" = "vmcore-dd: c: note 1 name (4294967280 bytes at 0x200c) runs past the end of its PT_NOTE segment (program header 0) at 0x3000 (at offset 0x2000)" ]
}

@test "a note header cut by the end of its segment" {
	mkcore c --dd='a,1' --dd='b,1' --set=phdr.0.filesz=$((4096 + 6))
	run -1 --separate-stderr vdd -r --noheadings c
	assert_output "0 a 4032 0x1040"
	[ "$stderr" = "vmcore-dd: c: note 1 header (12 bytes at 0x2000) runs past the end of its PT_NOTE segment (program header 0) at 0x2006 (at offset 0x2000)" ]
}

@test "a file truncated inside a note header" {
	mkcore c --dd='a,1' --dd='b,1' --truncate=$((0x2000 + 6))
	run -1 --separate-stderr vdd -r --noheadings c
	assert_output "0 a 4032 0x1040"
	[ "$stderr" = "vmcore-dd: c: truncated: note 1 header (12 bytes at 0x2000) runs past the end of the file at 0x2006 (at offset 0x2000)" ]
}

@test "a file truncated inside a dump name" {
	mkcore c --dd='a,1' --dd='bbbbbbbbbbbbbbbbbbbb,1' --truncate=$((0x2014 + 10))
	run -1 --separate-stderr vdd -r --noheadings c
	assert_output "0 a 4032 0x1040"
	[ "$stderr" = "vmcore-dd: c: truncated: 44 bytes needed at 0x2014 but the file ends at 0x201e (at offset 0x201e)" ]
}

@test "a file truncated inside dump data: the dump is listed, then the truncation named" {
	mkcore c --dd='a,1' --dd='b,100000' --truncate=$((0x2040 + 5000))
	run -1 --separate-stderr vdd -r --noheadings c
	assert_output $'0 a 4032 0x1040\n1 b 102336 0x2040'
	[ "$stderr" = "vmcore-dd: c: truncated: note 1 data (102380 bytes at 0x2014) runs past the end of the file at 0x33c8 (at offset 0x2000)" ]
}

@test "extract of a dump truncated inside its data saves what is there as NAME.partial" {
	random_file b.bin 100000
	mkcore c --dd='a,1' --dd='b,-,file=b.bin' --truncate=$((0x2040 + 5000))
	run -1 --separate-stderr vdd -x out c
	assert_line --index 1 "1 b -> out/b.partial (5000 bytes, truncated)"
	cmp -n 5000 out/b.partial b.bin
	[ "$(stat -c %s out/b.partial)" -eq 5000 ]
	[[ "$stderr" == *"truncated: note 1 data"* ]]
}

@test "--dump of a truncated dump refuses and points to --extract" {
	mkcore c --dd='b,100000' --truncate=$((0x1040 + 5000))
	run -1 vdd -d b c
	assert_output --partial "truncated: device dump b needs 102336 bytes at 0x1040 but the file ends at 0x23c8 (--extract saves the part that is there)"
}

@test "a device-dump note too short for its 44-byte name" {
	mkcore c --dd='a,1' --dd='b,1' --set=note.1.descsz=20
	run -1 --separate-stderr vdd -r --noheadings c
	assert_output "0 a 4032 0x1040"
	[ "$stderr" = "vmcore-dd: c: device-dump note 1: n_descsz 20 is smaller than the 44-byte dump name (at offset 0x2000)" ]
}

@test "several PT_NOTE segments are all walked, indexes continue" {
	mkcore c --split-notes --dd='a,1' --dd='b,1' --prstatus=5
	run -0 vdd -r --noheadings c
	assert_output $'0 a 4032 0x1040\n1 b 4032 0x2040'
	run -0 vdd -n -r --noheadings -o INDEX,OWNER c
	assert_output $'0 LINUX\n1 LINUX\n2 CORE'
}

@test "a bad PT_NOTE segment does not hide the dumps in the next one" {
	mkcore c --split-notes --dd='a,1' --dd='b,1' --set=note.0.descsz=0x7ffffff0
	run -1 --separate-stderr vdd -r --noheadings -o NAME c
	assert_output "b"
	[[ "$stderr" == *"note 0 data (n_descsz)"*"program header 0"* ]]
}

@test "ELF32 truncated inside dump data" {
	mkcore c --class=32 --machine=i386 --dd='a,10000'
	off=$(layout c dd 0 data_offset)
	mkcore c --class=32 --machine=i386 --dd='a,10000' --truncate=$((off + 100))
	run -1 vdd c
	assert_output --partial "truncated: note 0 data (12268 bytes at $(hex $((off - 44))))"
}

@test "big-endian s390 with an oversized n_descsz" {
	mkcore c --endian=big --machine=s390 --dd='dasd,1' --set=note.0.descsz=0x10000
	run -1 vdd c
	assert_output --partial "note 0 data (n_descsz) (65536 bytes at 0x1014) runs past the end of its PT_NOTE segment"
}

@test "big-endian ppc64 truncated inside dump data" {
	mkcore c --endian=big --machine=ppc64 --dd='ibmvfc,9000' --truncate=0x1100
	run -1 vdd c
	assert_output --partial "truncated: note 0 data (12268 bytes at 0x1014) runs past the end of the file at 0x1100"
}

@test "a file that is not ET_CORE is read with a warning" {
	mkcore c --etype=exec --dd='a,1'
	run -0 --separate-stderr vdd -r --noheadings c
	assert_output "0 a 4032 0x1040"
	[ "$stderr" = "vmcore-dd: warning: c is an ELF file of type 2, not a core dump (ET_CORE)" ]
}

@test "a PT_LOAD past the end of the file: --segments lists it and names the truncation" {
	mkcore c --dd='a,1' --load=0x100000,0x10000 --load=0x200000,0x10000
	off1=$(layout c load 0 offset) off2=$(layout c load 1 offset)
	mkcore c --dd='a,1' --load=0x100000,0x10000 --load=0x200000,0x10000 --truncate=$((off2 + 100))
	run -1 --separate-stderr vdd -s -r --noheadings c
	assert_output "1 0x100000 0xffff888000100000 65536 $(hex "$off1")
2 0x200000 0xffff888000200000 65536 $(hex "$off2")"
	[ "$stderr" = "vmcore-dd: c: truncated: PT_LOAD segment 2 (paddr 0x200000, 65536 bytes at file offset $(hex "$off2")) runs past the end of the file at $(hex $((off2 + 100))) (at offset 0xb0)" ]
}

@test "JSON output stays valid on malformed input and carries the error with its offset" {
	mkcore c --dd='good,1' --dd='bad,1' --set=note.1.descsz=0x7fffffff
	run -1 --separate-stderr vdd -J c
	run -0 jq -c '[.device_dumps[].name, .error.offset, (.error.message | test("runs past the end of its PT_NOTE"))]' <<<"$output"
	assert_output '["good",8192,true]'
	: >empty
	run -1 --separate-stderr vdd -J empty
	run -0 jq -c '.error.offset' <<<"$output"
	assert_output 0
}

@test "a missing file or a directory is an I/O error (exit 3)" {
	run -3 vdd nonexistent
	assert_output "vmcore-dd: nonexistent: cannot open nonexistent: No such file or directory"
	mkdir d
	run -3 vdd d
	assert_output "vmcore-dd: d: d is a directory"
}

@test "a FIFO is refused at once, not waited on for a writer (vmcore-dd and vmcore-dmesg)" {
	mkfifo fifo
	run -3 timeout 10 "$VMCORE_DD" -l fifo
	assert_output --partial "fifo is not a regular file"
	run -3 timeout 10 "${VMCORE_DMESG:-${BUILD:-$SRCDIR/build}/vmcore/vmcore-dmesg}" fifo
	assert_output --partial "fifo is not a regular file"
}

@test "a pipe is refused: the reader needs random access" {
	run -3 bash -c "cat /dev/null | $VMCORE_DD /dev/stdin"
	assert_output --partial "is not a regular file"
}

@test "garbage after a valid note header walk: short trailing bytes in the segment" {
	mkcore c --dd='a,1' --set=phdr.0.filesz=$((4096 + 8))
	run -1 --separate-stderr vdd -r --noheadings c
	assert_output "0 a 4032 0x1040"
	[[ "$stderr" == *"note 1 header (12 bytes at 0x2000) runs past the end of its PT_NOTE segment"* ]]
}

@test "70000 program headers (e_phnum = PN_XNUM): every one is listed, the notes found" {
	for ((i = 0; i < 70000; i++)); do printf '0x%x,16,,zero\n' $((0x100000 + i * 16)); done >loads
	mkcore c --page-size=512 --dd='nic,1' --loads-from=loads
	[ "$(od -An -tu2 -j56 -N2 c | tr -d ' ')" = 65535 ]
	run -0 vdd -r --noheadings c
	assert_output --regexp '^0 nic '
	run -0 vdd --segments -r --noheadings c
	# one row per PT_LOAD, numbered by program header (0 is the PT_NOTE)
	[ "${#lines[@]}" -eq 70000 ]
	assert_line --index 69999 --regexp '^70000 0x2116f0 '
}

@test "e_phnum = PN_XNUM with a count in section header 0 larger than the file holds is refused" {
	for ((i = 0; i < 70000; i++)); do printf '0x%x,16,,zero\n' $((0x100000 + i * 16)); done >loads
	mkcore c --page-size=512 --dd='nic,1' --loads-from=loads
	# section header 0 is the file's last 64 bytes; its sh_info at +44
	size=$(stat -c %s c)
	printf '\xff\xff\xff\x0f' | dd of=c bs=1 seek=$((size - 64 + 44)) conv=notrunc status=none
	run -1 vdd c
	assert_output --partial "268435455 program headers at 0x40 need"
}
