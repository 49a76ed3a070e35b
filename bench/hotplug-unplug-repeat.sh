#!/usr/bin/env bash
# The lost-load hunt of issue 18, in the QEMU lab: on Debian 6.12 (crash hotplug), one VM boot,
# ROUNDS times a 1 GiB DIMM hot-added and hot-removed over QMP (tests/e2e/guest/hotplug-repeat.sh).
# Each removal makes kexec-hotplug reload `kexec -p` (kexec_file_load by default, MODE=c for
# kexec_load) while the kernel's own crash hotplug handler runs for the same event: the collision
# that once left crash_loaded 0 after a reload both kexec and the worker reported done.
# Printed: rounds run, rounds that ended with no crash kernel loaded (the failure hunted), the
# worker's reloads and failures, the kernel's "kexec_trylock() failed" count, the sampler's
# unarmed time and the 0/1 transitions of crash_loaded it logged.  With kexec's own verification
# (kexec/load.c verify_crash_load) a lost load is loaded again: "lost at round end" must be 0.
# Exits non-zero when the VM did not run to its end.
# Environment: BUILD (default ./build), ROUNDS (default 50), MODE (s or c, default s),
# QUIET_MS (default 500), KX_LAB_* as for the lab.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../tests/e2e/lab.bash"
lab_init
rounds=${ROUNDS:-50}
mode=${MODE:-s}
[ -n "$KVER_612" ] || { echo "hotplug-unplug-repeat.sh: no Debian 6.12 kernel in /boot" >&2; exit 1; }
name=repeat-unplug-6.12
qmp="$LAB_OUT/$name.qmp.sock"
rm -f "$qmp" "$LAB_LOGS/$name.log" "$LAB_LOGS/$name.qmp"
export KX_LAB_TIMEOUT=${KX_LAB_TIMEOUT:-$((600 + rounds * 120))}
LAB_MEM=1G,slots=4,maxmem=8G LAB_QMP=$qmp \
	lab_boot "$name" "$KVER_612" "/boot/vmlinuz-$KVER_612" \
	"crashkernel=256M kx_test=hotplug-repeat kx_rounds=$rounds kx_mode=$mode kx_quiet_ms=${QUIET_MS:-500} memhp_default_state=online_movable" &
pid=$!
for ((i = 1; i <= rounds; i++)); do
	lab_wait_log "$name" "REPEAT_READY_ADD $i " 900 || break
	lab_qmp "$qmp" \
		"{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": \"memory-backend-ram\", \"id\": \"mem$i\", \"size\": 1073741824}}" \
		"{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"pc-dimm\", \"id\": \"dimm$i\", \"memdev\": \"mem$i\"}}" \
		>>"$LAB_LOGS/$name.qmp" 2>&1 || true
	lab_wait_log "$name" "REPEAT_READY_REMOVE $i " 900 || break
	lab_qmp "$qmp" "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"dimm$i\"}}" >>"$LAB_LOGS/$name.qmp" 2>&1 || true
	lab_wait_log "$name" "REPEAT_ROUND $i " 900 || break
	lab_qmp "$qmp" "{\"execute\": \"object-del\", \"arguments\": {\"id\": \"mem$i\"}}" >>"$LAB_LOGS/$name.qmp" 2>&1 || true
done
rc=0
wait "$pid" || rc=$?
log="$LAB_LOGS/$name.log"
ran=$(grep -ac 'REPEAT_ROUND ' "$log" || true)
lost=$(grep -a 'REPEAT_ROUND ' "$log" | grep -c ' loaded=0 ' || true)
last=$(grep -a 'REPEAT_ROUND ' "$log" | tail -n 1 || true)
echo "hotplug-unplug-repeat: Debian $KVER_612, kexec -p -$mode, $rounds rounds of add + remove of a 1 GiB DIMM"
echo "  rounds run:               $ran"
echo "  lost at round end:        $lost (crash_loaded 0 after the remove's reload settled)"
echo "  last round:               ${last#*REPEAT_ROUND }"
echo "  sampler:                  $(grep -ao 'SAMPLER .*' "$log" | tail -n 1)"
echo "  transitions of crash_loaded: $(grep -ac 'TRANSITION ' "$log" || true) (log: $log)"
grep -aq REPEAT_DONE "$log" || { echo "hotplug-unplug-repeat: the VM did not finish (rc $rc)" >&2; exit 1; }
