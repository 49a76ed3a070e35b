#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vmcore-dmesg on a vmcore whose printk log is cut into many PT_LOADs in shuffled header
# order, against Debian's vmcore-dmesg (kexec-tools), in one run: the log of mkprintk (40000
# records in a 4 MiB ring) in pieces of 4096, 1024, 256 and 39 bytes (1921, 7684, 30736 and
# 201754 PT_LOADs; from 65535 on, e_phnum is PN_XNUM as in makedumpfile's ELF dumps), so that
# nearly every read misses the reader's segment cache.  Printed: the wall
# time of each reader, their ratio, and whether each output is the same bytes as vmcore-dmesg's
# output for the log in one PT_LOAD (the reference).  A scan of the program headers on each
# miss made this quadratic (200k PT_LOADs: 38 s); the sorted table makes a miss O(log N).
#
# Environment: BUILD (default ./build), VMCORE_DMESG, MKPRINTK, MKVMCORE, PEER (default
# /usr/sbin/vmcore-dmesg), TMPDIR.  Exit status: 0 when every vmcore-dmesg run matched the
# reference, 1 otherwise (the peer's output is reported, not judged).
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "${BUILD:-$(dirname "$here")/build}" && pwd)
VMCORE_DMESG=${VMCORE_DMESG:-$BUILD/vmcore/vmcore-dmesg}
MKPRINTK=${MKPRINTK:-$BUILD/tests/tools/mkprintk}
MKVMCORE=${MKVMCORE:-$BUILD/tests/tools/mkvmcore}
PEER=${PEER:-/usr/sbin/vmcore-dmesg}
VMCORE_DMESG=$(realpath "$VMCORE_DMESG")
[ -x "$PEER" ] || { echo "vmcore-dmesg-loads.sh: no peer at $PEER (apt-get install kexec-tools)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kx-bench-loads.XXXXXX")
trap 'rm -rf "$work"' EXIT

# secs OUT CMD…: wall seconds of CMD, its output in OUT
secs() { local out=$1 t0=$EPOCHREALTIME; shift; "$@" >"$out" 2>/dev/null || return 1; bc <<<"$EPOCHREALTIME - $t0"; }

cd "$work"
load=$("$MKPRINTK" --count-bits=15 --size-bits=22 --gen=40000,80 img vi)
# shellcheck disable=SC2086 # the --load option mkprintk printed
"$MKVMCORE" --vmcoreinfo-file=vi $load whole >/dev/null
"$VMCORE_DMESG" whole >reference
paddr=$(sed 's/^--load=\([^,]*\),.*/\1/' <<<"$load")
vaddr=$(sed 's/^--load=[^,]*,[^,]*,\([^,]*\),.*/\1/' <<<"$load")
status=0
for piece in 4096 1024 256 39; do
	rm -rf parts && mkdir parts
	split -b "$piece" -d -a 6 img parts/
	# one --load per piece, in shuffled order (the last piece may be short)
	size=$(stat -c %s img)
	ls parts | shuf --random-source=<(yes) | while read -r f; do
		k=$((10#$f))
		len=$((size - k * piece > piece ? piece : size - k * piece))
		printf '0x%x,%d,0x%x,file=parts/%s\n' $((paddr + k * piece)) "$len" $((vaddr + k * piece)) "$f"
	done >loads
	nloads=$(wc -l <loads)
	"$MKVMCORE" --page-size=512 --loads-from=loads --vmcoreinfo-file=vi core >/dev/null
	t_ours=$(secs ours "$VMCORE_DMESG" core) || { echo "$nloads PT_LOADs: vmcore-dmesg failed"; status=1; continue; }
	t_peer=$(secs peer "$PEER" core) || t_peer=
	same=same
	cmp -s ours reference || { same=DIFFERENT; status=1; }
	peer_same=same
	cmp -s peer reference || peer_same=different
	printf '%6d PT_LOADs of %4d bytes: vmcore-dmesg %.3f s (output %s as one PT_LOAD), Debian vmcore-dmesg %s (output %s), ratio %s\n' \
		"$nloads" "$piece" "$t_ours" "$same" \
		"$([ -n "$t_peer" ] && printf '%.3f s' "$t_peer" || echo failed)" "$peer_same" \
		"$([ -n "$t_peer" ] && printf '%.2f' "$(bc -l <<<"$t_ours / $t_peer")" || echo -)"
done
exit "$status"
