#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kexec load costs, in one run:
#   1. elfcorehdr build time for a machine with 8192 RAM ranges (target <= 5 ms): the sysroot of
#      tests/fixtures/mk-kexec-sysroot.sh ranges-8192, `kexec -p --dry-run -d --elfcorehdr-out`,
#      the time kexec reports for building the header (8202 program headers); also the whole
#      dry run (parse /proc/iomem, model, plan, header) as a process.
#   2. crash load time, ours against Debian's kexec (kexec-tools), both with -s, same KERNEL,
#      INITRD and command line, alternated, median of RUNS (target ratio <= 1.0).  This loads
#      for real: it runs only as root, in a virtual machine, with memory reserved by
#      crashkernel= and KERNEL and INITRD given; otherwise it says which of these is missing and
#      skips.  Each load replaces the previous one; ours is the last, so a crash kernel stays
#      loaded afterwards.
#
# Environment:
#   BUILD        build directory with kexec/kexec (default: the repository's build/)
#   KEXEC        our kexec (default: $BUILD/kexec/kexec)
#   PEER_KEXEC   Debian's kexec (default: /usr/sbin/kexec)
#   KERNEL       kernel image for part 2 (e.g. /boot/vmlinuz-$(uname -r))
#   INITRD       initrd for part 2
#   APPEND       capture command line for part 2 (default: irqpoll nr_cpus=1 reset_devices)
#   RUNS         timed runs (default 21 for part 1, 5 loads of each for part 2)
#
# Exit status: 0 when every part that could run ran, 1 otherwise.
set -euo pipefail
export LC_ALL=C

prog="kexec-load.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(dirname "$here")
BUILD=${BUILD:-$src/build}
KEXEC=${KEXEC:-$BUILD/kexec/kexec}
PEER_KEXEC=${PEER_KEXEC:-/usr/sbin/kexec}
APPEND=${APPEND:-irqpoll nr_cpus=1 reset_devices}

die() {
	echo "$prog: $*" >&2
	exit 1
}

[[ -x $KEXEC ]] || die "no kexec at $KEXEC: build it first (make -C $BUILD), or set BUILD or KEXEC"
((BASH_VERSINFO[0] >= 5)) || die "bash 5 or later is needed (EPOCHREALTIME)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kexec-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# median of the numbers on stdin
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---- 1. elfcorehdr for 8192 ranges ----------------------------------------------------------
runs=${RUNS:-21}
bash "$src/tests/fixtures/mk-kexec-sysroot.sh" ranges-8192 "$tmp/sys"
bash "$src/tests/fixtures/mk-bzimage.sh" "$tmp/vmlinuz"
: >"$tmp/build.ms"
: >"$tmp/total.ms"
for ((i = 0; i < runs; i++)); do
	t0=$EPOCHREALTIME
	out=$(KEXEC_STATE_DIR=$tmp/state "$KEXEC" -p --dry-run -d --sysroot="$tmp/sys" "$tmp/vmlinuz" \
		--elfcorehdr-out="$tmp/ehdr" 2>&1 >/dev/null)
	t1=$EPOCHREALTIME
	line=$(grep -m1 '^kexec: elfcorehdr: ' <<<"$out") || die "kexec -d did not report the elfcorehdr build: $out"
	[[ $line =~ ^kexec:\ elfcorehdr:\ ([0-9]+)\ program\ headers,\ ([0-9]+)\ bytes,\ built\ in\ ([0-9.]+)\ ms$ ]] ||
		die "unexpected line: $line"
	phnum=${BASH_REMATCH[1]} bytes=${BASH_REMATCH[2]}
	echo "${BASH_REMATCH[3]}" >>"$tmp/build.ms"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }' >>"$tmp/total.ms"
done
[[ $phnum == 8202 ]] || die "expected 8202 program headers for 8192 ranges, 8 CPUs, VMCOREINFO and text; got $phnum"
build=$(median <"$tmp/build.ms")
total=$(median <"$tmp/total.ms")
verdict=$(awk -v v="$build" 'BEGIN { print (v <= 5) ? "met" : "MISSED" }')
printf '%s: elfcorehdr for 8192 ranges: %s program headers, %s bytes, built in %.3f ms (median of %d; target <= 5 ms: %s)\n' \
	"$prog" "$phnum" "$bytes" "$build" "$runs" "$verdict"
printf '%s: whole dry run on that machine (process start, /proc/iomem of 8201 lines, plan, header written): %.1f ms (median of %d)\n' \
	"$prog" "$total" "$runs"

# ---- 2. load time against Debian's kexec ----------------------------------------------------
why=()
[[ $(id -u) == 0 ]] || why+=("not root")
grep -qw hypervisor /proc/cpuinfo 2>/dev/null || why+=("not a virtual machine (no hypervisor flag in /proc/cpuinfo)")
ck=$(cat /sys/kernel/kexec_crash_size 2>/dev/null || echo 0)
[[ -e /sys/kernel/kexec_crash_loaded && $ck -gt 0 ]] || why+=("no memory reserved for a crash kernel (boot with crashkernel=256M)")
[[ -n ${KERNEL:-} && -r ${KERNEL:-} ]] || why+=("KERNEL is not set to a readable kernel image")
[[ -n ${INITRD:-} && -r ${INITRD:-} ]] || why+=("INITRD is not set to a readable initrd")
[[ -x $PEER_KEXEC ]] || why+=("no Debian kexec at $PEER_KEXEC (apt-get install kexec-tools)")
if ((${#why[@]})); then
	printf '%s: load time vs Debian kexec -p -s: skipped: %s\n' "$prog" "$(IFS=';'; echo "${why[*]}" | sed 's/;/; /g')"
	exit 0
fi

loads=${RUNS:-5}
: >"$tmp/ours.ms"
: >"$tmp/peer.ms"
timed() {
	local t0 t1
	t0=$EPOCHREALTIME
	"$@" >/dev/null || die "failed: $*"
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}
for ((i = 0; i < loads; i++)); do
	timed "$PEER_KEXEC" -p -s "$KERNEL" --initrd="$INITRD" --append="$APPEND" >>"$tmp/peer.ms"
	timed "$KEXEC" -p -s "$KERNEL" --initrd="$INITRD" --append="$APPEND" >>"$tmp/ours.ms"
done
[[ $(cat /sys/kernel/kexec_crash_loaded) == 1 ]] || die "after the loads no crash kernel is loaded"
ours=$(median <"$tmp/ours.ms")
peer=$(median <"$tmp/peer.ms")
ratio=$(awk -v a="$ours" -v b="$peer" 'BEGIN { printf "%.2f", a / b }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.0) ? "met" : "MISSED" }')
printf '%s: load time, kexec -p -s %s with a %s initrd: ours %.1f ms, Debian kexec %s %.1f ms, ratio %s (median of %d each; target <= 1.0: %s)\n' \
	"$prog" "$(basename "$KERNEL")" "$(numfmt --to=iec-i --suffix=B "$(stat -c %s "$INITRD")")" \
	"$ours" "$("$PEER_KEXEC" --version 2>&1 | head -1)" "$peer" "$ratio" "$loads" "$verdict"
