#!/usr/bin/env bash
# Run each libFuzzer target for FUZZ_SECONDS with a seed corpus made by mkvmcore.
# Called by `make fuzz` with BUILD=<build dir> and the fuzzer binaries as arguments.
set -euo pipefail

BUILD=$(cd "${BUILD:?}" && pwd)
MKVMCORE="$BUILD/tests/tools/mkvmcore"
SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}

seeds() {
	local d=$1 i=0
	mkdir -p "$d"
	# small valid and malformed vmcores of every shape the reader knows
	while read -r args; do
		# shellcheck disable=SC2086
		"$MKVMCORE" --page-size=512 $args "$d/seed-$i" >/dev/null
		i=$((i + 1))
	done <<-'END'
	--dd=cxgb4_0000:02:00.4,100 --dd=x,1 --prstatus=1,11 --vmcoreinfo=OSRELEASE=6.12.0\nPAGESIZE=4096\nSYMBOL(prb)=ffffffff82000000\n
	--class=32 --machine=i386 --dd=a,10 --prstatus=2,6
	--endian=big --machine=s390 --dd=dasd,10 --prstatus=3
	--endian=big --machine=ppc64 --split-notes --dd=a,1 --dd=b,1 --vmcoreinfo=PAGESIZE=65536\n
	--class=32 --endian=big --machine=ppc --prstatus=4 --load=0x1000,512
	--dd=a,1 --set=note.0.descsz=20
	--dd=a,1 --dd=b,1 --set=note.1.namesz=0xfffffff0
	--dd=a,1 --load=0x100000,1024 --truncate=700
	--note=LINUX\x00,0x700,61626364 --note=CORE,1,00
	--dd-many=20,1
	END
}

# fuzz-printk: printk logs of every format from mkprintk, as vmcores and as bare images
# ("KXPK", flags, VMCOREINFO length, VMCOREINFO, image; see tests/fuzz/fuzz-printk.c)
byte() {
	# shellcheck disable=SC2059 # the octal escape is the format
	printf "\\$(printf '%03o' "$1")"
}

printk_seeds() {
	local d=$1 i=0 tmp load flags len
	local mkprintk="$BUILD/tests/tools/mkprintk"
	mkdir -p "$d"
	tmp=$(mktemp -d)
	while read -r vmargs args; do
		# shellcheck disable=SC2086
		load=$("$mkprintk" $args "$tmp/img" "$tmp/vi")
		# shellcheck disable=SC2086
		"$MKVMCORE" ${vmargs//,/ } --vmcoreinfo-file="$tmp/vi" $load "$d/seed-$i" >/dev/null
		flags=0
		case "$args" in *--class=32*) flags=$((flags | 1)) ;; esac
		case "$args" in *--endian=big*) flags=$((flags | 2)) ;; esac
		len=$(stat -c %s "$tmp/vi")
		{
			printf 'KXPK'
			byte "$flags"
			byte $((len & 255))
			byte $((len >> 8))
			cat "$tmp/vi" "$tmp/img"
		} >"$d/image-$i"
		i=$((i + 1))
	done <<-'END'
	--page-size=512 --count-bits=3 --size-bits=8 --gen=40,23 --empty --lost --rec=x --open=y
	--page-size=512 --count-bits=2 --size-bits=7 --exact-fit --gen=9,24 --reserve=z
	--page-size=512 --format=lockless-5.10 --count-bits=3 --size-bits=8 --gen=12,30
	--class=32,--machine=i386 --class=32 --count-bits=3 --size-bits=8 --gen=30,17
	--endian=big,--machine=ppc64 --endian=big --count-bits=3 --size-bits=8 --gen=30,17
	--page-size=512 --format=structured --caller-id --log-buf-len=256 --gen=20,20 --dict=A=b
	--page-size=512 --format=structured-3.5 --log-buf-len=128 --gen=9,9
	--endian=big,--machine=s390 --endian=big --format=structured --log-buf-len=256 --gen=20,20
	--page-size=512 --format=legacy --log-buf-len=128 --gen=9,9
	--page-size=512 --format=legacy --log-buf-len=128 --log-end=0xfffffff0 --gen=9,9
	--page-size=512 --count-bits=3 --size-bits=8 --gen=9,20 --set=info.2.text_len=300
	END
	rm -rf "$tmp"
}

# fuzz-iomem: the /proc/iomem files of the kexec fixtures, hostile variants, a state record and a
# command line (the target feeds every input to those parsers too)
iomem_seeds() {
	local d=$1 tmp k
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/kx-iomem-seeds.XXXXXX")
	mkdir -p "$d"
	for k in qemu-1g-6.1 qemu-1g-6.12 no-crashkernel ranges-8192; do
		bash "$(dirname "${BASH_SOURCE[0]}")/../fixtures/mk-kexec-sysroot.sh" "$k" "$tmp/$k"
		head -c 60000 "$tmp/$k/proc/iomem" >"$d/seed-$k"
	done
	printf '00000000-00000000 : System RAM\n  00000000-00000000 : Crash kernel\n' >"$d/seed-hidden"
	printf '00100000-7fffffff : System RAM\n  70000000-7fffffff : Crash kernel\n100000000-47fffffff : System RAM\n  460000000-47fffffff : Crash kernel\n' >"$d/seed-high"
	printf '00001000-00000fff : x\n  00000000-ffffffff : y\n' >"$d/seed-bad"
	printf 'version 1\ntime 1\nsyscall kexec_file_load\nflags 0x2\nkernel /k\\x41\ninitrd /i\ncmdline a b\ncwd /\narg -p\n' >"$d/seed-record"
	printf 'BOOT_IMAGE=/v root=x "crashkernel=1G" a="b c" -- crashkernel=2G\n' >"$d/seed-cmdline"
	rm -rf "$tmp"
}

# fuzz-kdump: small kdump-compressed files written here (the layout of tests/unit/test-kdump.c:
# 512-byte blocks; header, sub-header with a device-dump note, two bitmaps, descriptors, a raw
# page and a zlib page), in each header version that adds fields, plus the ELF seeds
le() {  # le VALUE BYTES
	local i
	for ((i = 0; i < $2; i++)); do byte $((($1 >> (8 * i)) & 255)); done
}

at() {  # at FILE OFFSET: stdin written at OFFSET
	dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none
}

kdump_seeds() {
	local d=$1 v f z
	seeds "$d"
	z=$(mktemp)
	{ printf '\x78\x9c'; head -c 512 /dev/zero | tr '\0' 3 | gzip -n -c | tail -c +11 | head -c -8
	  printf '\x00\x00\x00\x00'; } >"$z"
	for v in 1 3 4 5 6; do
		f="$d/kdump-v$v"
		head -c $((6 * 512)) /dev/zero >"$f"
		printf 'KDUMP   ' | at "$f" 0
		le "$v" 4 | at "$f" 8
		printf 'x86_64' | at "$f" $((12 + 4 * 65))
		{ le 512 4; le 1 4; le 2 4; le 16 4; } | at "$f" 428
		le 31 4 | at "$f" $((512 + 8))
		{ le $((512 + 0x100)) 8; le 72 8; } | at "$f" $((512 + 48))
		le 16 8 | at "$f" $((512 + 96))
		{ le 6 4; le 52 4; le 0x700 4; printf 'LINUX\0\0\0nic'; head -c 49 /dev/zero; } |
			at "$f" $((512 + 0x100))
		byte 10 | at "$f" 1024
		byte 10 | at "$f" 1536
		{ le $((5 * 512)) 8; le 512 4; le 0 4; le 0 8
		  le $((6 * 512)) 8; le "$(stat -c %s "$z")" 4; le 1 4; le 0 8; } | at "$f" 2048
		head -c 512 /dev/zero | tr '\0' 1 | at "$f" $((5 * 512))
		at "$f" $((6 * 512)) <"$z"
	done
	rm -f "$z"
}

# fuzz-dd: the ELF seeds and device dumps whose names extraction must make safe and unique
dd_seeds() {
	local d=$1 i=0
	seeds "$d"
	while read -r args; do
		# shellcheck disable=SC2086
		"$MKVMCORE" --page-size=512 $args "$d/names-$i" >/dev/null
		i=$((i + 1))
	done <<-'END'
	--dd=..,1 --dd=.,1 --dd=/,1 --dd=a/../../b,1 --dd=\x00,1 --dd=one,1
	--dd=a,1 --dd=a,1 --dd=a_1,1 --dd=a,1 --dd=a.partial,1 --dd=a,64 --truncate=1200
	--dd=\x1b[2J\xff\n,1 --dd=-x,1 --dd=dev0,1 --dd-many=8,1
	--dd=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr,1 --dd=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr,1
	END
}

# fuzz-unpack: every input tests/unit/test-unpack builds (UKIs, zboot images, each codec,
# truncated and hostile ones) and the real tools' output for a small Image-like file
unpack_seeds() {
	local d=$1 img
	mkdir -p "$d"
	KX_UNPACK_SEEDS=$d "$BUILD/tests/unit/test-unpack" >/dev/null
	img=$(mktemp)
	{ printf '\x10\x00\x00\x14'; head -c 52 /dev/zero; printf 'ARM\x64'; seq 1 3000; } >"$img"
	gzip -n -9 -c "$img" >"$d/tool.gz"
	xz -c "$img" >"$d/tool.xz"
	xz --format=lzma -c "$img" >"$d/tool.lzma"
	bzip2 -c "$img" >"$d/tool.bz2"
	zstd -q -19 -c "$img" >"$d/tool.zst"
	rm -f "$img"
}

failed=0
for f in "$@"; do
	name=$(basename "$f")
	corpus="$BUILD/tests/fuzz/corpus-$name"
	rm -rf "$corpus"
	case "$name" in
	fuzz-printk) printk_seeds "$corpus" ;;
	fuzz-iomem) iomem_seeds "$corpus" ;;
	fuzz-kdump) kdump_seeds "$corpus" ;;
	fuzz-dd) dd_seeds "$corpus" ;;
	fuzz-unpack) unpack_seeds "$corpus" ;;
	fuzz-fdt) mkdir -p "$corpus" && cp "$BUILD"/tests/fixtures/dts/*.dtb "$SRCDIR"/tests/fuzz/regress/fdt-* "$corpus"/ ;;
	*) seeds "$corpus" ;;
	esac
	echo "fuzz: $name for ${seconds}s ($(ls "$corpus" | wc -l) seeds)"
	# -malloc_limit_mb: no one allocation of the reader may exceed 64 MiB whatever the input;
	# -rss_limit_mb bounds the process, which holds libFuzzer's buffers (several of -max_len)
	# and ASan's quarantine of freed blocks (kept at 32 MiB, not its 256 MiB default, so
	# that the limit measures live memory); -timeout: an input that
	# takes 20 s is a hang (a normal one takes well under a millisecond), reported at once
	# instead of after libFuzzer's default 20 minutes; -max_len: 1 MiB, room for the input
	# sizes where quadratic work shows (tens of thousands of headers, notes or names).
	# fuzz-dd runs vmcore-dd's modes, which print: -close_fd_mask=3 keeps that out of the log
	# (libFuzzer's own report still reaches it). A failure keeps its input in
	# $artifacts and prints the report's head (what failed, and where), not only the stats.
	artifacts="$BUILD/tests/fuzz/artifacts-$name"
	rm -rf "$artifacts"
	mkdir -p "$artifacts"
	extra=()
	[ "$name" = fuzz-dd ] && extra=(-close_fd_mask=3)
	# fuzz-unpack: liblzma takes the 64 MiB dictionary of lzma -9 (the kernel's cmd_lzma) in
	# one allocation, which lib/unpack.c allows whatever the output limit
	[ "$name" = fuzz-unpack ] && extra=(-malloc_limit_mb=100)
	rc=0
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=32" \
	"$f" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=320 -malloc_limit_mb=64 \
		-max_len=1048576 "${extra[@]}" -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" \
		>"$artifacts/log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		grep -m1 -A40 -E '^==[0-9]+== ?ERROR|^ALARM|^SUMMARY|runtime error' "$artifacts/log" |
			head -n 60
		echo "fuzz: $name failed (exit $rc); input and log in $artifacts:"
		ls "$artifacts"
		failed=$((failed + 1))
	else
		tail -n 6 "$artifacts/log"
	fi
done
exit $((failed > 0))
