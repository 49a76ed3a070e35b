#!/usr/bin/env bats
# Hostile and damaged logs: every record that can be read is printed, the first problem is named
# with the VMCOREINFO key, kernel address or file offset concerned, exit 1.  Never a hang (each
# run has a time limit), never a crash.

load helpers

: "${VMCORE_DMESG:=$(dirname "$VMCORE_DD")/vmcore-dmesg}"
: "${MKPRINTK:=$(dirname "$MKVMCORE")/mkprintk}"

# every run ends within 20 s whatever the input (ASan builds included)
vdm() { timeout 20 "$VMCORE_DMESG" "$@"; }

mklog() {
	local core=$1 load
	local -a vm=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vm+=("$1"); shift; done
	shift
	load=$("$MKPRINTK" --expect="$core.exp" "$@" "$core.img" "$core.vi") || return 1
	# shellcheck disable=SC2086 # the --load options mkprintk printed
	"$MKVMCORE" "${vm[@]}" --vmcoreinfo-file="$core.vi" $load "$core" >/dev/null
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

records() {
	printf '[    0.000000] record 0 jklmnopqrst\n[    0.001234] record 1 qrstuvwxyza\n'
	printf '[    0.003703] record 3 efghijklmno\n[    0.004938] record 4 lmnopqrstuv'
}

@test "a log that walks to no record at all warns, naming the format, and exits 0" {
	mklog c -- --format=lockless
	run -0 --separate-stderr vdm c
	assert_output ""
	[ "$stderr" = "vmcore-dmesg: warning: c: the lockless printk log holds no record (0 malformed skipped): nothing was logged, or VMCOREINFO does not describe this memory" ]
	mklog s -- --format=structured
	run -0 --separate-stderr vdm s
	[[ "$stderr" == *"the structured printk log holds no record"* ]]
}

@test "a vmcore without a VMCOREINFO note is named as such" {
	"$MKVMCORE" --dd=a,1 c >/dev/null
	run -1 vdm c
	assert_output "vmcore-dmesg: c: the vmcore has no VMCOREINFO note, which names the kernel log (a dump of a kernel without CONFIG_CRASH_CORE, or not a Linux vmcore?)"
}

@test "VMCOREINFO that names no log says which keys were looked for" {
	mklog c -- --gen=3,10 --drop-key='SYMBOL(prb)'
	run -1 vdm c
	assert_output "vmcore-dmesg: c: VMCOREINFO names no kernel log: none of SYMBOL(prb) (lockless ring buffer, 5.10+), SYMBOL(log_first_idx) (structured log, 3.5-5.9) or SYMBOL(log_end) (legacy buffer) is there"
}

@test "a missing key is named" {
	mklog c -- --gen=3,10 --drop-key='OFFSET(prb_desc_ring.tail_id)'
	run -1 vdm c
	assert_output "vmcore-dmesg: c: VMCOREINFO names the lockless ring buffer (SYMBOL(prb), kernel 5.10+) but has no OFFSET(prb_desc_ring.tail_id), which is needed to read it (a truncated or damaged VMCOREINFO note?)"
	mklog s -- --format=structured --gen=3,10 --drop-key='OFFSET(printk_log.text_len)'
	run -1 vdm s
	assert_output --partial "names the structured log (SYMBOL(log_first_idx), kernel 3.5-5.9) but has no OFFSET(printk_log.text_len)"
}

@test "a key that is not a number, or puts a field outside its structure, is named" {
	mklog c -- --gen=3,10 --key='OFFSET(printk_info.ts_nsec)=eight'
	run -1 vdm c
	assert_output "vmcore-dmesg: c: VMCOREINFO OFFSET(printk_info.ts_nsec)=eight is not a number"
	mklog d -- --gen=3,10 --key='OFFSET(prb_data_ring.head_lpos)=30'
	run -1 vdm d
	assert_output "vmcore-dmesg: d: VMCOREINFO OFFSET(prb_data_ring.head_lpos)=30 puts a 8-byte field past the end of struct prb_data_ring (SIZE(prb_data_ring)=32)"
}

@test "an absurd count_bits or size_bits is refused with its offset, nothing is allocated for it" {
	mklog c -- --gen=3,10 --set=prb.count_bits=63
	run -1 vdm c
	assert_output "vmcore-dmesg: c: prb->desc_ring.count_bits is 63 (OFFSET(prb_desc_ring.count_bits)=0); the kernel has at most 2^26 descriptors (at offset 0x2040)"
	mklog d -- --gen=3,10 --set=prb.size_bits=0
	run -1 vdm d
	assert_output "vmcore-dmesg: d: prb->text_data_ring.size_bits is 0 (OFFSET(prb_data_ring.size_bits)=0); the kernel's text ring is 2^4 to 2^31 bytes (at offset 0x2070)"
}

@test "descriptor ids out of the ring's range are refused" {
	mklog c -- --gen=3,10 --set=prb.tail_id=5
	run -1 vdm c
	assert_output "vmcore-dmesg: c: prb->desc_ring tail_id 0x5 is 4611686018427387869 descriptors behind head_id 0x3fffffffffffffe2, but the ring holds only 32 (at offset 0x2060)"
	mklog d -- --gen=3,10 --set=prb.head_id=0xc000000000000002
	run -1 vdm d
	assert_output "vmcore-dmesg: d: prb->desc_ring head_id 0xc000000000000002 or tail_id 0x3fffffffffffffdf has state bits set: not descriptor ids (at offset 0x2058)"
}

@test "a NULL or unmapped prb pointer is named with its address" {
	mklog c -- --gen=3,10 --set=sym.prb=0
	run -1 vdm c
	assert_output "vmcore-dmesg: c: the pointer prb (SYMBOL(prb)) at 0xffff888001000000 is NULL"
	mklog d -- --gen=3,10 --set=sym.prb=0xffff8880dead0000
	run -1 vdm d
	assert_output "vmcore-dmesg: d: prb->desc_ring.count_bits at 0xffff8880dead0000 is in no PT_LOAD segment, and VMCOREINFO has no NUMBER(PAGE_OFFSET) or NUMBER(phys_base) to find its physical address"
}

@test "an unreadable descriptor array ends the walk" {
	mklog c -- --gen=3,10 --set=prb.descs=0x1000
	run -1 vdm c
	assert_output --regexp "^vmcore-dmesg: c: a descriptor's state_var at 0x[0-9a-f]+ is in no PT_LOAD segment"
}

@test "text_len past its data block: that record is reported, the others printed" {
	mklog c -- --gen=5,20 --set=info.2.text_len=5000
	run -1 --separate-stderr vdm c
	assert_output "$(records)"
	assert_equal "$stderr" "vmcore-dmesg: c: record 2: text_len 5000 runs past its 24-byte data block at lpos 0xfffffffffffffc40 (at offset 0x33c0)"
}

@test "a data block outside the ring's tail and head is reported" {
	mklog c -- --gen=5,20 --set=desc.2.begin=0x100
	run -1 --separate-stderr vdm c
	assert_output "$(records)"
	assert_equal "$stderr" "vmcore-dmesg: c: record 2: text block [0x100, 0xfffffffffffffc60) is not inside the text ring's [tail_lpos 0xfffffffffffffc00, head_lpos 0xfffffffffffffca0] (at offset 0x3038)"
}

@test "half a data-less position is reported" {
	mklog c -- --gen=5,20 --set=desc.2.begin=1
	run -1 --separate-stderr vdm c
	assert_output "$(records)"
	assert_equal "$stderr" "vmcore-dmesg: c: record 2: text_blk_lpos begin 0x1 next 0xfffffffffffffc60 mixes a data-less and a real position (at offset 0x3038)"
}

@test "a sequence number of another descriptor index is reported" {
	mklog c -- --gen=5,20 --set=info.2.seq=7
	run -1 --separate-stderr vdm c
	assert_output "$(records)"
	assert_equal "$stderr" "vmcore-dmesg: c: descriptor id 0x3fffffffffffffe2 (index 2) has printk_info.seq 7, which belongs to index 7 (at offset 0x33b0)"
}

@test "several malformed records: the first is named, and how many there were" {
	mklog c -- --gen=5,20 --set=info.1.text_len=999 --set=info.2.text_len=999 --set=info.3.text_len=999
	run -1 --separate-stderr vdm c
	assert_output $'[    0.000000] record 0 jklmnopqrst\n[    0.004938] record 4 lmnopqrstuv'
	assert_equal "$stderr" $'vmcore-dmesg: c: record 1: text_len 999 runs past its 24-byte data block at lpos 0xfffffffffffffc20 (at offset 0x3368)\nvmcore-dmesg: c: 3 malformed records in all'
}

@test "--json reports the problem in an error member, after the records" {
	mklog c -- --gen=5,20 --set=info.2.text_len=5000
	run -1 --separate-stderr vdm --json c
	echo "$output" | jq -e '(.records | length) == 4 and .error.offset == 13248 and
		(.error.message | startswith("record 2: text_len 5000"))'
}

@test "structured log: a zero-length record inside the live region is no wrap" {
	mklog c -- --format=structured --gen=5,20 --set=rec.2.len=0
	run -1 --separate-stderr vdm c
	assert_output $'[    0.000000] record 0 jklmnopqrst\n[    0.001234] record 1 qrstuvwxyza'
	assert_equal "$stderr" "vmcore-dmesg: c: zero-length record at log_buf index 72 wraps the log where it can't wrap (log_first_idx 0, log_next_idx 180) (at offset 0x3048)"
}

@test "structured log: a second wrap is a cycle and ends the walk" {
	mklog c -- --format=structured --log-buf-len=256 --gen=31,20
	# the log wrapped once; the record now at offset 0 gets length 0, a second wrap
	run -0 vdm c
	mklog d -- --format=structured --log-buf-len=256 --gen=31,20 --set=rec.30.len=0
	run -1 --separate-stderr vdm d
	assert_equal "$stderr" "vmcore-dmesg: d: zero-length record at log_buf index 0 wraps the log a second time: a cycle (log_first_idx 72, log_next_idx 36) (at offset 0x3000)"
}

@test "structured log: a length shorter than the header, or past log_next_idx, ends the walk" {
	mklog c -- --format=structured --gen=5,20 --set=rec.2.len=4
	run -1 --separate-stderr vdm c
	assert_equal "$stderr" "vmcore-dmesg: c: record at log_buf index 72 has len 4, which is shorter than its header (at offset 0x3050)"
	mklog d -- --format=structured --gen=5,20 --set=log.next_idx=50
	run -1 --separate-stderr vdm d
	assert_output "[    0.000000] record 0 jklmnopqrst"
	assert_equal "$stderr" "vmcore-dmesg: d: record at log_buf index 36 has len 36, which runs past log_next_idx (at offset 0x302c)"
}

@test "structured log: text_len past the record's len is reported, the others printed" {
	mklog c -- --format=structured --gen=5,20 --set=rec.1.text_len=900
	run -1 --separate-stderr vdm c
	assert_line --index 1 "[    0.002469] record 2 xyzabcdefgh"
	assert_equal "$stderr" "vmcore-dmesg: c: record at log_buf index 36: text_len 900 + dict_len 0 runs past its len 36 (at offset 0x302e)"
}

@test "an absurd log_buf_len is refused (structured and legacy)" {
	mklog c -- --format=structured --gen=5,20 --set=log.buf_len=0x90000000
	run -1 vdm c
	assert_output "vmcore-dmesg: c: log_buf_len is 2415919104 (at SYMBOL(log_buf_len)=ffff888001000010); the kernel's log is 16 bytes to 2 GiB"
	mklog d -- --format=legacy --gen=5,20 --set=log.buf_len=1000
	run -1 vdm d
	assert_output "vmcore-dmesg: d: log_buf_len is 1000 (at SYMBOL(log_buf_len)=ffff888001000014); the kernel's is a power of two up to 2 GiB"
}

@test "a vmcore cut inside the ring is reported truncated" {
	mklog c --truncate=9000 -- --gen=5,20
	run -1 vdm c
	assert_output "vmcore-dmesg: c: truncated: 8 bytes needed at 0x32e8 but the file ends at 0x2328 (at offset 0x32e8)"
}

@test "kdump-compressed dumps are refused with the way out" {
	"$MKVMCORE" --dd=x,1 c >/dev/null
	printf 'KDUMP   ' | dd of=c conv=notrunc status=none
	run -1 vdm c
	assert_output --partial "this is a kdump-compressed dump (makedumpfile -c/-l/-p)"
}

@test "random bytes in place of the ring end in an error or in records, never a hang or crash" {
	mklog c -- --count-bits=6 --size-bits=10 --gen=200,30
	size=$(stat -c %s c)
	for seed in 1 2 3 4 5 6 7 8; do
		cp c r
		# overwrite the descriptors, infos and data (past the first page of the image) at random
		head -c $((size - 12288)) /dev/urandom | dd of=r bs=1 seek=12288 conv=notrunc status=none
		run vdm r
		((status == 0 || status == 1)) || fail "status $status for seed $seed: $output"
	done
}
