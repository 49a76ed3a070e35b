#!/usr/bin/env bats
# A capture always works after hotplug (issue 18): every load and reload is verified against the
# kernel's crash_loaded, a load the kernel lost is made again, "recorded but not loaded" is shown
# as NOT ARMED and repaired by `kexec-hotplug check` (and by the next event), a kexec_load whose
# memory changed during the load is planned again, and a hotplug reload reuses the dm-crypt keys.
# kexec: the fake syscall (LOST: accepted then gone; HOTPLUG: RAM appears during the call);
# kexec-hotplug: the stand-in kexec (KX_STANDIN_LOSE=1: exits 0, leaves nothing loaded).

load helpers
load 0400-hotplug-lib

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
}

kexec_env() {
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.12 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
	truncate -s 4M initrd.img
}

loads() { grep -c '^kexec_\(file_\)\?load ' syscalls; }

@test "kexec: a load the kernel accepted and then lost is made again, and verified" {
	kexec_env
	KEXEC_EXT_FAKE_ERRNO=LOST run -0 kx -p -s --sysroot=sys vmlinuz --initrd=initrd.img
	assert_line --partial "the kernel accepted the load but then reported no crash kernel loaded (/sys/kernel/kexec_crash_loaded read 0, 5 times 20 ms apart): loading again (1 of 2)"
	assert_equal "$(loads)" 2
	assert_equal "$(cat sys/sys/kernel/kexec_crash_loaded)" 1
	[ -s state/crash-load ]
}

@test "kexec: a load that stays lost is NOT ARMED, exit 1, recorded for the repair" {
	kexec_env
	KEXEC_EXT_FAKE_ERRNO=LOST,LOST,LOST run -1 kx -p -s --sysroot=sys vmlinuz --initrd=initrd.img
	assert_line "kexec: NOT ARMED: the kernel accepted the load but then reported no crash kernel loaded (/sys/kernel/kexec_crash_loaded read 0, 5 times 20 ms apart) after 2 more loads; a panic now is not captured: run this command again or kexec-hotplug check"
	assert_equal "$(loads)" 3
	[ -s state/crash-load ]
	KEXEC_EXT_FAKE_ERRNO=LOST,LOST,LOST run -1 --separate-stderr kx -p -s --json --sysroot=sys vmlinuz --initrd=initrd.img
	assert_equal "$(jq -c '[.result.loaded, .result.errno]' <<<"$output")" '[false,"EIO"]'
	# -S reports it and changes nothing
	rm syscalls
	run -0 kx -p -S --sysroot=sys
	assert_output --regexp "^kexec: warning: NOT ARMED: a load is recorded \(kexec_file_load .*vmlinuz, in .*/state\) but no crash kernel is loaded; a panic now is not captured: kexec-hotplug check reloads it$"
	[ ! -e syscalls ]
	run -0 --separate-stderr kx -p -S --json --sysroot=sys
	assert_equal "$(jq -c '[.loaded, .recorded_not_loaded]' <<<"$output")" '[false,true]'
}

@test "kexec: EBUSY (the kernel's hotplug handler holds the kexec lock) is waited out with a backoff" {
	kexec_env
	KEXEC_EXT_FAKE_ERRNO=EBUSY,EBUSY,EBUSY run -0 kx -d -p -s --sysroot=sys vmlinuz --initrd=initrd.img
	assert_line --partial "kexec lock busy (EBUSY), retrying in 10 ms"
	assert_line --partial "kexec lock busy (EBUSY), retrying in 40 ms"
	assert_equal "$(loads)" 4
	# bounded: 9 tries, then the error
	rm syscalls
	KEXEC_EXT_FAKE_ERRNO=EBUSY,EBUSY,EBUSY,EBUSY,EBUSY,EBUSY,EBUSY,EBUSY,EBUSY,EBUSY run -1 kx -p -s --sysroot=sys vmlinuz --initrd=initrd.img
	assert_equal "$(loads)" 9
}

@test "kexec -c: memory that changes during the load makes it planned and loaded again" {
	kexec_env
	KEXEC_EXT_FAKE_ERRNO=HOTPLUG run -0 kx -p -c --sysroot=sys vmlinuz --initrd=initrd.img
	assert_line --partial "the memory changed while the elfcorehdr was built (2 dump ranges then, 3 now): planning the load again"
	assert_equal "$(loads)" 2
	# the second load's header has the new RAM: one more PT_LOAD, the DIMM's
	run -0 kx -p -c --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img
	assert_equal "$(jq -c '[.dump[] | select(.start == 4294967296) | .end]' <<<"$output")" '[5368709119]'
	# a file load's header is the kernel's, built from the memory at that moment: not re-planned
	rm syscalls
	sed -i '/100000000-13fffffff : System RAM/d' sys/proc/iomem
	KEXEC_EXT_FAKE_ERRNO=HOTPLUG run -0 kx -p -s --sysroot=sys vmlinuz --initrd=initrd.img
	assert_equal "$(loads)" 1
}

@test "kexec-hotplug: a reload kexec reports done but the kernel lost is NOT ARMED; check repairs it" {
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=1
	save_record row none
	KX_STANDIN_LOSE=1 event add cpu
	wait_idle
	run -0 "$HP" status --json
	assert_equal "$(jq -c '[.reloads, .failures, .armed, .mode]' <<<"$output")" '[0,1,false,"recorded load missing (repair)"]'
	assert_equal "$(jq -r .last_error <<<"$output")" "NOT ARMED: /sys/kernel/kexec_crash_loaded reads 0 after a reload kexec reported done; a panic now is not captured: run kexec-hotplug check"
	run -0 "$HP" status
	assert_line "armed:        NOT ARMED: a load is recorded but no crash kernel is loaded; a panic now is not captured: run kexec-hotplug check"
	# the repair: the recorded load, replayed and verified
	# (tried three times, each lost; the marker says the reload was cut short)
	assert_equal "$(wc -l <row/kexec.log)" 3
	[ -e row/state/load-in-progress ]
	run -0 "$HP" check
	assert_output "repaired: the recorded load is loaded again"
	assert_equal "$(cat row/sys/sys/kernel/kexec_crash_loaded)" 1
	assert_equal "$(wc -l <row/kexec.log)" 4
	[ ! -e row/state/load-in-progress ]
	run -0 "$HP" status --json
	assert_equal "$(jq -c '[.reloads, .armed]' <<<"$output")" '[1,true]'
	# armed: nothing to do, nothing run
	run -0 "$HP" check
	assert_output "udev reload: nothing to repair"
	assert_equal "$(wc -l <row/kexec.log)" 4
}

@test "kexec-hotplug check: a repair that fails exits 1 with kexec's words; no record, nothing to do" {
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=0
	save_record row kernel
	echo "pid 1 time 1732147200 by kexec" >row/state/load-in-progress
	KX_STANDIN_RC=1 run -1 "$HP" check
	assert_output "$BATS_TEST_TMPDIR/row/kexec exited 1: kexec: standin failure"
	assert_equal "$(status_field failures)" 1
	KX_STANDIN_LOSE=1 run -1 "$HP" check
	assert_output --partial "NOT ARMED: /sys/kernel/kexec_crash_loaded reads 0 after a reload"
	rm row/state/crash-load
	run -0 "$HP" check
	assert_output "nothing loaded: nothing to repair"
	run -0 "$HP" status
	assert_line "armed:        no: nothing is loaded or registered"
}

@test "kexec-hotplug: a hotplug reload writes 1 to crash_dm_crypt_keys/reuse first when keys are saved" {
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=1
	save_record row none
	keys=row/sys/sys/kernel/config/crash_dm_crypt_keys
	mkdir -p "$keys"
	echo 2 >"$keys/count"
	echo 0 >"$keys/reuse"
	event add cpu
	wait_idle
	assert_equal "$(cat "$keys/reuse")" 1
	assert_equal "$(status_field reloads)" 1
	# no keys saved: the kernel would refuse the write, so it is not made
	echo 0 >"$keys/count"
	echo 0 >"$keys/reuse"
	event add cpu
	wait_idle
	assert_equal "$(cat "$keys/reuse")" 0
	assert_equal "$(status_field reloads)" 2
}

@test "the check timer and its service are installed, and name kexec-hotplug check" {
	rm -rf inst
	make -s -C "${BUILD:-$SRCDIR/build}" install DESTDIR="$PWD/inst" prefix=/usr >/dev/null
	svc=$(find inst -name kexec-hotplug-check.service)
	tmr=$(find inst -name kexec-hotplug-check.timer)
	[ -n "$svc" ] && [ -n "$tmr" ]
	run -0 grep -x 'ExecStart=/usr/libexec/kexec-ext/kexec-hotplug check' "$svc"
	run -0 grep -x 'OnBootSec=5min' "$tmr"
	run -0 grep -x 'ConditionPathExists=/run/kexec/crash-load' "$svc"
}

@test "kexec-hotplug: in kernel-maintained mode, events that came during our reload make one more reload" {
	# the kernel's crash hotplug handler skips its update while our reload holds the kexec lock
	# (kexec_trylock): an online event then is not in the kernel's header, so it is ours to cover
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=1 mem_hp=1 cpu_hp=1
	save_record row kernel
	KX_STANDIN_SLEEP=1 event remove memory
	# wait until the reload is running, then an event the kernel maintains on its own
	for ((i = 0; i < 100; i++)); do [ -s row/kexec.log ] && break; sleep 0.05; done
	[ -s row/kexec.log ]
	event online memory
	wait_idle
	assert_equal "$(wc -l <row/kexec.log)" 2
	assert_equal "$(status_field last_reason)" "events came while our reload held the kexec lock: the kernel skips its header update then (kexec_trylock); reloading"
	# the same event with no reload around it: the kernel's to handle
	event online memory
	wait_idle
	assert_equal "$(wc -l <row/kexec.log)" 2
	assert_equal "$(status_field last_reason)" "memory crash_hotplug 1: the kernel updates the header"
}

@test "freshness: the memory recorded at load time against the memory now, in kexec -S and status" {
	kexec_env
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.1 sys61
	run -0 kx -p -s --sysroot=sys61 vmlinuz --initrd=initrd.img
	# the record carries the System RAM of the load
	assert_equal "$(grep '^ram ' state/crash-load)" "ram 0x1000 0x9fbff
ram 0x100000 0x3ffdffff"
	run -1 --separate-stderr kx -p -S --json --sysroot=sys61
	assert_equal "$(jq -c .freshness <<<"$output")" '{"state":"same","text":"fresh: the System RAM online now is what it was at load time"}'
	# a DIMM onlined since: not in the dump until a reload
	echo "100000000-13fffffff : System RAM" >>sys61/proc/iomem
	run -1 kx -p -S --sysroot=sys61
	assert_output "kexec: warning: the loaded crash kernel's dump is stale: 1 GiB at 0x100000000 added since the load, not in the dump: reload it (kexec-hotplug does after hotplug events)"
	KEXEC_HOTPLUG_SYSROOT=$PWD/sys61 run -0 "$HP" status
	assert_line "dump covers:  stale: 1 GiB at 0x100000000 added since the load, not in the dump"
	# loaded again with the DIMM, which then goes: memory gone since the load is named too
	run -0 kx -p -s --sysroot=sys61 vmlinuz --initrd=initrd.img
	sed -i '/^100000000-13fffffff : System RAM/d' sys61/proc/iomem
	KEXEC_HOTPLUG_SYSROOT=$PWD/sys61 run -0 "$HP" status --json
	assert_equal "$(jq -r .freshness.text <<<"$output")" "stale: 1 GiB at 0x100000000 removed since the load, still in the dump"
	# kernel-maintained: the kernel's word (crash_hotplug reads 1 once such an image is loaded)
	run -0 kx -p -s --sysroot=sys vmlinuz --initrd=initrd.img
	echo 1 >sys/sys/devices/system/memory/crash_hotplug
	run -1 --separate-stderr kx -p -S --json --sysroot=sys
	assert_equal "$(jq -r .freshness.state <<<"$output")" kernel
}

@test "a record with nothing loaded and no load cut short was unloaded on purpose: never reloaded" {
	# kexec-tools' kexec -p -u, or a distribution's script, leaves our record behind
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=0
	save_record row none
	event add cpu
	wait_idle
	run -0 "$HP" check
	assert_output "recorded load unloaded outside kexec-ext: nothing to repair"
	assert_equal "$(cat row/kexec.log)" ""
	run -0 "$HP" status
	assert_line "mode:         recorded load unloaded outside kexec-ext"
	assert_line "last reason:  a load is recorded but no crash kernel is loaded, and no load was cut short: it was unloaded on purpose (kexec-tools -p -u, a distribution's script); nothing is reloaded"
	# our own kexec -p leaves no marker behind once its load is verified, and -p -u none either
	kexec_env
	run -0 kx -p -s --sysroot=sys vmlinuz --initrd=initrd.img
	[ ! -e state/load-in-progress ]
	KEXEC_EXT_FAKE_ERRNO=LOST,LOST,LOST run -1 kx -p -s --sysroot=sys vmlinuz --initrd=initrd.img
	run -0 cat state/load-in-progress
	assert_output --regexp '^pid [0-9]+ time [0-9]+ by kexec$'
	run -0 kx -p -u --sysroot=sys
	[ ! -e state/load-in-progress ] && [ ! -e state/crash-load ]
}

@test "only a crash load is replayed: a record whose argv would -l, -e or -u is refused" {
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=1
	for args in "-l /home/evil/vmlinuz" "-p -e" "-pu" "-p --dry-run" "--exec -p" "-s /boot/vmlinuz"; do
		save_record row none
		# shellcheck disable=SC2086 # one word per argument
		sed -i '/^arg /d' row/state/crash-load && printf 'arg %s\n' kexec $args >>row/state/crash-load
		event add cpu
		wait_idle
		assert_equal "$(cat row/kexec.log)" ""
		[[ $(status_field last_error) == *"not a crash load"* ]] || { status_field last_error; return 1; }
	done
	# -t TYPE's argument is not read as options: "-t uki" and "-tuki" replay
	save_record row none
	sed -i '/^arg /d' row/state/crash-load && printf 'arg %s\n' kexec -p -tuki /boot/uki.efi >>row/state/crash-load
	event add cpu
	wait_idle
	assert_equal "$(wc -l <row/kexec.log)" 1
}

@test "the 6.19 layout: /sys/kernel/kexec/crash_loaded without the old name is what kexec-hotplug reads" {
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=0
	save_record row none
	rm row/sys/sys/kernel/kexec_crash_loaded
	mkdir -p row/sys/sys/kernel/kexec
	echo 1 >row/sys/sys/kernel/kexec/crash_loaded
	run -0 "$HP" status
	assert_line "mode:         udev reload"
	assert_line "armed:        yes (a crash kernel is loaded)"
	echo 0 >row/sys/sys/kernel/kexec/crash_loaded
	run -0 "$HP" status
	assert_line "mode:         recorded load unloaded outside kexec-ext"
	# neither name: unknown, not "not loaded"
	rm row/sys/sys/kernel/kexec/crash_loaded row/state/crash-load
	run -0 "$HP" status --json
	assert_equal "$(jq -c '[.mode, .armed]' <<<"$output")" '["nothing loaded",null]'
}
