#!/usr/bin/env bats
# vmcore-dd --sysroot=DIR without a VMCORE: every mode reads DIR/proc/vmcore (a capture kernel's
# files copied elsewhere), never the running system's /proc/vmcore.

load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
	mkdir -p sys/proc
	echo "console=ttyS0 kexec_dd=2:12160" >sys/proc/cmdline
	random_file a.bin 100
	mkcore sys/proc/vmcore --dd='nic0,-,file=a.bin' --dd='nic1,5000' --prstatus=1 \
		--vmcoreinfo='PAGESIZE=4096\n' --load=0x100000,4096
	# the layout stays out of DIR: the test reads it, vmcore-dd does not
	mv sys/proc/vmcore.layout c.layout
}

@test "--list with --sysroot and no VMCORE lists the device dumps of DIR/proc/vmcore" {
	run -0 --separate-stderr vdd --sysroot=sys --list
	cat >expected <<-'END'
	INDEX NAME                       SIZE     OFFSET
	    0 nic0                       4032     0x1040
	    1 nic1                       8128     0x2040
	expected 2 device dumps in 12160 bytes (kexec_dd=2:12160), found 2 (12160 bytes)
	END
	assert_output_file expected
}

@test "--notes with --sysroot and no VMCORE lists the notes of DIR/proc/vmcore" {
	run -0 --separate-stderr vdd --sysroot=sys --notes
	cat >expected <<-'END'
	INDEX OWNER      TYPE             SIZE     OFFSET DESCRIPTION
	    0 LINUX      NT_VMCOREDD      4076     0x1014 device dump "nic0", 4032 bytes at 0x1040
	    1 LINUX      NT_VMCOREDD      8172     0x2014 device dump "nic1", 8128 bytes at 0x2040
	    2 CORE       NT_PRSTATUS       336     0x4014 pid 1, signal 0, rip 0x0, rsp 0x0
	    3 VMCOREINFO VMCOREINFO         14     0x417c PAGESIZE 4096
	END
	assert_output_file expected
	[ -z "$stderr" ]
}

@test "--segments with --sysroot and no VMCORE lists the PT_LOADs of DIR/proc/vmcore" {
	run -0 --separate-stderr vdd --sysroot=sys --segments
	cat >expected <<-'END'
	INDEX              PADDR              VADDR         SIZE       OFFSET
	    1           0x100000 0xffff888000100000         4096       0x5000
	END
	assert_output_file expected
	[ -z "$stderr" ]
}

@test "--extract with --sysroot and no VMCORE writes the device dumps of DIR/proc/vmcore" {
	run -0 --separate-stderr vdd --sysroot=sys --extract=out
	cat >expected <<-'END'
	0 nic0 -> out/nic0 (4032 bytes)
	1 nic1 -> out/nic1 (8128 bytes)
	END
	assert_output_file expected
	cmp -n 100 out/nic0 a.bin
	[ "$(stat -c %s out/nic1)" -eq 8128 ]
}

@test "--dump with --sysroot and no VMCORE writes one device dump of DIR/proc/vmcore" {
	run -0 --separate-stderr vdd --sysroot=sys --dump=nic0 --to=got
	tail -c +$(($(layout c dd 0 data_offset) + 1)) sys/proc/vmcore | head -c "$(layout c dd 0 size)" >want
	cmp got want
	cmp -n 100 got a.bin
}

@test "--check with --sysroot and no VMCORE verifies DIR/proc/vmcore and names it" {
	run -0 --separate-stderr vdd --sysroot=sys --check
	cat >expected <<-'END'
	sys/proc/vmcore: ELF64 little-endian core, machine 62 (x86_64), 2 program headers (1 PT_NOTE, 1 PT_LOAD), 4 notes, 2 device dumps
	sys/proc/vmcore: OK
	END
	assert_output_file expected
}

@test "a VMCORE given by name wins over DIR/proc/vmcore in every mode" {
	mkcore c2 --dd='other,1'
	run -0 vdd --sysroot=sys --notes c2
	assert_output --partial 'device dump "other"'
	refute_output --partial nic0
	run -0 vdd --sysroot=sys --check c2
	assert_line --index 0 --partial "c2: ELF64"
}

@test "a --sysroot that is not a directory is a usage error in every mode" {
	for mode in --list --notes --segments --extract=out --dump=nic0 --check; do
		run -2 --separate-stderr vdd --sysroot=missing "$mode" sys/proc/vmcore
		[ "$stderr" = "vmcore-dd: --sysroot=missing: No such file or directory" ]
	done
	[ ! -e out ]
}
