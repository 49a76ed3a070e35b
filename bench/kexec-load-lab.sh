#!/usr/bin/env bash
# Crash load time in the QEMU lab, kexec-ext's kexec against Debian's (kexec-tools), one run:
# a Debian 6.1 and a 6.12 guest with crashkernel=256M each load the same kernel and initrd with
# `kexec -p -s` and then `kexec -p -c` RUNS times per loader, alternated
# (tests/e2e/guest/bench-load.sh); the medians and their ratio are printed (target: ours/Debian
# <= 1.0).  TCG makes every load slower than on hardware; both loaders pay that alike.  Then the
# reload window (see below).
# Environment: BUILD (build dir, default ./build), RUNS (default 7), KX_LAB_* as for the lab.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../tests/e2e/lab.bash"
lab_init
runs=${RUNS:-7}
[ -x "$BUILD/kexec/kexec" ] || { echo "kexec-load-lab.sh: build kexec first (make -C $BUILD)" >&2; exit 1; }

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "kexec load time, ours vs Debian's kexec -p -s and -p -c, $runs loads each, alternated, accelerator $(lab_accel)"
for mode in s c; do
for kver in "$KVER_61" "$KVER_612"; do
	name="bench-load-$mode-${kver%%-*}"
	lab_boot "$name" "$kver" "/boot/vmlinuz-$kver" "crashkernel=256M kx_test=bench-load kx_runs=$runs kx_mode=$mode" ||
		{ lab_fail_context "$name"; exit 1; }
	log="$LAB_LOGS/$name.log"
	if grep -a 'BENCH_LOAD' "$log" | grep -qv 'rc=0'; then
		echo "a load failed:"; grep -a BENCH_LOAD "$log"; exit 1
	fi
	ours=$(grep -a 'BENCH_LOAD who=ours' "$log" | sed 's/.* s=\([0-9.]*\).*/\1/' | median)
	peer=$(grep -a 'BENCH_LOAD who=debian' "$log" | sed 's/.* s=\([0-9.]*\).*/\1/' | median)
	n=$(grep -ac 'BENCH_LOAD who=ours' "$log")
	printf '%s -%s: kexec-ext %.2f s, Debian kexec %.2f s, ratio ours/Debian %.2f (%d loads each; %s)\n' \
		"$kver" "$mode" "$ours" "$peer" "$(bc -l <<<"$ours / $peer")" "$n" \
		"$(awk -v r="$(bc -l <<<"$ours / $peer")" 'BEGIN { print (r <= 1.0) ? "target <= 1.0: met" : "target <= 1.0: not met" }')"
done
done

# The reload window: a sampler polls kexec_crash_loaded during a reload over a loaded crash kernel
# (tests/e2e/guest/bench-window.sh); total time it read 0, median per reload, ours vs Debian's
# (target: ours <= 1/2 of Debian's).  Debian's kexec -c makes the kernel segment as large as the
# image's init_size, which the kernel zeroes inside the window; ours copies only the image's bytes.
echo "reload window (no crash kernel loaded), ours vs Debian's kexec -p -c, $runs reloads each"
for kver in "$KVER_61" "$KVER_612"; do
	name="bench-window-${kver%%-*}"
	lab_boot "$name" "$kver" "/boot/vmlinuz-$kver" "crashkernel=256M kx_test=bench-window kx_runs=$runs" ||
		{ lab_fail_context "$name"; exit 1; }
	log="$LAB_LOGS/$name.log"
	if grep -a 'BENCH_WINDOW' "$log" | grep -qv 'rc=0'; then
		echo "a reload failed:"; grep -a BENCH_WINDOW "$log"; exit 1
	fi
	ours=$(grep -a 'BENCH_WINDOW who=ours' "$log" | sed 's/.* zero_ms=\([0-9.]*\).*/\1/' | median)
	peer=$(grep -a 'BENCH_WINDOW who=debian' "$log" | sed 's/.* zero_ms=\([0-9.]*\).*/\1/' | median)
	reads=$(grep -a 'BENCH_WINDOW who=ours' "$log" | sed 's/.* reads=\([0-9]*\).*/\1/' | median)
	printf '%s: window kexec-ext %.1f ms, Debian kexec %.1f ms, ratio %.2f (%d reloads each, %s reads per sampling; %s)\n' \
		"$kver" "$ours" "$peer" "$(bc -l <<<"$ours / $peer")" "$runs" "$reads" \
		"$(awk -v r="$(bc -l <<<"$ours / $peer")" 'BEGIN { print (r <= 0.5) ? "target <= 0.5: met" : "target <= 0.5: not met" }')"
done
