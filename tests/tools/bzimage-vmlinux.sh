#!/usr/bin/env bash
# bzimage-vmlinux.sh BZIMAGE OUT: write the ELF vmlinux a bzImage carries (the x86 boot
# protocol's payload: payload_offset at 0x248 and payload_length at 0x24c, counted from the end of
# the setup code, (setup_sects at 0x1f1, 0 meaning 4) + 1 sectors of 512 bytes), decompressed
# with the tool its magic names.  The payload's last 4 bytes (the decompressed size, for the
# decompressor) are not part of the stream.  For the lab's ELF vmlinux scenario and tests.
set -euo pipefail

in=${1:?usage: bzimage-vmlinux.sh BZIMAGE OUT}
out=${2:?usage: bzimage-vmlinux.sh BZIMAGE OUT}
u8() { od -An -tu1 -j "$1" -N 1 "$in" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N 4 "$in" | tr -d ' '; }

[ "$(dd if="$in" bs=1 skip=$((0x202)) count=4 status=none)" = HdrS ] ||
	{ echo "bzimage-vmlinux: $in: no HdrS at 0x202: not a bzImage" >&2; exit 1; }
sects=$(u8 $((0x1f1)))
[ "$sects" -ne 0 ] || sects=4
start=$(( (sects + 1) * 512 + $(u32 $((0x248))) ))
len=$(( $(u32 $((0x24c))) - 4 ))
magic=$(od -An -tx1 -j "$start" -N 6 "$in" | tr -d ' ')
case $magic in
1f8b*) dec=(gzip -dc) ;;
fd377a585a00) dec=(xz -dc) ;;
28b52ffd*) dec=(zstd -dcq) ;;
425a68*) dec=(bzip2 -dc) ;;
5d0000*) dec=(xz --format=lzma -dc) ;;
*) echo "bzimage-vmlinux: $in: payload at $start starts with $magic: not a codec this script knows" >&2
   exit 1 ;;
esac
dd if="$in" bs=1M iflag=skip_bytes,count_bytes skip="$start" count="$len" status=none | "${dec[@]}" >"$out.tmp"
[ "$(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
	{ rm -f "$out.tmp"; echo "bzimage-vmlinux: $in: the payload is not an ELF file" >&2; exit 1; }
mv "$out.tmp" "$out"
