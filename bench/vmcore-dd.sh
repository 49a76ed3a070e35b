#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vmcore-dd against its peers, in one run, on one synthetic vmcore:
#   list:    vmcore-dd -l      vs  readelf -n, eu-readelf -n
#   extract: vmcore-dd -x DIR  vs  cat VMCORE > FILE (same bytes, same file system)
#   peak RSS of each.
# The vmcore holds 64 device dumps of 32 MiB (2 GiB, zero-filled, sparse), a VMCOREINFO note
# and an NT_PRSTATUS note.  Everything printed is measured in this run.
#
# Environment:
#   BUILD         build directory with vmcore/vmcore-dd and tests/tools/mkvmcore
#                 (default: the repository's build/)
#   VMCORE_DD     vmcore-dd binary (default: $BUILD/vmcore/vmcore-dd)
#   MKVMCORE      mkvmcore binary (default: $BUILD/tests/tools/mkvmcore)
#   RUNS          timed runs per command (default 5; the median is reported)
#   READELF_RUNS  timed runs of readelf -n (default 1: each one takes minutes)
#   TMPDIR        where the vmcore and the copies go (default /tmp)
#
# Exit status: 0 when every command ran (the targets are informational), 1 otherwise.
set -euo pipefail
export LC_ALL=C

prog="vmcore-dd.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${BUILD:-$(dirname "$here")/build}
VMCORE_DD=${VMCORE_DD:-$BUILD/vmcore/vmcore-dd}
MKVMCORE=${MKVMCORE:-$BUILD/tests/tools/mkvmcore}
RUNS=${RUNS:-5}
READELF_RUNS=${READELF_RUNS:-1}

DUMPS=64
DUMP_SIZE=32M
NEED_DISK_KIB=$((4608 * 1024))   # 2 GiB extracted + 2 GiB cat copy + margin (one copy at a time)
NEED_MEM_KIB=$((2560 * 1024))    # readelf -n holds the whole 2 GiB note segment in memory

die() {
	echo "$prog: $*" >&2
	exit 1
}

# ---- prerequisites --------------------------------------------------------------------------
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number, not '$RUNS'"
[[ $READELF_RUNS =~ ^[1-9][0-9]*$ ]] || die "READELF_RUNS must be a positive number"
[[ -x $VMCORE_DD ]] || die "no vmcore-dd at $VMCORE_DD: build it first (make -C ${BUILD}), or set BUILD or VMCORE_DD"
[[ -x $MKVMCORE ]] || die "no mkvmcore at $MKVMCORE: build it first (make -C ${BUILD} tests/tools/mkvmcore), or set BUILD or MKVMCORE"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing: apt-get install -y time"
command -v readelf >/dev/null || die "readelf is missing: apt-get install -y binutils"
command -v eu-readelf >/dev/null || die "eu-readelf is missing: apt-get install -y elfutils"
((BASH_VERSINFO[0] >= 5)) || die "bash 5 or later is needed (EPOCHREALTIME)"

mem_kib=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
((mem_kib >= NEED_MEM_KIB)) ||
	die "only $((mem_kib / 1024)) MiB of memory available; readelf -n needs about $((NEED_MEM_KIB / 1024)) MiB for this vmcore"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmcore-dd-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

free_kib=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
((free_kib >= NEED_DISK_KIB)) ||
	die "only $((free_kib / 1024)) MiB free in $tmp; the extract runs need $((NEED_DISK_KIB / 1024)) MiB (set TMPDIR to a roomier file system)"

# ---- helpers --------------------------------------------------------------------------------
# run_timed OUT CMD...: one run with stdout to OUT; sets LAST_S (wall seconds) and LAST_KIB
# (peak RSS).  The wall time includes starting /usr/bin/time (measured below as "overhead").
run_timed() {
	local out=$1 t0 t1 rc=0
	shift
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$tmp/rss" "$@" >"$out" || rc=$?
	t1=$EPOCHREALTIME
	((rc == 0)) || die "'$*' failed with status $rc"
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

calc() {
	awk "BEGIN { printf \"$1\", $2 }"
}

# secs S: a time with three significant figures (0.00213 s, 0.0458 s, 137 s)
secs() {
	awk -v s="$1" 'BEGIN { if (s >= 100) printf "%.0f", s; else if (s >= 10) printf "%.1f", s;
		else if (s >= 1) printf "%.2f", s; else printf "%.3g", s }'
}

# ---- the vmcore -----------------------------------------------------------------------------
vmcore=$tmp/vmcore
"$MKVMCORE" --dd-many=$DUMPS,$DUMP_SIZE,zero --prstatus=4242,11 \
	--vmcoreinfo='OSRELEASE=6.12.0-bench\nPAGESIZE=4096\nCRASHTIME=1700000000\n' "$vmcore"
vmcore_bytes=$(stat -c %s "$vmcore")
vmcore_alloc_kib=$(($(stat -c '%b * %B' "$vmcore") / 1024))

# what vmcore-dd reports, checked before anything is timed
listed=$("$VMCORE_DD" -r --noheadings -o SIZE "$vmcore")
ndumps=$(wc -l <<<"$listed")
dd_bytes=$(awk '{ s += $1 } END { printf "%.0f", s }' <<<"$listed")
((ndumps == DUMPS)) || die "vmcore-dd -l lists $ndumps device dumps, mkvmcore wrote $DUMPS"
nnotes=$(eu-readelf -n "$vmcore" | grep -cE '^  (LINUX|CORE|VMCOREINFO) ')
((nnotes == DUMPS + 2)) || die "eu-readelf -n lists $nnotes notes, expected $((DUMPS + 2))"

fstype=$(findmnt -no FSTYPE -T "$tmp" 2>/dev/null || stat -f -c %T "$tmp")
echo "vmcore-dd benchmark: $(uname -sr), $(nproc) CPUs, $fstype at $tmp"
echo "  $("$VMCORE_DD" --version); $(readelf --version | head -n 1); $(eu-readelf --version | head -n 1); $(cat --version | head -n 1)"
echo "  vmcore: $vmcore_bytes bytes ($vmcore_alloc_kib KiB allocated), $ndumps device dumps of $(head -n 1 <<<"$listed") bytes (32 MiB + padding) = $dd_bytes bytes, + NT_PRSTATUS + VMCOREINFO"

# the cost of the timer itself, included in every wall time below
ovh=()
for ((i = 0; i < RUNS; i++)); do
	run_timed /dev/null true
	ovh+=("$LAST_S")
done
echo "  timing: wall clock per run (bash EPOCHREALTIME) around /usr/bin/time, which reports peak RSS;"
echo "          starting /usr/bin/time itself takes $(secs "$(median "${ovh[@]}")") s (median of $RUNS, included in every time)"

# ---- list -----------------------------------------------------------------------------------
echo
echo "list ($RUNS runs each, median; readelf -n $READELF_RUNS run(s): it hex-dumps the 2 GiB of device dumps)"
"$VMCORE_DD" -l "$vmcore" >/dev/null # warm-up, untimed
eu-readelf -n "$vmcore" >/dev/null

t_ours=() r_ours=() t_eu=() r_eu=() t_re=() r_re=()
for ((i = 0; i < RUNS; i++)); do
	run_timed /dev/null "$VMCORE_DD" -l "$vmcore"
	t_ours+=("$LAST_S") r_ours+=("$LAST_KIB")
	run_timed /dev/null eu-readelf -n "$vmcore"
	t_eu+=("$LAST_S") r_eu+=("$LAST_KIB")
done
echo "  vmcore-dd -l:   $(printf '%s ' "${t_ours[@]}")s"
echo "  eu-readelf -n:  $(printf '%s ' "${t_eu[@]}")s"
for ((i = 0; i < READELF_RUNS; i++)); do
	run_timed /dev/null readelf -n "$vmcore"
	t_re+=("$LAST_S") r_re+=("$LAST_KIB")
done
echo "  readelf -n:     $(printf '%s ' "${t_re[@]}")s"
m_ours=$(median "${t_ours[@]}")
m_eu=$(median "${t_eu[@]}")
m_re=$(median "${t_re[@]}")
ratio_re=$(calc '%.0f' "$m_re / $m_ours")
ratio_eu=$(calc '%.1f' "$m_eu / $m_ours")

# ---- extract --------------------------------------------------------------------------------
echo
echo "extract ($RUNS runs each, alternating, median; sync before each run, untimed)"
t_x=() r_x=() t_cat=() r_cat=() t_catsync=()
for ((i = 0; i < RUNS; i++)); do
	sync
	run_timed /dev/null "$VMCORE_DD" -x "$tmp/x" "$vmcore"
	t_x+=("$LAST_S") r_x+=("$LAST_KIB")
	if ((i == 0)); then
		# the files are there and hold every byte
		nfiles=$(find "$tmp/x" -type f | wc -l)
		xbytes=$(find "$tmp/x" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
		((nfiles == DUMPS && xbytes == dd_bytes)) ||
			die "vmcore-dd -x wrote $nfiles files, $xbytes bytes; expected $DUMPS files, $dd_bytes bytes"
	fi
	rm -rf "$tmp/x"

	sync
	run_timed "$tmp/cat.out" cat "$vmcore"
	t_cat+=("$LAST_S") r_cat+=("$LAST_KIB")
	(($(stat -c %s "$tmp/cat.out") == vmcore_bytes)) || die "cat copied $(stat -c %s "$tmp/cat.out") bytes, not $vmcore_bytes"
	rm -f "$tmp/cat.out"

	# the same with the copy made durable, as vmcore-dd makes its files (fsync)
	sync
	# shellcheck disable=SC2016 # expanded by the inner sh
	run_timed /dev/null sh -c 'cat "$1" >"$2" && sync "$2"' sh "$vmcore" "$tmp/cat.out"
	t_catsync+=("$LAST_S")
	rm -f "$tmp/cat.out"
done
echo "  vmcore-dd -x:   $(printf '%s ' "${t_x[@]}")s  ($dd_bytes bytes in $DUMPS files, made durable before they appear)"
echo "  cat > file:     $(printf '%s ' "${t_cat[@]}")s  ($vmcore_bytes bytes, left in the page cache)"
echo "  cat + sync:     $(printf '%s ' "${t_catsync[@]}")s  (the same, then fsync)"
rate_x="$dd_bytes / 1048576 / $(median "${t_x[@]}")"
rate_cat="$vmcore_bytes / 1048576 / $(median "${t_cat[@]}")"
rate_catsync="$vmcore_bytes / 1048576 / $(median "${t_catsync[@]}")"
mib_x=$(calc '%.0f' "$rate_x")
mib_cat=$(calc '%.0f' "$rate_cat")
mib_catsync=$(calc '%.0f' "$rate_catsync")
ratio_cat=$(calc '%.2f' "($rate_x) / ($rate_cat)")
ratio_catsync=$(calc '%.2f' "($rate_x) / ($rate_catsync)")

# ---- report ---------------------------------------------------------------------------------
rss_l=$(maximum "${r_ours[@]}")
rss_x=$(maximum "${r_x[@]}")
rss_re=$(maximum "${r_re[@]}")
rss_eu=$(maximum "${r_eu[@]}")
rss_cat=$(maximum "${r_cat[@]}")

pass() { if awk "BEGIN { exit !($1) }"; then echo PASS; else echo FAIL; fi; }
t_list=$(pass "$ratio_re >= 100")
t_extract=$(pass "$ratio_cat >= 0.9")
t_rss=$(pass "$rss_l <= 8192 && $rss_x <= 8192")

echo
echo "list: vmcore-dd $(secs "$m_ours") s, readelf -n $(secs "$m_re") s (${ratio_re}x), eu-readelf -n $(secs "$m_eu") s (${ratio_eu}x)"
echo "extract: vmcore-dd $mib_x MiB/s, cat $mib_cat MiB/s (${ratio_cat}x); cat + fsync $mib_catsync MiB/s (${ratio_catsync}x)"
echo "peak RSS KiB: vmcore-dd -l $rss_l, vmcore-dd -x $rss_x, readelf $rss_re, eu-readelf $rss_eu, cat $rss_cat"
echo "targets: list >= 100x readelf: $t_list, extract >= 0.9x cat: $t_extract, RSS <= 8 MiB: $t_rss"
