#!/usr/bin/env bash
# debian-kernel-pkg.sh ARCH SERIES: print the directory where Debian 12's newest kernel package of
# that architecture and series is unpacked (its boot/vmlinuz-*, lib/modules/*), downloading and
# unpacking it first when it is not there.  The package is never installed: its kernel is a
# fixture (tests/bats) or a lab guest (tests/e2e) of a foreign architecture.
#   ARCH    a Debian architecture: arm64, ppc64el, s390x, amd64
#   SERIES  6.1 or 6.12
# The package is the one Debian's meta-package names (linux-image-ARCH for 6.1,
# linux-image-6.12-ARCH for 6.12, with ARCH's kernel flavour), fetched with `apt-get download`
# (apt checks the archive's signature and hash) and unpacked with dpkg-deb -x into a temporary
# directory renamed into place when complete.
# Cache: KX_KERNEL_PKG_CACHE (default /var/cache/kexec-ext-kernels)/PACKAGE_VERSION.
set -euo pipefail

arch=${1:?usage: debian-kernel-pkg.sh ARCH SERIES}
series=${2:?usage: debian-kernel-pkg.sh ARCH SERIES}
cache=${KX_KERNEL_PKG_CACHE:-/var/cache/kexec-ext-kernels}

case $arch in
arm64) flavour=arm64 ;;
ppc64el) flavour=powerpc64le ;;
s390x) flavour=s390x ;;
amd64) flavour=amd64 ;;
*) echo "debian-kernel-pkg: unknown architecture '$arch' (arm64, ppc64el, s390x, amd64)" >&2; exit 2 ;;
esac
case $series in
6.1) meta=linux-image-$flavour ;;
6.12) meta=linux-image-6.12-$flavour ;;
*) echo "debian-kernel-pkg: unknown series '$series' (6.1, 6.12)" >&2; exit 2 ;;
esac

apt_q() {
	# the lists may be empty on a fresh machine, or lack a foreign architecture's
	"$@" 2>/dev/null && return 0
	if ! dpkg --print-foreign-architectures | grep -qx "$arch" && [ "$arch" != "$(dpkg --print-architecture)" ]; then
		dpkg --add-architecture "$arch"
	fi
	apt-get update -qq >/dev/null 2>&1 || true
	"$@"
}

# the image package the meta-package depends on: linux-image-6.1.0-N-arm64, linux-image-6.12.V+deb12-arm64
pkg=$(apt_q apt-cache depends "$meta:$arch" | sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*\).*/\1/p' | head -n 1)
[ -n "$pkg" ] || { echo "debian-kernel-pkg: $meta:$arch names no linux-image package" >&2; exit 1; }
version=$(apt-cache show "$pkg:$arch" | sed -n 's/^Version: //p' | sort -V | tail -n 1)
[ -n "$version" ] || { echo "debian-kernel-pkg: no version of $pkg:$arch" >&2; exit 1; }
dir="$cache/${pkg}_$version"

if compgen -G "$dir/boot/vmlinuz-*" >/dev/null; then
	echo "$dir"
	exit 0
fi
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.pkg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -qq "$pkg:$arch=$version") >"$tmp/apt.log" 2>&1 || {
	echo "debian-kernel-pkg: apt-get download $pkg:$arch=$version failed:" >&2
	cat "$tmp/apt.log" >&2
	exit 1
}
deb=$(find "$tmp" -maxdepth 1 -name "${pkg}_*.deb" -type f)
mkdir "$tmp/root"
dpkg-deb -x "$deb" "$tmp/root"
compgen -G "$tmp/root/boot/vmlinuz-*" >/dev/null ||
	{ echo "debian-kernel-pkg: $deb has no boot/vmlinuz-*" >&2; exit 1; }
rm -rf "$dir"
mv "$tmp/root" "$dir"
echo "$dir"
