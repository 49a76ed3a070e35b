#!/bin/sh
# storm-kexec.sh ARGS…: the loader every strategy of bench/hotplug-storm.sh runs, so that all
# three are counted alike.  Runs $STORM_KEXEC (default /usr/sbin/kexec, ours) with ARGS, passes
# its stderr on and appends to /run/storm-loads.log, at the start and at the end:
#   STORM_BEGIN op=load|unload pid=P start=UPTIME
#   STORM_RUN op=load|unload pid=P start=UPTIME end=UPTIME rc=N ebusy=0|1 err=LAST_STDERR_LINE
# (UPTIME: /proc/uptime, 10 ms ticks).  kexec-hotplug runs it through KEXEC_HOTPLUG_KEXEC, the
# peers' udev handlers directly; udev gives its programs no PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
log=/run/storm-loads.log
bin=${STORM_KEXEC:-/usr/sbin/kexec}
op=load
for a in "$@"; do
	case $a in -u | --unload) op=unload ;; esac
done
start=$(cut -d' ' -f1 /proc/uptime)
echo "STORM_BEGIN op=$op pid=$$ start=$start" >>"$log"
"$bin" "$@" 2>/run/storm-err.$$ >/dev/null
rc=$?
end=$(cut -d' ' -f1 /proc/uptime)
ebusy=0
grep -qiE 'busy|EBUSY' /run/storm-err.$$ && ebusy=1
err=$(tail -n 1 /run/storm-err.$$ | sed 's/[^A-Za-z0-9.:,()/=-]/_/g')
cat /run/storm-err.$$ >&2
rm -f /run/storm-err.$$
echo "STORM_RUN op=$op pid=$$ start=$start end=$end rc=$rc ebusy=$ebusy err=${err:--}" >>"$log"
exit $rc
