#!/bin/sh
# The kernel started by kexec -e (guest/kexec-e.sh): say so, with what it was given.
. /e2e/lib.sh
echo "SECOND_KERNEL_UP kver=$(uname -r) from=$(param kx_from none) mem_kb=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"
echo "SECOND_CMDLINE $(cat /proc/cmdline)"
