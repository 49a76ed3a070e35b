#!/usr/bin/env bash
# Build the device-dump kernel: Debian kernels leave CONFIG_PROC_VMCORE_DEVICE_DUMP unset, so the
# lab builds its own from Debian's linux-source-6.12: `make allnoconfig` plus exactly what the
# lab's scenarios use (tests/e2e/ddkernel.config, which says why each option is there), plus
# tests/e2e/ddmod (the test module).  A few minutes on 2 cores; a progress line every 30 s.
# Cached under $KX_LAB_CACHE/ddkernel-<hash of the configuration, the module source and the source
# tarball>; a second run with the same inputs reuses it.  Prints the cache directory on stdout,
# its progress on stderr.
#   Output: <dir>/bzImage, <dir>/kx_vmcoredd_test.ko, <dir>/config, <dir>/kver, <dir>/build-seconds
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${KX_LAB_CACHE:-/var/cache/kexec-ext-lab}
tarball=/usr/src/linux-source-6.12.tar.xz
fragment=$here/ddkernel.config
jobs=${JOBS:-$(nproc)}
[ -f "$tarball" ] || { echo "build-ddkernel: $tarball missing: run tests/install-deps.sh" >&2; exit 1; }

# the cache key: what decides the result (configuration, targets, module source, source tarball)
key=$( { echo "allnoconfig + ddkernel.config; bzImage modules"; cat "$fragment" "$here"/ddmod/*;
	 stat -c '%s %Y' "$tarball"; } | sha256sum | cut -c1-16)
out="$cache/ddkernel-$key"
built() { [ -f "$out/bzImage" ] && [ -f "$out/kx_vmcoredd_test.ko" ]; }
mkdir -p "$cache"
if built; then
	echo "$out"
	exit 0
fi

work="$cache/ddkernel-build"
mkdir -p "$work"
# one build at a time per machine (two test runs share the cache); the winner's result is reused
exec 9>"$cache/ddkernel.lock"
if ! flock -n 9; then
	echo "build-ddkernel: another build is running; waiting for it" >&2
	flock 9
fi
if built; then
	echo "$out"
	exit 0
fi
t0=$(date +%s)
elapsed() { local s=$(( $(date +%s) - t0 )); printf '%d min %02d s' $((s / 60)) $((s % 60)); }
say() { echo "build-ddkernel: $* ($(elapsed))" >&2; }

# run "STEP" COMMAND…: the command's output to make.log; a progress line every 30 s while it runs
run() {
	local step=$1 pid
	shift
	"$@" >>"$work/make.log" 2>&1 &
	pid=$!
	while ! wait_for "$pid" 30; do
		say "$step: $(find "$obj" -name '*.o' 2>/dev/null | wc -l) objects so far"
	done
	wait "$pid" || { tail -40 "$work/make.log" >&2; say "$step failed (log: $work/make.log)"; exit 1; }
}
# wait_for PID SECONDS: true once PID has ended, false when SECONDS passed first
wait_for() {
	local i
	for ((i = 0; i < $2 * 2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.5
	done
	! kill -0 "$1" 2>/dev/null
}

: >"$work/make.log"
if [ ! -f "$work/src.stamp" ] || [ "$(cat "$work/src.stamp")" != "$(stat -c '%s %Y' "$tarball")" ]; then
	say "unpacking $tarball"
	rm -rf "$work/src"
	mkdir -p "$work/src"
	tar -xf "$tarball" -C "$work/src" --strip-components=1
	stat -c '%s %Y' "$tarball" >"$work/src.stamp"
fi
obj="$work/obj"
rm -rf "$obj" && mkdir -p "$obj"
say "configuring (allnoconfig + $(grep -c '^CONFIG_' "$fragment") options from ddkernel.config)"
make -s -C "$work/src" O="$obj" KCONFIG_ALLCONFIG="$fragment" allnoconfig >>"$work/make.log" 2>&1
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=y$' "$fragment" | grep -vxFf "$obj/.config" || true)
if [ -n "$missing" ]; then
	echo "build-ddkernel: these options of ddkernel.config did not stick (a dependency is unset):" \
		$missing >&2
	exit 1
fi
run "compiling bzImage with -j$jobs" make -s -C "$work/src" O="$obj" -j"$jobs" bzImage modules
rm -rf "$work/mod" && mkdir -p "$work/mod" && cp "$here"/ddmod/* "$work/mod/"
run "building the test module" make -s -C "$obj" M="$work/mod" modules

mkdir -p "$out.tmp"
cp "$obj/arch/x86/boot/bzImage" "$out.tmp/bzImage"
cp "$work/mod/kx_vmcoredd_test.ko" "$out.tmp/"
cp "$obj/.config" "$out.tmp/config"
make -s -C "$work/src" O="$obj" kernelrelease >"$out.tmp/kver"
echo $(( $(date +%s) - t0 )) >"$out.tmp/build-seconds"
rm -rf "$out" && mv "$out.tmp" "$out"
rm -rf "$obj" "$work/mod"
say "done in $(cat "$out/build-seconds") s: $(cat "$out/kver")"
echo "$out"
