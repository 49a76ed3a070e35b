#!/usr/bin/env bats
# vmcore-dd --segments (PT_LOAD table) and --check (structure verification).

load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "--segments lists PT_LOADs with physical and virtual address, size and offset" {
	mkcore c --dd='a,1' --load=0x1000000,0x200000 --load=0x100000000,0x8000000,0xffff888100000000,zero
	run -0 vdd -s c
	cat >expected <<-END
	INDEX              PADDR              VADDR         SIZE       OFFSET
	    1          0x1000000 0xffff888001000000      2097152       0x2000
	    2        0x100000000 0xffff888100000000    134217728     0x202000
	END
	assert_output_file expected
}

@test "--segments JSON and the PEND column show whether a range (e.g. a hot-added DIMM) is in the dump" {
	mkcore c --load=0x100000000,0x40000000,0xffff888100000000,zero
	run -0 vdd -s -J -o INDEX,PADDR,PEND,SIZE,MEMSZ c
	run -0 jq -c '.segments' <<<"$output"
	assert_output '[{"index":0,"paddr":4294967296,"pend":5368709120,"size":1073741824,"memsz":1073741824}]'
}

@test "--check passes a well-formed vmcore and summarises it" {
	mkcore c --dd='a,1' --dd='b,9000' --prstatus=1 --vmcoreinfo='PAGESIZE=4096\n' --load=0x100000,4096
	run -0 vdd --check c
	assert_output $'c: ELF64 little-endian core, machine 62 (x86_64), 2 program headers (1 PT_NOTE, 1 PT_LOAD), 4 notes, 2 device dumps\nc: OK'
}

@test "--check reports every problem with its offset and exits 1" {
	mkcore c --etype=exec --dd='a,1' --dd='b,1' --vmcoreinfo='PAGESIZE=4096\n' --load=0x100000,0x10000 \
		--set=note.1.descsz=100
	size=$(stat -c %s c)
	truncate -s $((size - 10)) c
	run -1 vdd --check c
	assert_line "problem: e_type is 2, not ET_CORE (4): not a core dump (at offset 0x10)"
	assert_line --partial "problem: truncated: PT_LOAD segment (program header 1, 65536 bytes at"
	assert_line "problem: note 2 is empty (n_namesz, n_descsz and n_type all 0), which ends the notes, but data follows at 0x3000 in its PT_NOTE segment (program header 0): a damaged note header? (at offset 0x2078)"
	assert_line "c: 3 problems"
}

@test "--check flags a device-dump note that is not whole pages, using VMCOREINFO's PAGESIZE" {
	mkcore c --vmcoreinfo='PAGESIZE=65536\n' --dd='a,1'
	run -1 vdd --check c
	assert_line "problem: device dump 0: the note is 4096 bytes, not a whole number of 65536-byte pages as the kernel writes it (at offset 0x1000)"
}

@test "--check names the e_machine whatever the class and byte order (one name for s390 and s390x), unknown ones as unknown" {
	for m in 62:x86_64 3:i386 183:aarch64 40:arm 21:ppc64 20:ppc 22:s390 243:riscv 8:mips \
		43:sparc64 258:loongarch 9999:unknown; do
		for shape in 64:little 32:little 64:big; do
			mkcore c --machine="${m%%:*}" --class="${shape%%:*}" --endian="${shape#*:}" --dd='a,1'
			run -0 vdd --check c
			assert_line --index 0 --partial " core, machine ${m%%:*} (${m#*:}), "
		done
	done
}

@test "--check says when VMCOREINFO is missing but does not fail for it" {
	mkcore c --dd='a,1'
	run -0 vdd --check c
	assert_line "note: no VMCOREINFO note (vmcore-dmesg and crash need it)"
}

@test "--check JSON lists the problems and the summary" {
	mkcore c --dd='a,1' --set=note.0.descsz=10 --vmcoreinfo='PAGESIZE=4096\n'
	run -1 vdd --check -J c
	run -0 jq -c '[.ok, .device_dumps, .notes, (.problems | length), .problems[0].offset]' <<<"$output"
	assert_output '[false,1,1,2,4096]'
}
