#!/usr/bin/env bash
# The kdump lab (`make e2e`, and part of tests/run-all.sh): builds (or reuses) the device-dump
# kernel, runs every scenario in tests/e2e/*.bats — each boots Debian's or the lab's kernel in QEMU,
# loads a capture kernel, panics, captures — and prints the time of each scenario and the total.
# Closes with "N passed, N failed, N skipped"; KX_COUNTS=FILE appends the counts for run-all.sh.
# E2E=0 skips the lab (outside CI only).  Saved vmcores are deleted after a green run, kept otherwise.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lab.bash"
lab_init
t_start=$EPOCHREALTIME
rm -f "$LAB_LOGS"/*.log "$LAB_LOGS"/*.cmd "$LAB_LOGS"/*.qmp "$LAB_LOGS"/boot-retries
ntests=$(grep -c '^@test' "$here"/*.bats | awk -F: '{ s += $2 } END { print s }')

finish() {
	echo "lab: $1 passed, $2 failed, $3 skipped"
	[ -n "${KX_COUNTS:-}" ] && echo "$1 $2 $3" >>"$KX_COUNTS"
	echo "$1 passed, $2 failed, $3 skipped"
	[ "$2" -eq 0 ]
	exit
}

if [ "${E2E:-1}" = 0 ]; then
	if [ "${CI:-}" = true ]; then
		echo "lab: E2E=0 is ignored in CI"
	else
		echo "lab: skipped (E2E=0)"
		finish 0 0 "$ntests"
	fi
fi
for need in qemu-system-x86_64 qemu-system-aarch64 busybox cpio socat gawk jq; do
	command -v "$need" >/dev/null || { echo "lab: $need missing: run tests/install-deps.sh"; finish 0 1 0; }
done
[ -n "$KVER_61" ] && [ -n "$KVER_612" ] ||
	{ echo "lab: Debian kernels missing in /boot: run tests/install-deps.sh"; finish 0 1 0; }
echo "lab: kernels $KVER_61 and $KVER_612, accelerator $(lab_accel), logs in $LAB_LOGS"

t0=$EPOCHREALTIME
if kdir=$(bash "$here/build-ddkernel.sh"); then
	printf 'lab: device-dump kernel %s ready in %.0f s\n' "$(cat "$kdir/kver")" "$(bc <<<"$EPOCHREALTIME - $t0")"
else
	echo "lab: the device-dump kernel did not build (log under $KX_LAB_CACHE/ddkernel-build/make.log)"
	finish 0 1 0
fi

pass=0 fail=0 skip=0
while IFS= read -r line; do
	case "$line" in
	"ok "*"# skip"*) skip=$((skip + 1)); echo "lab: $line" ;;
	"ok "*) pass=$((pass + 1)); echo "lab: $line" ;;
	"not ok "*) fail=$((fail + 1)); echo "lab: $line" ;;
	"#"*) echo "lab: $line" ;;
	esac
done < <(cd "$here" && bats --tap ./*.bats 2>&1)
[ $((pass + fail + skip)) -eq "$ntests" ] || { echo "lab: only $((pass + fail + skip)) of $ntests scenario checks reported"; fail=$((fail + 1)); }

echo "lab: time per scenario (QEMU wall clock):"
for log in "$LAB_LOGS"/*.log; do
	name=$(basename "$log" .log)
	printf 'lab:   %-16s %6s s\n' "$name" "$(lab_elapsed "$name")"
done
printf 'lab: total %.0f s\n' "$(bc <<<"$EPOCHREALTIME - $t_start")"
# guests that crashed before our code ran (the kernel's own boot) were booted once more
if [ -s "$LAB_LOGS/boot-retries" ]; then
	echo "lab: $(grep -c ': boot 1 ' "$LAB_LOGS/boot-retries") boots retried (the guest kernel crashed or stopped before the scenario started):"
	sed 's/^/lab:   /' "$LAB_LOGS/boot-retries"
else
	echo "lab: 0 boots retried"
fi
if [ "$fail" -eq 0 ]; then
	rm -f "$LAB_OUT"/*.vmcore
else
	echo "lab: vmcores and logs kept in $LAB_OUT"
fi
finish "$pass" "$fail" "$skip"
