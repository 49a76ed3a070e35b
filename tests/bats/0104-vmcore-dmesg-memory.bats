#!/usr/bin/env bats
# vmcore-dmesg reads kernel memory through the PT_LOADs, or through VMCOREINFO where the PT_LOADs
# carry no usable virtual address, and streams: its memory does not grow with the log.

load helpers

: "${VMCORE_DMESG:=$(dirname "$VMCORE_DD")/vmcore-dmesg}"
: "${MKPRINTK:=$(dirname "$MKVMCORE")/mkprintk}"

vdm() { "$VMCORE_DMESG" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "a 32 MiB ring full of records is printed whole with a small, bounded RSS" {
	[ -x /usr/bin/time ] || skip "/usr/bin/time (GNU time) is missing"
	# 2^20 descriptors, 32 MiB of text: 144 MiB of ring that wrapped, 322638 records kept
	load=$("$MKPRINTK" --count-bits=20 --size-bits=25 --gen=400000,90 --expect=c.exp c.img c.vi)
	# shellcheck disable=SC2086
	"$MKVMCORE" --vmcoreinfo-file=c.vi $load c >/dev/null
	rm c.img
	/usr/bin/time -f '%M' -o rss "$VMCORE_DMESG" c >c.out
	cmp c.exp c.out
	assert_equal "$(wc -l <c.out)" 322638
	rss=$(tail -n 1 rss)
	# reading it whole would take 144 MiB; streaming takes a few (ASan builds: more, still bounded)
	((rss < 40 * 1024)) || fail "peak RSS $rss KiB"
}

@test "a direct map without PT_LOAD virtual addresses is found through NUMBER(PAGE_OFFSET)" {
	"$MKPRINTK" --gen=5,20 --expect=c.exp --key='NUMBER(PAGE_OFFSET)=0xffff888000000000' \
		c.img c.vi >/dev/null
	# the PT_LOAD's p_vaddr is its physical address, as some dump writers leave it
	"$MKVMCORE" --vmcoreinfo-file=c.vi --load=0x1000000,-,0x1000000,file=c.img c >/dev/null
	run -0 vdm c
	assert_output "$(cat c.exp)"
	# without the key there is no way to the memory, and the message says what is missing
	grep -v PAGE_OFFSET c.vi >d.vi
	"$MKVMCORE" --vmcoreinfo-file=d.vi --load=0x1000000,-,0x1000000,file=c.img d >/dev/null
	run -1 vdm d
	assert_output "vmcore-dmesg: d: the pointer prb (SYMBOL(prb)) at 0xffff888001000000 is in no PT_LOAD segment, and VMCOREINFO has no NUMBER(PAGE_OFFSET) or NUMBER(phys_base) to find its physical address"
}

@test "x86_64 kernel-image symbols without a PT_LOAD are found through NUMBER(phys_base)" {
	# the image at physical 64 MiB; its symbols at 0xffffffff81000000: phys_base = 48 MiB
	load=$("$MKPRINTK" --paddr=0x4000000 --sym-vaddr=0xffffffff81000000 --gen=5,20 \
		--key='NUMBER(phys_base)=50331648' --expect=c.exp c.img c.vi)
	# keep the direct-map PT_LOAD only (the first one mkprintk printed)
	"$MKVMCORE" --vmcoreinfo-file=c.vi "${load%% *}" c >/dev/null
	run -0 vdm c
	assert_output "$(cat c.exp)"
	# the fallback is for the kernel image only: a wrong phys_base finds other memory
	sed 's/^NUMBER(phys_base)=.*/NUMBER(phys_base)=0/' c.vi >d.vi
	"$MKVMCORE" --vmcoreinfo-file=d.vi "${load%% *}" d >/dev/null
	run -1 vdm d
	assert_output "vmcore-dmesg: d: the pointer prb (SYMBOL(prb)) at physical address 0x1000000 is in no PT_LOAD segment: the dump does not hold that memory (left out by the dump filter?)"
}

@test "thousands of PT_LOADs before the ring's cost no extra memory" {
	load=$("$MKPRINTK" --paddr=0x80000000 --gen=50,30 --expect=c.exp c.img c.vi)
	loads=()
	for ((i = 0; i < 3000; i++)); do
		loads+=("--load=$((i * 8192)),4K,,zero")
	done
	# shellcheck disable=SC2086
	"$MKVMCORE" "${loads[@]}" --vmcoreinfo-file=c.vi $load c >/dev/null
	run -0 vdm c
	assert_output "$(cat c.exp)"
}

@test "bytes between p_filesz and p_memsz read as zeros, not as a truncated file" {
	# a legacy buffer read whole (log_end = log_buf_len): its unused end is zeros
	"$MKPRINTK" --format=legacy --log-buf-len=4096 --rec=one --rec=two --set=log.end=4096 \
		c.img c.vi >/dev/null
	"$MKVMCORE" --vmcoreinfo-file=c.vi --load=0x1000000,8192,,file=c.img full >/dev/null
	# the same memory with the zeros left out of the file: p_filesz 4200, p_memsz 8192
	"$MKVMCORE" --vmcoreinfo-file=c.vi --load=0x1000000,4200,,file=c.img \
		--set=phdr.1.memsz=8192 cut >/dev/null
	vdm full >full.out
	vdm cut >cut.out
	cmp full.out cut.out
	assert_equal "$(stat -c %s cut.out)" 4096
	assert_equal "$(head -c 43 cut.out)" "$(printf '<6>[    0.000000] one\n<6>[    0.001234] two')"
}
