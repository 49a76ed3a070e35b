#!/usr/bin/env bash
# Cross-build kexec-ext for another architecture with Debian's cross compiler and that
# architecture's -dev packages.  Usage: tests/cross-build.sh HOST [BUILD_DIR]
#   HOST: aarch64-linux-gnu | powerpc64le-linux-gnu | s390x-linux-gnu
#
# The libraries come as .deb files (apt-get download) unpacked into BUILD_DIR/sysroot, not
# installed through multiarch: libfdt-dev is not Multi-Arch: same in Debian 12 (installing
# libfdt-dev:arm64 removes the native one), and bookworm-security has no s390x, so the
# Multi-Arch: same versions of libc6-dev's dependencies cannot match the host's there.
# Needs root for apt-get install of the compiler (once); prints the time of each step.
set -euo pipefail

host=${1:?usage: $0 HOST [BUILD_DIR]}
case "$host" in
aarch64-linux-gnu) arch=arm64 ;;
powerpc64le-linux-gnu) arch=ppc64el ;;
s390x-linux-gnu) arch=s390x ;;
*) echo "cross-build: unknown HOST $host (aarch64-linux-gnu, powerpc64le-linux-gnu, s390x-linux-gnu)" >&2
   exit 2 ;;
esac
srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${2:-$srcdir/build-$arch}
mkdir -p "$build"
build=$(cd "$build" && pwd)
sysroot=$build/sysroot
debs=$build/debs

# the libraries configure checks, their runtime parts (the linker resolves DT_NEEDED through
# them) and what those need in turn
libs=(libelf-dev libelf1 zlib1g-dev zlib1g libudev-dev libudev1 libsmartcols-dev libsmartcols1
      libfdt-dev libfdt1 liblzo2-dev liblzo2-2 libzstd-dev libzstd1 libsnappy-dev libcap2
      liblzma-dev liblzma5 libbz2-dev libbz2-1.0)

t0=$(date +%s)
step() { echo "cross-build $host: $1 ($(( $(date +%s) - t0 )) s)"; }

if ! command -v "$host-gcc" >/dev/null; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends "gcc-$host" >/dev/null
fi
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
	dpkg --add-architecture "$arch"
	apt-get update -qq || true      # a mirror mid-sync for one architecture is not fatal here
fi
step "compiler ready"

mkdir -p "$debs" "$sysroot"
(cd "$debs" && apt-get download -qq "${libs[@]/%/:$arch}")
for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$sysroot"; done
libdir=$sysroot/usr/lib/$host
# -dev symlinks that point to absolute paths point into the host: make them relative
for l in "$libdir"/*.so; do
	t=$(readlink "$l") || continue
	case "$t" in /*) ln -sf "$(basename "$t")" "$l" ;; esac
done
step "libraries unpacked into $sysroot"

cd "$build"
PKG_CONFIG_LIBDIR=$libdir/pkgconfig:$sysroot/usr/share/pkgconfig \
PKG_CONFIG_SYSROOT_DIR=$sysroot \
	"$srcdir/configure" --host="$host" \
	CPPFLAGS="-I$sysroot/usr/include -I$sysroot/usr/include/$host" \
	LDFLAGS="-L$libdir -Wl,-rpath-link,$libdir" >configure.log 2>&1 ||
	{ tail -20 configure.log; exit 1; }
step "configured"
make -j2 >make.log 2>&1 || { tail -30 make.log; exit 1; }
step "built"
for p in kexec/kexec vmcore/vmcore-dd vmcore/vmcore-dmesg udev/kexec-hotplug; do
	[ -e "$p" ] || continue
	printf '  %s: %s\n' "$p" "$(file -b "$p" | cut -d, -f1-2)"
done
