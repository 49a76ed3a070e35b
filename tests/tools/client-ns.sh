#!/usr/bin/env bash
# client-ns.sh DIR CMD [ARG…]: run a distribution's kdump client (CMD, e.g. kdump-config load)
# unchanged on top of our kexec, in a private mount namespace that changes nothing on the host.
#
# DIR is prepared by the caller (tests/bats/0218-kdump-tools.bats) and must hold:
#   sysroot/       a kexec sysroot (tests/fixtures/mk-kexec-sysroot.sh) — the fake kernel
#   kexec-test     path of the test build of our kexec (a symbolic link is not followed: a file
#                  whose first line is that path)
#   cmdline        what the client reads as /proc/cmdline
#   upper/{etc,var,boot}/   files laid over the host's /etc, /var and /boot (overlayfs; every write
#                  the client makes there lands in DIR/upper, the host's directories stay as
#                  they are): /etc/default/kdump-tools, /var/lib/kdump, /boot/vmlinuz-$(uname -r)
#   firmware/      what the client sees as /sys/firmware (efivars for the secure-boot test)
#
# Inside the namespace:
#   /sbin/kexec              DIR/kexec, a wrapper written here that records its argv in DIR/argv
#                            (one line per call, each argument in brackets) and execs kexec-test
#                            with --sysroot=DIR/sysroot appended.  A wrapper rather than binding
#                            the sysroot's files over the real /proc and /sys: our kexec reads
#                            dozens of them (iomem, kcore, per-CPU crash_notes, vmcoreinfo, the
#                            crash_hotplug files), and the syscall fake plays the kernel's part
#                            (kexec_crash_loaded ← 1 or 0) only inside a --sysroot.
#   /sys/kernel              DIR/sysroot/sys/kernel: the client reads kexec_crash_loaded where
#                            the fake writes it (a directory bind: a file bind would go stale if
#                            the file were ever replaced rather than rewritten)
#   /sys/firmware            DIR/firmware
#   /proc/iomem              DIR/sysroot/proc/iomem (kdump-config shows the crashkernel address)
#   /proc/cmdline            DIR/cmdline
#   /proc/sys/kernel/panic_on_oops   DIR/panic_on_oops (kdump-config sets it after a load)
#   /dev/log                 /dev/null when it exists (no client message reaches the host's log)
# The kexec state dir is DIR/state (KEXEC_STATE_DIR, set by the wrapper).  The environment passes
# through the client to kexec-test (KEXEC_EXT_FAKE_SYSCALL, KEXEC_EXT_FAKE_ERRNO, ASAN_OPTIONS).
# KEXEC_EXT_FAKE_ERRNO's list restarts in each kexec process; for a client that runs kexec more
# than once (reload = unload, then load), KX_FAKE_ERRNO_PER_RUN="LIST1 LIST2 …" gives the Nth run
# of /sbin/kexec LISTN as its KEXEC_EXT_FAKE_ERRNO (runs counted in DIR/runs).
set -euo pipefail

dir=${1:?usage: client-ns.sh DIR CMD [ARG...]}
shift
[ $# -gt 0 ] || { echo "usage: client-ns.sh DIR CMD [ARG...]" >&2; exit 2; }
dir=$(cd "$dir" && pwd -P)
[ "$(id -u)" -eq 0 ] || { echo "client-ns.sh: needs root (unshare -m, mount)" >&2; exit 1; }
for f in sysroot/sys/kernel sysroot/proc/iomem cmdline upper/etc upper/var upper/boot firmware; do
	if [ ! -e "$dir/$f" ] || [ -L "$dir/$f" ]; then
		echo "client-ns.sh: $dir/$f is missing or a symbolic link" >&2
		exit 1
	fi
done
kexec_test=$(head -n 1 "$dir/kexec-test")
[ -x "$kexec_test" ] || { echo "client-ns.sh: $kexec_test is not executable" >&2; exit 1; }
# a chroot's / is no mount point: its mounts cannot be made private (they would reach the host)
mountpoint -q / || { echo "client-ns.sh: / is not a mount point (a chroot): no private mount namespace can be made here" >&2; exit 1; }
[ -e /sbin/kexec ] || { echo "client-ns.sh: no /sbin/kexec to bind over (tests/install-deps.sh installs kexec-tools)" >&2; exit 1; }

q() { printf '%q' "$1"; }
cat >"$dir/kexec" <<EOF
#!/bin/bash
# /sbin/kexec as kdump clients see it in client-ns.sh: our test build against the fake kernel
printf '[%s] ' "\$@" >>$(q "$dir/argv")
echo >>$(q "$dir/argv")
echo >>$(q "$dir/runs")
if [ -n "\${KX_FAKE_ERRNO_PER_RUN:-}" ]; then
	n=\$(wc -l <$(q "$dir/runs"))
	KEXEC_EXT_FAKE_ERRNO=\$(echo "\$KX_FAKE_ERRNO_PER_RUN" | cut -d' ' -f"\$n")
	export KEXEC_EXT_FAKE_ERRNO
fi
export KEXEC_STATE_DIR=$(q "$dir/state")
exec $(q "$kexec_test") "\$@" --sysroot=$(q "$dir/sysroot")
EOF
chmod 0755 "$dir/kexec"
[ -e "$dir/panic_on_oops" ] || echo 0 >"$dir/panic_on_oops"
mkdir -p "$dir/state" "$dir/work"

# the mounts, in the child of unshare; "$@" is the client's command
# shellcheck disable=SC2016
exec unshare --mount --propagation private -- bash -c '
	set -e
	d=$1
	shift
	for t in etc var boot; do
		mkdir -p "$d/work/$t"
		mount -t overlay overlay -o "lowerdir=/$t,upperdir=$d/upper/$t,workdir=$d/work/$t" "/$t"
	done
	mount --bind "$d/kexec" /sbin/kexec
	mount --bind "$d/sysroot/sys/kernel" /sys/kernel
	mount --bind "$d/firmware" /sys/firmware
	mount --bind "$d/sysroot/proc/iomem" /proc/iomem
	mount --bind "$d/cmdline" /proc/cmdline
	mount --bind "$d/panic_on_oops" /proc/sys/kernel/panic_on_oops
	if [ -e /dev/log ]; then mount --bind /dev/null /dev/log; fi
	exec "$@"
' client-ns "$dir" "$@"
