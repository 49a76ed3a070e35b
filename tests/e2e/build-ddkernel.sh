#!/usr/bin/env bash
# Build the device-dump kernel: Debian kernels leave CONFIG_PROC_VMCORE_DEVICE_DUMP unset, so the
# lab builds a small one from Debian's linux-source-6.12 (x86_64_defconfig + kvm_guest.config +
# kdump, hotplug and device-dump options), plus tests/e2e/ddmod (the test module).
# Cached under $KX_LAB_CACHE/ddkernel-<hash of this script, the module source and the source
# tarball>; a second run with the same inputs reuses it.  Prints the cache directory.
#   Output: <dir>/bzImage, <dir>/kx_vmcoredd_test.ko, <dir>/config, <dir>/kver
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${KX_LAB_CACHE:-/var/cache/kexec-ext-lab}
tarball=/usr/src/linux-source-6.12.tar.xz
jobs=${JOBS:-$(nproc)}
[ -f "$tarball" ] || { echo "build-ddkernel: $tarball missing: apt-get install linux-source-6.12" >&2; exit 1; }

# the options the lab needs on top of x86_64_defconfig + kvm_guest.config
enable=(PROC_VMCORE PROC_VMCORE_DEVICE_DUMP CRASH_DUMP KEXEC KEXEC_FILE RELOCATABLE
	SERIAL_8250 SERIAL_8250_CONSOLE BLK_DEV_INITRD RD_GZIP DEVTMPFS MODULES MODULE_UNLOAD
	VIRTIO_PCI VIRTIO_BLK MEMORY_HOTPLUG MEMORY_HOTREMOVE MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO
	ACPI ACPI_HOTPLUG_MEMORY HOTPLUG_CPU CRASH_HOTPLUG SPARSEMEM_VMEMMAP PRINTK)
disable=(DRM SOUND USB_SUPPORT WLAN WIRELESS CFG80211 DEBUG_INFO DEBUG_INFO_DWARF4 DEBUG_INFO_DWARF5
	DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT DEBUG_INFO_BTF MODULE_SIG IKHEADERS SECURITY_SELINUX HID
	INPUT_MOUSE)

# the cache key: what decides the result (options, module source, source tarball), not this script
key=$( { echo "${enable[*]} / ${disable[*]} / x86_64_defconfig kvm_guest.config"; cat "$here"/ddmod/*;
	 stat -c '%s %Y' "$tarball"; } | sha256sum | cut -c1-16)
out="$cache/ddkernel-$key"
mkdir -p "$cache"
if [ -f "$out/bzImage" ] && [ -f "$out/kx_vmcoredd_test.ko" ]; then
	echo "$out"
	exit 0
fi

work="$cache/ddkernel-build"
mkdir -p "$work"
# one build at a time per machine (two test runs share the cache); the winner's result is reused
exec 9>"$cache/ddkernel.lock"
flock 9
if [ -f "$out/bzImage" ] && [ -f "$out/kx_vmcoredd_test.ko" ]; then
	echo "$out"
	exit 0
fi
t0=$(date +%s)
if [ ! -f "$work/src.stamp" ] || [ "$(cat "$work/src.stamp")" != "$(stat -c '%s %Y' "$tarball")" ]; then
	rm -rf "$work/src"
	mkdir -p "$work/src"
	tar -xf "$tarball" -C "$work/src" --strip-components=1
	stat -c '%s %Y' "$tarball" >"$work/src.stamp"
fi
obj="$work/obj"
mkdir -p "$obj"
make -s -C "$work/src" O="$obj" x86_64_defconfig >/dev/null
make -s -C "$work/src" O="$obj" kvm_guest.config >/dev/null
args=()
for o in "${enable[@]}"; do args+=(-e "$o"); done
for o in "${disable[@]}"; do args+=(-d "$o"); done
"$work/src/scripts/config" --file "$obj/.config" "${args[@]}"
make -s -C "$work/src" O="$obj" olddefconfig >/dev/null
for o in PROC_VMCORE_DEVICE_DUMP CRASH_DUMP KEXEC_FILE MEMORY_HOTPLUG VIRTIO_BLK MODULES; do
	grep -q "^CONFIG_$o=y" "$obj/.config" || { echo "build-ddkernel: CONFIG_$o did not stick" >&2; exit 1; }
done
echo "build-ddkernel: building bzImage and modules with -j$jobs (about 20 minutes on 2 cores)" >&2
make -s -C "$work/src" O="$obj" -j"$jobs" bzImage modules >"$work/make.log" 2>&1 ||
	{ tail -40 "$work/make.log" >&2; exit 1; }
rm -rf "$work/mod" && mkdir -p "$work/mod" && cp "$here"/ddmod/* "$work/mod/"
make -s -C "$obj" M="$work/mod" modules >>"$work/make.log" 2>&1 ||
	{ tail -40 "$work/make.log" >&2; exit 1; }

mkdir -p "$out.tmp"
cp "$obj/arch/x86/boot/bzImage" "$out.tmp/bzImage"
cp "$work/mod/kx_vmcoredd_test.ko" "$out.tmp/"
cp "$obj/.config" "$out.tmp/config"
make -s -C "$work/src" O="$obj" kernelrelease >"$out.tmp/kver"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "build-ddkernel: done in $(( $(date +%s) - t0 )) s" >&2
echo "$out"
