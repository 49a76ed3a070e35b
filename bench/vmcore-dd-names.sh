#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vmcore-dd -x on many device dumps of one name (each file gets .1, .2, … after the first),
# in one run: N = 1000, 2000 and 4000 dumps all named "a" (4032 bytes each), the median wall
# time of RUNS extractions of each, and the ratio of the 4000 time to the 1000 time (4 for a
# cost linear in N; the quadratic search of names that issue 19 found gave ~64).  Against
# `cp -r` of the same files (written once by vmcore-dd) as the floor the file system sets: on a
# disk file system creating a file costs a journal update (0.2-0.3 ms each on this lab's ext4, for
# cp as for us), so the < 1 s target is about our own work and is judged on tmpfs (TMPDIR=/dev/shm)
# or against the floor; the file system measured on is printed.
#
# Environment: BUILD (default ./build), VMCORE_DD, MKVMCORE, RUNS (default 3), TMPDIR.
# Exit status: 0 when every command ran and every extraction wrote N files, 1 otherwise.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${BUILD:-$(dirname "$here")/build}
VMCORE_DD=${VMCORE_DD:-$BUILD/vmcore/vmcore-dd}
MKVMCORE=${MKVMCORE:-$BUILD/tests/tools/mkvmcore}
RUNS=${RUNS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/kx-bench-names.XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
secs() { local t0=$EPOCHREALTIME; "$@" >/dev/null; bc <<<"$EPOCHREALTIME - $t0"; }

declare -A ours floor
echo "file system: $(findmnt -no FSTYPE -T "$work" 2>/dev/null || echo unknown) ($work)"
for n in 1000 2000 4000; do
	args=()
	for ((i = 0; i < n; i++)); do args+=(--dd=a,1); done
	"$MKVMCORE" "${args[@]}" "$work/core-$n" >/dev/null
	t=()
	for ((r = 0; r < RUNS; r++)); do
		rm -rf "$work/out"
		t+=("$(secs "$VMCORE_DD" -x "$work/out" "$work/core-$n")")
		got=$(find "$work/out" -type f | wc -l)
		[ "$got" -eq "$n" ] || { echo "vmcore-dd-names.sh: $got files for $n dumps" >&2; exit 1; }
	done
	ours[$n]=$(printf '%s\n' "${t[@]}" | median)
	t=()
	for ((r = 0; r < RUNS; r++)); do
		rm -rf "$work/copy"
		t+=("$(secs cp -r "$work/out" "$work/copy")")
	done
	floor[$n]=$(printf '%s\n' "${t[@]}" | median)
	printf '%5d dumps named "a": vmcore-dd -x %.3f s, cp -r of its files %.3f s, ratio %.2f\n' \
		"$n" "${ours[$n]}" "${floor[$n]}" "$(bc -l <<<"${ours[$n]} / ${floor[$n]}")"
done
printf 'scaling: 4000 dumps take %.1f times as long as 1000 (linear: 4; target: 4000 in < 1 s: %s)\n' \
	"$(bc -l <<<"${ours[4000]} / ${ours[1000]}")" \
	"$(awk -v t="${ours[4000]}" 'BEGIN { print (t < 1) ? "met" : "not met" }')"
