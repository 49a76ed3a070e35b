#!/usr/bin/env bats
# vmcore-dd --notes: every note, decoded.

load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "lists every note in file order with owner, type name, size, offset and decoded content" {
	mkcore c --dd='cxgb4_0000:02:00.4,100000' --prstatus=1234,11,rip=0xffffffff81001234,rsp=0xffffc90000123f00 \
		--prstatus=0 --vmcoreinfo='OSRELEASE=6.12.9-amd64\nPAGESIZE=4096\nCRASHTIME=1763773000\n' \
		--note='GNU,3,0102030405'
	run -0 vdd -n c
	cat >expected <<-END
	INDEX OWNER      TYPE             SIZE     OFFSET DESCRIPTION
	    0 LINUX      NT_VMCOREDD    102380     0x1014 device dump "cxgb4_0000:02:00.4", 102336 bytes at 0x1040
	    1 CORE       NT_PRSTATUS       336    0x1a014 pid 1234, signal 11, rip 0xffffffff81001234, rsp 0xffffc90000123f00
	    2 CORE       NT_PRSTATUS       336    0x1a178 pid 0, signal 0, rip 0x0, rsp 0x0
	    3 VMCOREINFO VMCOREINFO         58    0x1a2e0 OSRELEASE 6.12.9-amd64, PAGESIZE 4096, CRASHTIME 1763773000 (2025-11-22 00:56:40 UTC)
	    4 GNU        0x3                 5    0x1a32c 
	END
	diff -u <(sed 's/ *$//' expected) <(printf '%s\n' "$output" | sed 's/ *$//')
}

@test "JSON carries the type number, its name and the decoded fields" {
	mkcore c --dd='nic,10' --prstatus=7,6,rip=0x10 --vmcoreinfo='OSRELEASE=6.1.0\nPAGESIZE=4096\n'
	run -0 vdd -n -J c
	run -0 jq -c '.notes[] | del(.registers)' <<<"$output"
	assert_line --index 0 '{"index":0,"owner":"LINUX","type":1792,"size":4076,"offset":4116,"type_name":"NT_VMCOREDD","name":"nic","data_offset":4160,"data_size":4032}'
	assert_line --index 1 '{"index":1,"owner":"CORE","type":1,"size":336,"offset":8212,"type_name":"NT_PRSTATUS","pid":7,"signal":6}'
	assert_line --index 2 '{"index":2,"owner":"VMCOREINFO","type":0,"size":30,"offset":8572,"type_name":"VMCOREINFO","osrelease":"6.1.0","pagesize":4096}'
	run -0 vdd -n -J c
	run -0 jq -r '.notes[1].registers.rip' <<<"$output"
	assert_output 16
}

@test "unknown note types have a null type_name in JSON and a hex type in tables" {
	mkcore c --note='Xyz,0x1234,00'
	run -0 vdd -n -J c
	run -0 jq -c '.notes[0] | [.type, .type_name]' <<<"$output"
	assert_output '[4660,null]'
	run -0 vdd -n -r --noheadings -o TYPE c
	assert_output '0x1234'
}

@test "big-endian ELF32 prstatus is decoded with the 32-bit layout" {
	mkcore c --class=32 --endian=big --machine=ppc --prstatus=4321,9
	run -0 vdd -n -r --noheadings -o DESCRIPTION c
	assert_output 'pid\x204321,\x20signal\x209'
}

@test "s390 (big-endian ELF64) notes decode pid and signal" {
	mkcore c --endian=big --machine=s390 --prstatus=99,11 --vmcoreinfo='OSRELEASE=6.12.0\n'
	run -0 vdd -n -o OWNER,DESCRIPTION c
	assert_line --index 1 --regexp '^CORE +pid 99, signal 11$'
	assert_line --index 2 --regexp '^VMCOREINFO +OSRELEASE 6.12.0$'
}

@test "NAMESZ and NOTE-OFFSET columns show the raw header" {
	mkcore c --dd='a,1' --prstatus=1
	run -0 vdd -n -r --noheadings -o INDEX,NAMESZ,NOTE-OFFSET c
	assert_output $'0 8 0x1000\n1 5 0x2000'
}

@test "an oversized VMCOREINFO is decoded from its first 64 KiB only" {
	{ printf 'OSRELEASE=6.12.0\n'; head -c 100000 /dev/zero | tr '\0' 'x'; } >vi
	mkcore c --vmcoreinfo-file=vi
	run -0 vdd -n -r --noheadings -o DESCRIPTION c
	assert_output --partial 'OSRELEASE\x206.12.0\x20(first\x2065536\x20bytes\x20decoded)'
}

@test "the notes table streams: 60000 notes in small memory, the columns as wide as in one table" {
	args=()
	for ((i = 0; i < 60000; i++)); do args+=(--note=CORE,1,00); done
	mkcore c "${args[@]}"
	# ASan builds: a small quarantine, or the freed rows it keeps would be counted
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1 \
		run -0 /usr/bin/time -o rss -f '%M' "$VMCORE_DD" -n c
	rss=$(cat rss)
	echo "peak RSS ${rss} KiB"
	# every row held until the end took 35 MB here (plain build); a chunk of 4096 rows stays
	# near 5 MB (15 MB with ASan)
	[ "$rss" -lt 24000 ]
	[ "${#lines[@]}" -eq 60001 ]
	assert_line --index 0 "INDEX OWNER TYPE         SIZE     OFFSET DESCRIPTION"
	assert_line --index 1 "    0 CORE  NT_PRSTATUS     1     0x1014 too short for prstatus (1 bytes)"
	assert_line --index 60000 "59999 CORE  NT_PRSTATUS     1   0x1608fc too short for prstatus (1 bytes)"
	# the heading once
	[ "$(grep -c '^INDEX' <<<"$output")" -eq 1 ]
}
