#!/usr/bin/env bats
# vmcore-dd --list: device dumps as the kernel lays them out in /proc/vmcore.

load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "lists device dumps with index, name, page-padded size and data offset" {
	mkcore c --dd='cxgb4_0000:02:00.4,100000' --dd='cxgb4_0000:03:00.4,4032' \
		--prstatus=1,11 --vmcoreinfo='OSRELEASE=6.12.0\n'
	run -0 vdd c
	cat >expected <<-'END'
	INDEX NAME                       SIZE     OFFSET
	    0 cxgb4_0000:02:00.4       102336     0x1040
	    1 cxgb4_0000:03:00.4         4032    0x1a040
	END
	assert_output_file expected
}

@test "SIZE is n_descsz - 44 and OFFSET is just past the 64-byte header" {
	mkcore c --dd='a,1' --dd='b,8192'
	run -0 vdd --raw --noheadings -o INDEX,SIZE,OFFSET,NOTE-OFFSET c
	# note 0: 64 + 1 rounds to 4096 → n_descsz 4076 → SIZE 4032; note 1: 64 + 8192 → 12288
	assert_line --index 0 "0 4032 0x$(printf %x $(( $(layout c note 0 offset) + 64 ))) 0x$(printf %x "$(layout c note 0 offset)")"
	assert_line --index 1 "1 12224 0x$(printf %x $(( $(layout c note 1 offset) + 64 ))) 0x$(printf %x "$(layout c note 1 offset)")"
	[ "$(layout c note 0 descsz)" = 4076 ]
}

@test "a vmcore without device dumps lists nothing and exits 0" {
	mkcore c --prstatus=1 --vmcoreinfo='PAGESIZE=4096\n' --load=0x100000,4096
	run -0 vdd c
	assert_output "no device dumps in c"
	run -0 vdd -r c
	assert_output ""
}

@test "JSON has the contract shape and is valid" {
	mkcore c --dd='nic0,10' --dd='nic1,5000'
	run -0 vdd -J c
	echo "$output" | jq -e . >/dev/null
	run -0 jq -c . <<<"$output"
	assert_output '{"vmcore":"c","device_dumps":[{"index":0,"name":"nic0","size":4032,"offset":4160},{"index":1,"name":"nic1","size":8128,"offset":8256}]}'
}

@test "JSON of an empty list is still valid" {
	mkcore c --prstatus=1
	run -0 vdd --json c
	run -0 jq -c . <<<"$output"
	assert_output '{"vmcore":"c","device_dumps":[]}'
}

@test "device dumps are found wherever they are among the notes" {
	mkcore c --cli-order --prstatus=1 --dd='late,100' --vmcoreinfo='X=1\n' --dd='later,200'
	run -0 vdd -r --noheadings -o INDEX,NAME,NOTE c
	assert_output $'0 late 1\n1 later 3'
}

@test "three hundred dumps are all listed (no artificial limit)" {
	mkcore c --dd-many=300,16
	run -0 vdd -r --noheadings -o INDEX,NAME c
	assert_equal "${#lines[@]}" 300
	assert_line --index 299 "299 dev299"
}

@test "names with control bytes are shown escaped in tables and exact in JSON" {
	mkcore c --dd='a\x1b[2Jb\x01,10'
	run -0 vdd --noheadings -o NAME c
	assert_output 'a\x1b[2Jb\x01'
	run -0 vdd -r --noheadings -o NAME c
	assert_output 'a\x1b[2Jb\x01'
	run -0 vdd -J c
	run -0 jq -r '.device_dumps[0].name | explode | map(tostring) | join(",")' <<<"$output"
	assert_output "97,27,91,50,74,98,1"
}

@test "a name of exactly 44 bytes without NUL is read whole, not past it" {
	name=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR
	[ ${#name} -eq 44 ]
	mkcore c --dd="$name,10"
	run -0 vdd -r --noheadings -o NAME,SIZE c
	assert_output "$name 4032"
}

@test "owner is matched by strnlen within n_namesz: LINUX with n_namesz 6 is a device dump too" {
	# a hand-made note: owner "LINUX\0" (n_namesz 6), type 0x700, 44-byte name + 4 bytes data
	data=$(printf 'mydev%078d' 0 | tr 0 0)
	name_hex=$(printf 'mydev' | od -An -tx1 | tr -d ' \n')$(printf '00%.0s' $(seq 39))
	mkcore c --note="LINUX,0x700,${name_hex}deadbeef"
	[ "$(layout c note 0 namesz)" = 6 ]
	run -0 vdd -r --noheadings c
	assert_output "0 mydev 4 0x$(printf %x $(( $(layout c note 0 desc_offset) + 44 )))"
}

@test "a note of type 0x700 from another owner is not a device dump" {
	mkcore c --note="CORE,0x700,$(printf '00%.0s' $(seq 48))" --dd='real,1'
	run -0 vdd -r --noheadings -o NAME c
	assert_output "real"
}

@test "ELF32 and big-endian vmcores are read (i386, s390, ppc64)" {
	mkcore c32 --class=32 --machine=i386 --dd='dd32,100'
	mkcore s390 --endian=big --machine=s390 --dd='dasd,5000'
	mkcore ppc --endian=big --machine=ppc64 --dd='ibmvfc,1,byte=0x41'
	run -0 vdd -r --noheadings c32
	assert_output "0 dd32 4032 0x$(printf %x "$(layout c32 dd 0 data_offset)")"
	run -0 vdd -r --noheadings s390
	assert_output "0 dasd 8128 0x$(printf %x "$(layout s390 dd 0 data_offset)")"
	run -0 vdd -r --noheadings -o NAME,SIZE ppc
	assert_output "ibmvfc 4032"
}

@test "-o selects columns, +COL adds to the defaults, unknown columns are a usage error" {
	mkcore c --dd='x,1'
	run -0 vdd -o name,size c
	assert_output $'NAME       SIZE\nx          4032'
	run -0 vdd -r -o +NOTE c
	assert_output $'INDEX NAME SIZE OFFSET NOTE\n0 x 4032 0x1040 0'
	run -2 vdd -o NAME,BOGUS c
	assert_output --partial "unknown column: BOGUS"
}
