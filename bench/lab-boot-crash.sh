#!/usr/bin/env bash
# How often the lab's guest kernel crashes during its own boot, per QEMU setting, one run:
# the Debian 6.12 guest is booted BOOTS times in each setting, the settings taken in turn (so
# that the machine's load falls on all of them alike), each boot to the probe scenario and
# power-off, with the lab's command line (crashkernel=256M).  A boot that does not reach
# SCENARIO_BEGIN is a boot crash (tests/e2e/lab.bash lab_boot_infra_failure; the oops line is
# printed).  Settings:
#   mttcg     -smp 2, multi-threaded TCG (what the lab ran before: 2 int3 oopses in 194 boots)
#   single    -smp 2, -accel tcg,thread=single (both vCPUs on one host thread; the lab's setting)
#   smp1      -smp 1, multi-threaded TCG (one vCPU: nothing runs beside text patching)
# Printed per setting: crashed/booted, the rate, the median and total QEMU wall time.  No retry:
# each boot is counted as it came out.
# Environment: BUILD (build dir, default ./build), BOOTS (default 50), SETTINGS (default
# "mttcg single smp1"), KVER (default the newest 6.12), KX_LAB_* as for the lab.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../tests/e2e/lab.bash"
lab_init
boots=${BOOTS:-50}
read -r -a settings <<<"${SETTINGS:-mttcg single smp1}"
kver=${KVER:-$KVER_612}
[ -n "$kver" ] || { echo "lab-boot-crash.sh: no Debian 6.12 kernel in /boot (tests/install-deps.sh)" >&2; exit 1; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) print 0; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

out="$LAB_OUT/boot-crash"
rm -rf "$out"
mkdir -p "$out"
echo "boot crashes of the $kver guest, $boots boots per setting, accelerator $(lab_accel), settings taken in turn"
for ((i = 1; i <= boots; i++)); do
	for s in "${settings[@]}"; do
		case $s in
		mttcg) smp=2 opts= ;;
		single) smp=2 opts=thread=single ;;
		smp1) smp=1 opts= ;;
		*) echo "lab-boot-crash.sh: unknown setting $s (mttcg, single, smp1)" >&2; exit 2 ;;
		esac
		name="boot-crash-$s-$i"
		LAB_SMP=$smp LAB_TCG_OPTS=$opts lab_boot_once "$name" "$kver" "/boot/vmlinuz-$kver" \
			"crashkernel=256M kx_test=probe" || true
		log="$LAB_LOGS/$name.log"
		wall=$(grep -a -o 'QEMU_EXIT rc=[0-9]* accel=[a-z]* wall=[0-9.]*' "$log" | sed 's/.*wall=//')
		if reason=$(lab_boot_infra_failure "$log"); then
			echo "$s $wall crash" >>"$out/results"
			echo "$s boot $i: $reason" | tee -a "$out/crashes"
			cp "$log" "$out/"
		else
			echo "$s $wall ok" >>"$out/results"
			rm -f "$log" "$LAB_LOGS/$name.cmd"
		fi
	done
	if ((i % 10 == 0)); then echo "  $i boots per setting done"; fi
done
for s in "${settings[@]}"; do
	n=$(awk -v s="$s" '$1 == s' "$out/results" | wc -l)
	c=$(awk -v s="$s" '$1 == s && $3 == "crash"' "$out/results" | wc -l)
	med=$(awk -v s="$s" '$1 == s { print $2 }' "$out/results" | median)
	tot=$(awk -v s="$s" '$1 == s { t += $2 } END { print t + 0 }' "$out/results")
	printf '%-8s %d/%d boots crashed (%.1f%%), median boot %.1f s, total %.0f s\n' \
		"$s" "$c" "$n" "$(bc -l <<<"100 * $c / $n")" "$med" "$tot"
done
[ -s "$out/crashes" ] && echo "crash logs kept in $out"
exit 0
