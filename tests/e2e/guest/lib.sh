# shellcheck shell=sh
# Sourced by the guest scenario scripts (busybox sh).
up() { cut -d' ' -f1 /proc/uptime; }

# param NAME DEFAULT: value of NAME= on the kernel command line
param() {
	for a in $(cat /proc/cmdline); do
		case $a in "$1"=*) echo "${a#"$1"=}"; return ;; esac
	done
	echo "$2"
}

# the first kernel's RAM as the host checks coverage against: RAM_RANGE start end (inclusive, hex)
ram_ranges() {
	grep -E '^ *[0-9a-f]+-[0-9a-f]+ : System RAM' /proc/iomem |
		sed 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\).*/RAM_RANGE \1 \2/'
	grep -E 'Crash kernel' /proc/iomem | sed 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\).*/CRASH_RANGE \1 \2/'
}

# panic_now: what init wrote reaches the host, then the PANIC_NOW marker and a crash (sysrq-c).
# Lines echoed to the console sit in the tty's buffer until the UART sends them, and the crash can
# stop that (seen in the lab: the marker lost): stty with the console's own settings waits for the
# buffer to drain (TCSADRAIN), and the marker goes through printk (/dev/kmsg), which the kernel
# writes to the console synchronously, before the oops.
panic_now() {
	stty -F /dev/console "$(stty -F /dev/console -g)" 2>/dev/null
	echo "PANIC_NOW uptime=$(up)" >/dev/kmsg
	echo c >/proc/sysrq-trigger
}

# hp_busy: a kexec-hotplug worker, or the kexec it runs, is still there
hp_busy() { ps | grep -q '[k]exec-hotplug worker\|[/]kexec -p'; }

mem_blocks() { ls -d /sys/devices/system/memory/memory* 2>/dev/null | wc -l; }

load_modules() {
	for m in $(cat /lib/modules/load-order 2>/dev/null); do
		insmod "/lib/modules/$m" 2>&1 | grep -v 'File exists'
	done
}
