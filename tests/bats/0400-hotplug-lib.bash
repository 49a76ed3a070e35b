# shellcheck shell=bash
# Shared by the kexec-hotplug specs (tests/bats/04NN-hotplug-*.bats): a sysroot fixture, a stand-in
# kexec that records its calls, a saved crash load, events as udev sends them, and waiting for
# the worker to finish.
HP=${KEXEC_HOTPLUG_BIN:-${BUILD:-$SRCDIR/build}/udev/kexec-hotplug}
MKHP="$SRCDIR/tests/fixtures/mk-hotplug-sysroot.sh"

# hp_env DIR: everything kexec-hotplug reads points into DIR; a 50 ms quiet period
hp_env() {
	local d=$1
	mkdir -p "$d"
	export KEXEC_STATE_DIR=$d/state KEXEC_HOTPLUG_SYSROOT=$d/sys KEXEC_HOTPLUG_KEXEC=$d/kexec \
		KEXEC_HOTPLUG_CONF=$d/hotplug.conf KX_STANDIN_LOG=$d/kexec.log
	unset KEXEC_HOTPLUG_QUIET_MS KEXEC_HOTPLUG_MAX_SETTLE_MS KEXEC_HOTPLUG_SPAWN KX_STANDIN_SLEEP \
		KX_STANDIN_RC KX_STANDIN_LOSE SYNTH_UUID
	bash "$MKHP" --kexec "$d/kexec"
	printf 'quiet_ms = 50\nmax_settle_ms = 2000\nspawn = fork\nreread_ms = 10\n' >"$d/hotplug.conf"
	: >"$d/kexec.log"
}

# the argv the saved load repeats (arg 0 is replaced by the installed kexec)
SAVED_ARGS=(-p -s /boot/vmlinuz --initrd=/boot/initrd.img "--append=irqpoll nr_cpus=1")

# save_record DIR MODE [SYSCALL FLAGS]: the record `kexec -p` leaves; MODE old: no hotplug line
save_record() {
	local d=$1 mode=$2
	mkdir -p "$d/state"
	{
		echo "version 1"
		echo "time 1732147200"
		echo "syscall ${3:-kexec_file_load}"
		echo "flags ${4:-0x2}"
		echo "kernel /boot/vmlinuz"
		echo "initrd /boot/initrd.img"
		echo "cmdline irqpoll nr_cpus=1"
		echo "cwd $d"
		[ "$mode" = old ] || echo "hotplug $mode"
		printf 'arg %s\n' kexec "${SAVED_ARGS[@]}"
	} >"$d/state/crash-load"
}

# event ACTION SUBSYSTEM: what udev runs for one event
event() {
	env ACTION="$1" SUBSYSTEM="$2" DEVPATH="/devices/system/$2/${2}0" "$HP"
}

# true while some process holds hotplug.worker.lock (read from /proc/locks: taking the lock here
# would make a starting worker give up)
worker_holds_lock() {
	local f=$KEXEC_STATE_DIR/hotplug.worker.lock ino
	[ -e "$f" ] || return 1
	ino=$(stat -c %i "$f")
	awk -v ino="$ino" '{ n = split($6, a, ":"); if (a[n] == ino) found = 1 } END { exit !found }' /proc/locks
}

# wait_idle [SECONDS]: until no event is pending and no worker runs
wait_idle() {
	local i
	for ((i = 0; i < ${1:-30} * 20; i++)); do
		if [ "$("$HP" status --json | jq .pending)" = 0 ] && ! worker_holds_lock; then
			return 0
		fi
		sleep 0.05
	done
	echo "kexec-hotplug did not become idle in ${1:-30} s" >&2
	return 1
}

# status_field KEY: one value of `status --json`
status_field() {
	"$HP" status --json | jq -r ".$1"
}
