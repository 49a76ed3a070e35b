#!/usr/bin/env bash
# Crash load time in the QEMU lab, kexec-ext's kexec against Debian's (kexec-tools), one run:
# a Debian 6.1 and a 6.12 guest with crashkernel=256M each load the same kernel and initrd with
# `kexec -p -s` and then `kexec -p -c` RUNS times per loader, alternated
# (tests/e2e/guest/bench-load.sh); the medians and their ratio are printed (target: ours/Debian
# <= 1.0).  TCG makes every load slower than on hardware; both loaders pay that alike.  Then the
# reload window (see below).
# A guest that crashes in its own boot is booted once more (lab_boot); a line that still gets no
# result says why and the bench goes on: it prints every result it has, then the lines without
# one, and exits 1.
# Environment: BUILD (build dir, default ./build), RUNS (default 7), KX_LAB_* as for the lab.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../tests/e2e/lab.bash"
lab_init
rm -f "$LAB_LOGS/boot-retries"
runs=${RUNS:-7}
[ -x "$BUILD/kexec/kexec" ] || { echo "kexec-load-lab.sh: build kexec first (make -C $BUILD)" >&2; exit 1; }

failures=()
# fail WHAT: a line that could not be measured; the bench goes on to the next and says at the end
fail() {
	failures+=("$1")
	echo "$1"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "kexec load time, ours vs Debian's kexec -p -s and -p -c, $runs loads each, alternated, accelerator $(lab_accel)"
for mode in s c; do
for kver in "$KVER_61" "$KVER_612"; do
	name="bench-load-$mode-${kver%%-*}"
	log="$LAB_LOGS/$name.log"
	if ! lab_boot "$name" "$kver" "/boot/vmlinuz-$kver" "crashkernel=256M kx_test=bench-load kx_runs=$runs kx_mode=$mode" ||
		! grep -aq 'BENCH_LOAD who=ours' "$log" || ! grep -aq 'BENCH_LOAD who=debian' "$log"; then
		fail "$kver -$mode: no result, the guest did not finish ($(lab_boot_infra_failure "$log" || tail -n 1 "$log"); log $log)"
		continue
	fi
	if grep -a 'BENCH_LOAD' "$log" | grep -qv 'rc=0'; then
		fail "$kver -$mode: no result, a load failed: $(grep -a BENCH_LOAD "$log" | grep -v 'rc=0' | head -n 1)"
		continue
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
	log="$LAB_LOGS/$name.log"
	if ! lab_boot "$name" "$kver" "/boot/vmlinuz-$kver" "crashkernel=256M kx_test=bench-window kx_runs=$runs" ||
		! grep -aq 'BENCH_WINDOW who=ours' "$log" || ! grep -aq 'BENCH_WINDOW who=debian' "$log"; then
		fail "$kver window: no result, the guest did not finish ($(lab_boot_infra_failure "$log" || tail -n 1 "$log"); log $log)"
		continue
	fi
	if grep -a 'BENCH_WINDOW' "$log" | grep -qv 'rc=0'; then
		fail "$kver window: no result, a reload failed: $(grep -a BENCH_WINDOW "$log" | grep -v 'rc=0' | head -n 1)"
		continue
	fi
	ours=$(grep -a 'BENCH_WINDOW who=ours' "$log" | sed 's/.* zero_ms=\([0-9.]*\).*/\1/' | median)
	peer=$(grep -a 'BENCH_WINDOW who=debian' "$log" | sed 's/.* zero_ms=\([0-9.]*\).*/\1/' | median)
	reads=$(grep -a 'BENCH_WINDOW who=ours' "$log" | sed 's/.* reads=\([0-9]*\).*/\1/' | median)
	printf '%s: window kexec-ext %.1f ms, Debian kexec %.1f ms, ratio %.2f (%d reloads each, %s reads per sampling; %s)\n' \
		"$kver" "$ours" "$peer" "$(bc -l <<<"$ours / $peer")" "$runs" "$reads" \
		"$(awk -v r="$(bc -l <<<"$ours / $peer")" 'BEGIN { print (r <= 0.5) ? "target <= 0.5: met" : "target <= 0.5: not met" }')"
done
if [ -s "$LAB_LOGS/boot-retries" ]; then
	echo "boots retried (the guest kernel crashed before the bench started):"
	sed 's/^/  /' "$LAB_LOGS/boot-retries"
fi
if [ "${#failures[@]}" -gt 0 ]; then
	echo "${#failures[@]} of 6 lines without a result:"
	printf '  %s\n' "${failures[@]}"
	exit 1
fi
