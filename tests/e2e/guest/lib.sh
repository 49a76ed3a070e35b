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

mem_blocks() { ls -d /sys/devices/system/memory/memory* 2>/dev/null | wc -l; }

load_modules() {
	for m in $(cat /lib/modules/load-order 2>/dev/null); do
		insmod "/lib/modules/$m" 2>&1 | grep -v 'File exists'
	done
}
