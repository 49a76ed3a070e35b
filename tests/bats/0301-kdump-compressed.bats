#!/usr/bin/env bats
# vmcore-dd and vmcore-dmesg read makedumpfile's kdump-compressed files as they read the ELF
# vmcore they were made from.  The files come from Debian's makedumpfile (zlib -c, lzo -l, plain;
# snappy and zstd when it was built with them) run on a synthetic x86_64 vmcore: mkprintk's log,
# device dumps, and the bits makedumpfile insists on (a utsname, page tables, struct page keys).

load helpers

: "${VMCORE_DMESG:=$(dirname "$VMCORE_DD")/vmcore-dmesg}"
: "${MKPRINTK:=$(dirname "$MKVMCORE")/mkprintk}"
MAKEDUMPFILE=${MAKEDUMPFILE:-/usr/sbin/makedumpfile}
[ -x "$MAKEDUMPFILE" ] || MAKEDUMPFILE=/usr/bin/makedumpfile

vdm() { "$VMCORE_DMESG" "$@"; }

# put64 FILE OFFSET VALUE: a little-endian 64-bit value at OFFSET
put64() {
	local i
	for i in 0 1 2 3 4 5 6 7; do
		# shellcheck disable=SC2059 # the octal escape is the format
		printf "\\$(printf '%03o' $((($3 >> (8 * i)) & 255)))"
	done | dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none
}

# kimage FILE: 20 KiB of kernel memory at paddr 0x3000000 = vaddr 0xffffffff83000000:
# init_uts_ns (name at +4), a mem_map pointer at +0x800, and 4-level page tables from +0x1000
# that map the kernel image (2 MiB page) and the direct map 0xffff888000000000 (1 GiB page at 0)
kimage() {
	head -c 20480 /dev/zero >"$1"
	printf 'Linux' | dd of="$1" bs=1 seek=4 conv=notrunc status=none
	printf 'kx' | dd of="$1" bs=1 seek=69 conv=notrunc status=none
	printf '6.12.0-kx' | dd of="$1" bs=1 seek=134 conv=notrunc status=none
	printf 'x86_64' | dd of="$1" bs=1 seek=264 conv=notrunc status=none
	put64 "$1" 0x800 0xffffea0000000000
	put64 "$1" $((0x1000 + 511 * 8)) 0x3002063
	put64 "$1" $((0x1000 + 273 * 8)) 0x3004063
	put64 "$1" $((0x2000 + 510 * 8)) 0x3003063
	put64 "$1" $((0x3000 + 24 * 8)) 0x30000e3
	put64 "$1" 0x4000 0xe3
}

# mkelf CORE [mkprintk options]: an x86_64 ELF vmcore makedumpfile accepts (CORE.exp: the log)
mkelf() {
	local core=$1 load
	shift
	load=$("$MKPRINTK" --expect="$core.exp" --osrelease=6.12.0-kx "$@" "$core.img" "$core.vi") ||
		return 1
	cat >>"$core.vi" <<-'END'
	SYMBOL(init_uts_ns)=ffffffff83000000
	OFFSET(uts_namespace.name)=4
	SYMBOL(init_top_pgt)=ffffffff83001000
	NUMBER(phys_base)=0
	SYMBOL(mem_map)=ffffffff83000800
	SIZE(page)=64
	OFFSET(page.flags)=0
	OFFSET(page._refcount)=52
	OFFSET(page.mapping)=24
	OFFSET(page.lru)=8
	END
	kimage "$core.kimg"
	# shellcheck disable=SC2086 # the --load options mkprintk printed
	"$MKVMCORE" --dd='cxgb4_0000:02:00.4,100000' --dd=qla2xxx,5000,zero --dd=x,1 --prstatus=1 \
		--vmcoreinfo-file="$core.vi" $load \
		--load=0x3000000,0x5000,0xffffffff83000000,file="$core.kimg" \
		--load=0,1M --load=0x2000000,64K "$core" >/dev/null
}

# kd ELF OUT [makedumpfile options]: makedumpfile's kdump-compressed OUT (skip when the option
# names a compression this makedumpfile lacks)
kd() {
	local elf=$1 out=$2
	shift 2
	[ -x "$MAKEDUMPFILE" ] || skip "makedumpfile (apt-get install makedumpfile) is missing"
	rm -f "$out"
	if ! "$MAKEDUMPFILE" "$@" "$elf" "$out" >"$out.log" 2>&1; then
		grep -q 'USE.*=on' "$out.log" && skip "this makedumpfile lacks $*"
		cat "$out.log"
		return 1
	fi
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	mkelf c --rec='Linux version 6.12.0-kx' --ts=1500000 --rec='tab\there' --gen=50,40 \
		--rec='ctl \x01\x7f\x80\xff'
}

# same_as_elf KDUMP: the device dumps (names, sizes, bytes) and the log are the ELF original's
same_as_elf() {
	vdd -o NAME,SIZE c >c.list
	run -0 vdd -o NAME,SIZE "$1"
	assert_output_file c.list
	rm -rf x.elf x.kd
	vdd -x x.elf c >/dev/null
	vdd -x x.kd "$1" >/dev/null
	diff -r x.elf x.kd
	vdm c >c.dmesg
	cmp c.exp c.dmesg
	run -0 vdm "$1"
	assert_output_file c.dmesg
}

@test "zlib (-c): device dumps and dmesg are those of the ELF original" {
	kd c c.kd -c -d 0
	same_as_elf c.kd
}

@test "lzo (-l): device dumps and dmesg are those of the ELF original" {
	kd c c.kd -l -d 0
	same_as_elf c.kd
}

@test "uncompressed kdump format: device dumps and dmesg are those of the ELF original" {
	kd c c.kd -d 0
	same_as_elf c.kd
}

@test "-p (snappy) and -z (zstd) files read the same (plain pages when makedumpfile lacks them)" {
	kd c c.kd -p -d 0
	same_as_elf c.kd
	kd c c.kz -z -d 0
	same_as_elf c.kz
}

@test "dump level 1 (zero pages left out) still gives the same dmesg" {
	kd c c.kd -c -d 1
	same_as_elf c.kd
}

@test "makedumpfile keeps the device-dump notes verbatim; --dump copies their bytes from the file" {
	kd c c.kd -c -d 0
	vdd -d 'cxgb4_0000:02:00.4' c >a.elf
	vdd -d 'cxgb4_0000:02:00.4' c.kd >a.kd
	cmp a.elf a.kd
	[ "$(stat -c %s a.kd)" -eq 102336 ]
	# --notes lists the same owners, types and sizes
	vdd -n -o OWNER,TYPE,SIZE c >n.elf
	run -0 vdd -n -o OWNER,TYPE,SIZE c.kd
	assert_output_file n.elf
}

@test "--segments shows the dumped pfn range and dump level instead of PT_LOADs" {
	kd c c.kd -c -d 1
	run -0 vdd -s -r -o START-PFN,END-PFN,DUMP-LEVEL,PART,FIRST-PFN c.kd
	assert_output "$(printf '%s\n' 'START-PFN END-PFN DUMP-LEVEL PART FIRST-PFN' \
		'0x0 0x3005 1 whole 0x0')"
	run -0 vdd -s -J -o PAGES c.kd
	assert_output --partial '"pages": '
}

@test "--check verifies a kdump-compressed file and names the format" {
	kd c c.kd -l -d 0
	run -0 vdd --check c.kd
	assert_line --index 0 'c.kd: kdump-compressed dump (header version 6), little-endian, machine x86_64, 4096-byte pages, dump level 0, whole, 5 notes, 3 device dumps'
	assert_line --index 1 'c.kd: OK'
	run -0 vdd --check -J c.kd
	assert_output --partial '"format": "kdump-compressed"'
}

@test "the format is found by content, whatever the file is called" {
	kd c c.kd -c -d 0
	cp c.kd vmcore.elf
	run -0 vdd -o NAME vmcore.elf
	assert_line --index 1 'cxgb4_0000:02:00.4'
}

@test "makedumpfile's flattened format (-F) is refused, naming makedumpfile -R" {
	[ -x "$MAKEDUMPFILE" ] || skip "makedumpfile is missing"
	"$MAKEDUMPFILE" -F -c -d 0 c >c.flat 2>/dev/null
	run -1 vdd c.flat
	assert_output --partial "makedumpfile -R"
	run -1 vdm c.flat
	assert_output --partial "makedumpfile -R"
}

@test "one part of a split dump is read and said to be one part" {
	[ -x "$MAKEDUMPFILE" ] || skip "makedumpfile is missing"
	"$MAKEDUMPFILE" --split -c -d 0 c p1 p2 >/dev/null 2>&1
	[ -s p1 ] && [ -s p2 ]
	run -0 vdd -s -o PART p1
	assert_line --index 1 'split'
	run -0 vdd --check p2
	assert_output --partial 'one part of a split dump'
	# the notes are in every part
	run -0 vdd -o NAME p2
	assert_line --index 1 'cxgb4_0000:02:00.4'
	# the part holding the log prints it
	vdm c >c.dmesg
	run -0 vdm p1
	assert_output_file c.dmesg
}

# ---- hostile input: bytes of a makedumpfile output edited at offsets read from its header

get32() { od -A n -t u4 -j $(($2)) -N 4 "$1" | tr -d ' '; }
get64() { od -A n -t u8 -j $(($2)) -N 8 "$1" | tr -d ' '; }
put32() {
	local i
	for i in 0 1 2 3; do
		# shellcheck disable=SC2059
		printf "\\$(printf '%03o' $((($3 >> (8 * i)) & 255)))"
	done | dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none
}

# bad FILE: c.kd (zlib) copied to FILE; BS, DESC (descriptors) and PD (descriptor of pfn 0x1000,
# where the log starts) from its header
bad() {
	kd c c.kd -c -d 0
	cp c.kd "$1"
	BS=$(get32 "$1" 428)
	DESC=$(((1 + $(get32 "$1" 432) + $(get32 "$1" 436)) * BS))
	PD=$((DESC + 256 * 24))
}

# fails TOOL FILE MESSAGE: exit 1 and MESSAGE on stderr
fails() {
	run -1 --separate-stderr "$1" "$2"
	[[ "$stderr" == *"$3"* ]] || { echo "stderr: $stderr"; return 1; }
}

@test "malformed: a header cut short is truncated at its offset" {
	bad b
	head -c 300 c.kd >b
	fails vdd b 'truncated: the kdump-compressed header (464 bytes at 0x0) runs past the end of the file at 0x12c'
}

@test "malformed: a header_version of 0 is not makedumpfile's" {
	bad b
	put32 b 8 0
	fails vdd b 'kdump-compressed header_version is 0 in either byte order'
}

@test "malformed: block_size must be a power of two" {
	bad b
	put32 b 428 1000
	fails vdd b 'block_size 1000 is not a power of two between 512 and 262144 (at offset 0x1ac)'
}

@test "malformed: sub_hdr_size 0 leaves no sub-header" {
	bad b
	put32 b 432 0
	fails vdm b 'sub_hdr_size is 0'
}

@test "malformed: bitmaps too small for max_mapnr" {
	bad b
	put32 b 436 0
	fails vdd b "0 bitmap blocks (0 bytes per bitmap) can't hold max_mapnr 12293 bits"
}

@test "malformed: a max_mapnr beyond any machine" {
	bad b
	put64 b $((BS + 96)) 0x7fffffffffffffff
	fails vdd b 'max_mapnr 9223372036854775807 is beyond any machine'
}

@test "malformed: bitmaps past the end of the file" {
	bad b
	truncate -s $((DESC - BS)) b
	fails vdd b "truncated: the bitmaps (8192 bytes at 0x$(printf %x $((DESC - 2 * BS)))) run past the end of the file"
}

@test "malformed: a note area past the end of the file" {
	bad b
	put64 b $((BS + 48)) 0x10000000
	fails vdd b 'kdump sub-header: the notes'
	assert_equal "$(vdd b 2>&1 >/dev/null | grep -c 'runs past the end of the file')" 1
}

@test "malformed: page descriptors past the end of the file fail --check and vmcore-dmesg" {
	bad b
	truncate -s $((DESC + 100)) b
	run -1 vdd --check b
	assert_output --partial "truncated: 280 page descriptors at 0x$(printf %x $DESC) run past the end of the file"
	fails vdm b 'truncated: a page descriptor (24 bytes at'
}

@test "malformed: a descriptor pointing past the end of the file" {
	bad b
	put64 b "$PD" 0x7000000000
	fails vdm b 'page descriptor of pfn 0x1000 points at'
	run -1 vdd --check b
	assert_output --partial 'page descriptor 256 points at'
}

@test "malformed: a descriptor larger than a page" {
	bad b
	put32 b $((PD + 8)) 8192
	fails vdm b 'page descriptor of pfn 0x1000: size 8192 is not in (0, 4096]'
}

@test "malformed: a descriptor naming two compressions" {
	bad b
	put32 b $((PD + 12)) 3
	fails vdm b 'names more than one compression (flags 0x3)'
}

@test "malformed: corrupt zlib data is a clear error, not a crash" {
	bad b
	off=$(get64 b "$PD")
	head -c 64 /dev/urandom | dd of=b bs=1 seek="$off" conv=notrunc status=none
	fails vdm b "page data at 0x$(printf %x "$off")"
}

@test "malformed: a decompression bomb (more than a page) is refused" {
	bad b
	off=$(get64 b "$PD")
	{
		printf '\x78\x9c'
		head -c 65536 /dev/zero | gzip -n -c | tail -c +11 | head -c -8
		printf '\x00\x00\x00\x01'
	} >bomb
	dd if=bomb of=b bs=1 seek="$off" conv=notrunc status=none
	put32 b $((PD + 8)) "$(stat -c %s bomb)"
	fails vdm b "does not decompress to one 4096-byte page (corrupt, or larger than a page)"
}

@test "a 32-bit kernel's kdump-compressed dump is refused, naming makedumpfile -E" {
	bad b
	printf 'i686\0\0' | dd of=b bs=1 seek=$((12 + 4 * 65)) conv=notrunc status=none
	fails vdd b "only 64-bit layouts are read; convert it with 'makedumpfile -E'"
}
