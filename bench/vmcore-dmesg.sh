#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vmcore-dmesg against Debian's vmcore-dmesg (kexec-tools), in one run, on one vmcore: wall time
# of each, their ratio, peak RSS of each, and whether the outputs are the same bytes.
# Without VMCORE, a synthetic vmcore from mkprintk + mkvmcore: a lockless ring buffer of 32 MiB of
# text (log_buf_len=32M: 2^20 descriptors) that wrapped, full of records.
#
# Environment:
#   VMCORE        a real vmcore to use instead of the synthetic one
#   BUILD         build directory with vmcore/vmcore-dmesg and tests/tools/mk{printk,vmcore}
#                 (default: the repository's build/)
#   VMCORE_DMESG  our binary (default: $BUILD/vmcore/vmcore-dmesg)
#   PEER          Debian's binary (default: /usr/sbin/vmcore-dmesg)
#   RUNS          timed runs of each (default 1; the median is reported)
#   TMPDIR        where the synthetic vmcore and the outputs go (default /tmp)
#
# Exit status: 0 when both ran (the target is informational), 1 otherwise.
set -euo pipefail
export LC_ALL=C

prog="vmcore-dmesg.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${BUILD:-$(dirname "$here")/build}
VMCORE_DMESG=${VMCORE_DMESG:-$BUILD/vmcore/vmcore-dmesg}
MKPRINTK=${MKPRINTK:-$BUILD/tests/tools/mkprintk}
MKVMCORE=${MKVMCORE:-$BUILD/tests/tools/mkvmcore}
PEER=${PEER:-/usr/sbin/vmcore-dmesg}
RUNS=${RUNS:-1}

die() {
	echo "$prog: $*" >&2
	exit 1
}

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number, not '$RUNS'"
[[ -x $VMCORE_DMESG ]] || die "no vmcore-dmesg at $VMCORE_DMESG: build it first (make -C $BUILD), or set BUILD or VMCORE_DMESG"
[[ -x $PEER ]] || die "no peer at $PEER: apt-get install -y kexec-tools, or set PEER"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing: apt-get install -y time"
((BASH_VERSINFO[0] >= 5)) || die "bash 5 or later is needed (EPOCHREALTIME)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmcore-dmesg-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# ---- the vmcore ------------------------------------------------------------------------------
if [[ -n ${VMCORE:-} ]]; then
	[[ -r $VMCORE ]] || die "VMCORE=$VMCORE is not a readable file"
	vmcore=$VMCORE
	what="$VMCORE (given)"
else
	[[ -x $MKPRINTK && -x $MKVMCORE ]] ||
		die "no mkprintk/mkvmcore in $BUILD/tests/tools: make -C $BUILD tests, or set VMCORE"
	free_kib=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
	((free_kib >= 400 * 1024)) || die "only $((free_kib / 1024)) MiB free in $tmp; 400 MiB are needed (set TMPDIR)"
	vmcore=$tmp/vmcore
	# 400000 records of 90 bytes through a ring of 2^25 bytes: it wraps, about 322000 stay
	load=$("$MKPRINTK" --count-bits=20 --size-bits=25 --gen=400000,90 "$tmp/img" "$tmp/vi")
	# shellcheck disable=SC2086 # the --load options mkprintk printed
	"$MKVMCORE" --vmcoreinfo-file="$tmp/vi" $load "$vmcore" >/dev/null
	rm -f "$tmp/img"
	what="synthetic: lockless ring buffer, 2^20 descriptors, 32 MiB of text, full"
fi
bytes=$(stat -L -c %s "$vmcore")

# ---- helpers ---------------------------------------------------------------------------------
# run_timed OUT CMD...: one run, stdout to OUT; sets LAST_S (wall seconds), LAST_KIB (peak RSS)
# and LAST_RC.  Both tools exit 0 on a good vmcore; a status is reported, not fatal.
run_timed() {
	local out=$1 t0 t1
	shift
	LAST_RC=0
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$tmp/rss" "$@" >"$out" 2>"$tmp/err" || LAST_RC=$?
	t1=$EPOCHREALTIME
	LAST_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
	LAST_KIB=$(tail -n 1 "$tmp/rss")
}

median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

maximum() {
	printf '%s\n' "$@" | sort -g | tail -n 1
}

secs() {
	awk -v s="$1" 'BEGIN { if (s >= 100) printf "%.0f", s; else if (s >= 10) printf "%.1f", s;
		else if (s >= 1) printf "%.2f", s; else printf "%.3g", s }'
}

# ---- runs ------------------------------------------------------------------------------------
echo "vmcore-dmesg benchmark: $(uname -sr), $(nproc) CPUs"
echo "  $("$VMCORE_DMESG" --version); peer: $PEER ($(dpkg-query -W -f='kexec-tools ${Version}' kexec-tools 2>/dev/null || echo 'version unknown'))"
echo "  vmcore: $what, $bytes bytes"

# warm the page cache for both, untimed
cat "$vmcore" >/dev/null

t_ours=() r_ours=() t_peer=() r_peer=()
for ((i = 0; i < RUNS; i++)); do
	run_timed "$tmp/ours.out" "$VMCORE_DMESG" "$vmcore"
	rc_ours=$LAST_RC
	t_ours+=("$LAST_S") r_ours+=("$LAST_KIB")
	run_timed "$tmp/peer.out" "$PEER" "$vmcore"
	rc_peer=$LAST_RC
	t_peer+=("$LAST_S") r_peer+=("$LAST_KIB")
done
((rc_ours == 0)) || die "vmcore-dmesg exited $rc_ours: $(head -c 300 "$tmp/err")"
lines=$(wc -l <"$tmp/ours.out")
out_bytes=$(stat -c %s "$tmp/ours.out")
if cmp -s "$tmp/ours.out" "$tmp/peer.out"; then
	same="identical ($out_bytes bytes, $lines lines)"
	t_same=PASS
else
	same="DIFFERENT: $(cmp "$tmp/ours.out" "$tmp/peer.out" 2>&1 | head -n 1) (peer exit $rc_peer)"
	t_same=FAIL
fi

m_ours=$(median "${t_ours[@]}")
m_peer=$(median "${t_peer[@]}")
ratio=$(awk -v a="$m_ours" -v b="$m_peer" 'BEGIN { printf "%.2f", a / b }')
rss_ours=$(maximum "${r_ours[@]}")
rss_peer=$(maximum "${r_peer[@]}")
t_time=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.0) ? "PASS" : "FAIL" }')

echo
echo "time ($RUNS run(s) each, median, wall clock including process start):"
echo "  vmcore-dmesg:          $(secs "$m_ours") s  peak RSS $rss_ours KiB"
echo "  Debian vmcore-dmesg:   $(secs "$m_peer") s  peak RSS $rss_peer KiB"
echo "ratio ours/Debian: $ratio; output: $same"
echo "targets: ratio <= 1.0: $t_time, identical output: $t_same"
