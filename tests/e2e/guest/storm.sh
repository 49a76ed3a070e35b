#!/bin/sh
# First kernel of bench/hotplug-storm.sh: one hotplug storm under one strategy (kx_strategy=ours,
# per-event or throttler).  udevd runs the strategy's rule; the crash kernel is loaded with
# `-p -c` (ours: our kexec; the peers: Debian's); a sampler polls kexec_crash_loaded; the host
# hot-adds one DIMM (64 blocks of 128 MiB on x86) and this script onlines every new block as fast as
# it can; then it waits until the strategy has settled (no load or unload, no udev event, no lock
# held for 10 s; 180 s at most after the last online write) and prints
#   STORM_RESULT strategy=… loads=N failed=N ebusy=N unloads=N unload_failed=N zero_ms=…
#     zero_runs=N longest_zero_ms=… loaded=0|1 last_event=UPTIME last_ok_end=UPTIME|-
#     last_ok_s=DURATION|- fresh=0|1 fresh_s=SECONDS|- started_after=0|1 settled=0|1
# fresh: the last successful load ended after the last online write (fresh_s after it);
# started_after: it also began after it (read /proc/iomem after every event).  Every
# load and unload goes through /e2e/storm-kexec.sh, which logs it (STORM_RUN lines, printed too).
. /e2e/lib.sh
strategy=$(param kx_strategy ours)
quiet=$(param kx_quiet_ms 500)
hp=/usr/libexec/kexec-ext/kexec-hotplug
log=/run/storm-loads.log
our_rule=$(ls /lib/udev/rules.d/98-kexec-hotplug.rules /usr/lib/udev/rules.d/98-kexec-hotplug.rules 2>/dev/null | head -n 1)
echo "STORM_START kver=$(uname -r) strategy=$strategy ncpus=$(grep -c ^processor /proc/cpuinfo)"
if [ ! -x /e2e/crash-loaded-sampler ] || [ -z "$our_rule" ] || [ ! -x "$hp" ] || [ ! -x /usr/sbin/kexec-debian ]; then
	echo "STORM_MISSING sampler=$(test -x /e2e/crash-loaded-sampler && echo 1 || echo 0) rule=${our_rule:-none} helper=$(test -x $hp && echo 1 || echo 0)"
	exit 1
fi
mkdir -p /run/udev /etc/kexec /etc/udev/rules.d
: >"$log"
echo "console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug panic=-1 kx_test=capture" >/run/storm.append
case $strategy in
ours)
	loader=/usr/sbin/kexec
	# $(sysconfdir)/kexec/hotplug.conf: /etc, or /usr/local/etc in a default-prefix build
	mkdir -p /usr/local/etc/kexec
	echo "quiet_ms = $quiet" | tee /usr/local/etc/kexec/hotplug.conf >/etc/kexec/hotplug.conf
	# udevd reads /usr/lib/udev/rules.d, not /lib/udev/rules.d where `make install` may put the
	# rule (Debian 12's udevdir); on the real system /lib is /usr/lib, here it is not
	if [ ! -e /usr/lib/udev/rules.d/98-kexec-hotplug.rules ]; then
		mkdir -p /usr/lib/udev/rules.d
		cp "$our_rule" /usr/lib/udev/rules.d/98-kexec-hotplug.rules
	fi
	# the helper runs the wrapper instead of the installed kexec (it logs, then runs ours)
	echo 'SUBSYSTEM=="memory|cpu", ENV{KEXEC_HOTPLUG_KEXEC}="/e2e/storm-kexec.sh"' \
		>/etc/udev/rules.d/97-storm-ours.rules
	;;
per-event)
	loader=/usr/sbin/kexec-debian
	rm -f /lib/udev/rules.d/98-kexec-hotplug.rules /usr/lib/udev/rules.d/98-kexec-hotplug.rules
	echo 'SUBSYSTEM=="memory", ACTION=="online|offline", RUN+="/e2e/storm-per-event.sh"' \
		>/etc/udev/rules.d/98-storm-per-event.rules
	;;
throttler)
	loader=/usr/sbin/kexec-debian
	rm -f /lib/udev/rules.d/98-kexec-hotplug.rules /usr/lib/udev/rules.d/98-kexec-hotplug.rules
	echo 'SUBSYSTEM=="memory", ACTION=="online|offline", RUN+="/e2e/storm-throttler.sh"' \
		>/etc/udev/rules.d/98-storm-throttler.rules
	;;
*)
	echo "STORM_BAD_STRATEGY $strategy (ours, per-event or throttler)"
	exit 1
	;;
esac
echo "STORM_RULES" /etc/udev/rules.d/*.rules /usr/lib/udev/rules.d/*.rules /lib/udev/rules.d/*.rules
/lib/systemd/systemd-udevd --daemon
"$loader" -p -c /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append="$(cat /run/storm.append)"
echo "STORM_LOAD rc=$? loader=$loader loaded=$(cat /sys/kernel/kexec_crash_loaded) at=$(up)"
udevadm settle
# niced (busybox has renice, not nice): it polls without pause; the loads must not wait for it
/e2e/crash-loaded-sampler 900 /tmp/sampler.stop >/tmp/sampler.out &
sampler=$!
renice -n 19 -p $sampler >/dev/null

n0=$(mem_blocks)
echo "STORM_READY blocks=$n0"
# the DIMM's blocks appear one by one: wait for the first, then until the count holds for 1 s
i=0
while [ "$(mem_blocks)" -le "$n0" ] && [ $i -lt 6000 ]; do sleep 0.1; i=$((i + 1)); done
n=$(mem_blocks)
same=0
while [ $same -lt 10 ] && [ $i -lt 6000 ]; do
	sleep 0.1
	i=$((i + 1))
	m=$(mem_blocks)
	if [ "$m" = "$n" ]; then same=$((same + 1)); else same=0; n=$m; fi
done
echo "STORM_ADDED blocks=$n new=$((n - n0)) waited=${i}x0.1s"
first=$(up)
onlined=0
for d in /sys/devices/system/memory/memory*; do
	read -r s <"$d/state"
	[ "$s" = offline ] || continue
	echo online >"$d/state" && onlined=$((onlined + 1))
done
last=$(up)
echo "STORM_ONLINED blocks=$onlined first=$first last=$last"

# settled: 10 s without a new log line, an unfinished load or unload, a udev event in the queue,
# the throttler's lock or an event kexec-hotplug has not handled; 180 s at most
busy_now() {
	[ "$(grep -c '^STORM_BEGIN' "$log")" = "$(grep -c '^STORM_RUN' "$log")" ] || return 0
	udevadm settle -t 0 2>/dev/null || return 0
	[ -d /run/storm-throttle.lock ] && return 0
	if [ "$strategy" = ours ]; then
		case $("$hp" status --json | tr -d ' \n') in *'"pending":0'*) ;; *) return 0 ;; esac
	fi
	return 1
}
settled=0
prev=""
idle_since=$(up)
while awk -v a="$(up)" -v b="$last" 'BEGIN { exit !(a - b < 180) }'; do
	sig=$(wc -l <"$log")
	if busy_now || [ "$sig" != "$prev" ]; then
		idle_since=$(up)
		prev=$sig
	elif awk -v a="$(up)" -v b="$idle_since" 'BEGIN { exit !(a - b >= 10) }'; then
		settled=1
		break
	fi
	sleep 0.5
done
touch /tmp/sampler.stop
wait $sampler
loaded=$(cat /sys/kernel/kexec_crash_loaded)
echo "STORM_SETTLED settled=$settled at=$(up) loaded=$loaded"
grep '^STORM_RUN' "$log"
[ "$strategy" = ours ] && echo "STORM_HOTPLUG_STATUS $("$hp" status --json | tr -d '\n')"
cat /tmp/sampler.out
sampler_line=$(grep '^SAMPLER' /tmp/sampler.out)
awk -v strategy="$strategy" -v last="$last" -v loaded="$loaded" -v settled="$settled" \
	-v sampler="$sampler_line" '
	$1 == "STORM_RUN" {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		if (f["op"] == "unload") { unloads++; if (f["rc"] != 0) unload_failed++; next }
		loads++
		if (f["rc"] != 0) { failed++; if (f["ebusy"] == 1) ebusy++; next }
		if (ok_end == "" || f["end"] + 0 > ok_end + 0) {
			ok_end = f["end"]
			ok_start = f["start"]
			ok_s = f["end"] - f["start"]
		}
	}
	END {
		n = split(sampler, s, " ")
		for (i = 2; i <= n; i++) { split(s[i], kv, "="); smp[kv[1]] = kv[2] }
		fresh = (ok_end != "" && ok_end + 0 > last + 0)
		after = (ok_end != "" && ok_start + 0 >= last + 0)
		printf "STORM_RESULT strategy=%s loads=%d failed=%d ebusy=%d unloads=%d unload_failed=%d", \
			strategy, loads, failed, ebusy, unloads, unload_failed
		printf " zero_ms=%s zero_runs=%s longest_zero_ms=%s loaded=%s last_event=%s", \
			smp["zero_ms"] == "" ? "-" : smp["zero_ms"], smp["zero_runs"] == "" ? "-" : smp["zero_runs"], \
			smp["longest_zero_ms"] == "" ? "-" : smp["longest_zero_ms"], loaded, last
		printf " last_ok_end=%s last_ok_s=%s fresh=%d fresh_s=%s started_after=%d settled=%s\n", \
			ok_end == "" ? "-" : ok_end, ok_end == "" ? "-" : sprintf("%.2f", ok_s), fresh, \
			fresh ? sprintf("%.2f", ok_end - last) : "-", after, settled
	}' "$log"
