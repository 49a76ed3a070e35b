#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vmcore-dmesg against `makedumpfile --dump-dmesg`, in one run, on the same kdump-compressed file
# (makedumpfile -c -d 1 of an ELF vmcore): wall time of each, their ratio, peak RSS of each, and
# whether the logs are the same text (makedumpfile prints the same "[%5lu.%06lu] text" lines).
# Without VMCORE, a synthetic x86_64 ELF vmcore (mkprintk + mkvmcore, with the utsname, page
# tables and struct page keys makedumpfile needs; see tests/bats/0301-kdump-compressed.bats): a
# lockless ring of 32 MiB of text that wrapped, full of records.
#
# Environment:
#   VMCORE        a real ELF vmcore (e.g. a lab capture) to convert instead of the synthetic one
#   BUILD         build directory (default: the repository's build/)
#   MAKEDUMPFILE  the peer (default: /usr/sbin/makedumpfile or /usr/bin/makedumpfile)
#   TMPDIR        where the files go (default /tmp)
# Exit status: 0 when both ran, 1 otherwise.
set -euo pipefail
export LC_ALL=C

prog="vmcore-dmesg-kdump.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${BUILD:-$(dirname "$here")/build}
VMCORE_DMESG=${VMCORE_DMESG:-$BUILD/vmcore/vmcore-dmesg}
MKPRINTK=${MKPRINTK:-$BUILD/tests/tools/mkprintk}
MKVMCORE=${MKVMCORE:-$BUILD/tests/tools/mkvmcore}
MAKEDUMPFILE=${MAKEDUMPFILE:-/usr/sbin/makedumpfile}
[[ -x $MAKEDUMPFILE ]] || MAKEDUMPFILE=/usr/bin/makedumpfile

die() {
	echo "$prog: $*" >&2
	exit 1
}

[[ -x $VMCORE_DMESG ]] || die "no vmcore-dmesg at $VMCORE_DMESG: build it first, or set BUILD"
[[ -x $MAKEDUMPFILE ]] || die "no makedumpfile: apt-get install -y makedumpfile, or set MAKEDUMPFILE"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing: apt-get install -y time"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmcore-dmesg-kdump-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

put64() {
	local i
	for i in 0 1 2 3 4 5 6 7; do
		# shellcheck disable=SC2059
		printf "\\$(printf '%03o' $((($3 >> (8 * i)) & 255)))"
	done | dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none
}

if [[ -n ${VMCORE:-} ]]; then
	[[ -r $VMCORE ]] || die "VMCORE=$VMCORE is not a readable file"
	elf=$VMCORE
	what="$VMCORE (given)"
else
	[[ -x $MKPRINTK && -x $MKVMCORE ]] || die "no mkprintk/mkvmcore in $BUILD/tests/tools: make tests"
	elf=$tmp/vmcore
	load=$("$MKPRINTK" --osrelease=6.12.0-kx --count-bits=20 --size-bits=25 --gen=400000,90 \
		"$tmp/img" "$tmp/vi")
	cat >>"$tmp/vi" <<-'END'
	SYMBOL(init_uts_ns)=ffffffff83000000
	OFFSET(uts_namespace.name)=4
	SYMBOL(init_top_pgt)=ffffffff83001000
	NUMBER(phys_base)=486539264
	SYMBOL(mem_map)=ffffffff83000800
	SIZE(page)=64
	OFFSET(page.flags)=0
	OFFSET(page._refcount)=52
	OFFSET(page.mapping)=24
	OFFSET(page.lru)=8
	END
	k=$tmp/kimg
	head -c 20480 /dev/zero >"$k"
	printf 'Linux' | dd of="$k" bs=1 seek=4 conv=notrunc status=none
	printf '6.12.0-kx' | dd of="$k" bs=1 seek=134 conv=notrunc status=none
	printf 'x86_64' | dd of="$k" bs=1 seek=264 conv=notrunc status=none
	put64 "$k" 0x800 0xffffea0000000000
	# at paddr 0x20000000, past the log (phys_base 0x1d000000 maps the kernel image there)
	put64 "$k" $((0x1000 + 511 * 8)) 0x20002063
	put64 "$k" $((0x1000 + 273 * 8)) 0x20004063
	put64 "$k" $((0x2000 + 510 * 8)) 0x20003063
	put64 "$k" $((0x3000 + 24 * 8)) 0x200000e3
	put64 "$k" 0x4000 0xe3
	# shellcheck disable=SC2086 # the --load options mkprintk printed
	"$MKVMCORE" --vmcoreinfo-file="$tmp/vi" $load \
		--load=0x20000000,0x5000,0xffffffff83000000,file="$k" "$elf" >/dev/null
	what="synthetic: 400000 records of 90 bytes through a 32 MiB lockless ring"
fi
kd=$tmp/kdump
"$MAKEDUMPFILE" -c -d 1 "$elf" "$kd" >"$tmp/mdf.log" 2>&1 || { cat "$tmp/mdf.log"; die "makedumpfile -c failed"; }

# run NAME CMD...: wall seconds and peak RSS (KiB) of one run
run() {
	local name=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	/usr/bin/time -f %M -o "$tmp/$name.rss" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" ||
		{ cat "$tmp/$name.err"; die "$name failed"; }
	t1=$EPOCHREALTIME
	echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }' >"$tmp/$name.time"
}

run ours "$VMCORE_DMESG" "$kd"
rm -f "$tmp/peer.txt"
run peer "$MAKEDUMPFILE" --dump-dmesg "$kd" "$tmp/peer.txt"

ours_t=$(cat "$tmp/ours.time") peer_t=$(cat "$tmp/peer.time")
same=no
cmp -s "$tmp/ours.out" "$tmp/peer.txt" && same=yes
printf 'vmcore: %s\nkdump-compressed file: %s bytes (makedumpfile -c -d 1)\n' "$what" "$(stat -c %s "$kd")"
printf '%-28s %10s %14s %8s\n' tool seconds 'peak RSS KiB' lines
printf '%-28s %10s %14s %8s\n' "vmcore-dmesg (ours)" "$ours_t" "$(cat "$tmp/ours.rss")" "$(wc -l <"$tmp/ours.out")"
printf '%-28s %10s %14s %8s\n' "makedumpfile --dump-dmesg" "$peer_t" "$(cat "$tmp/peer.rss")" "$(wc -l <"$tmp/peer.txt")"
awk -v o="$ours_t" -v p="$peer_t" 'BEGIN { if (o > 0) printf "ratio (peer / ours): %.2fx\n", p / o }'
echo "same output: $same"
