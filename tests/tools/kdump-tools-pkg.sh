#!/usr/bin/env bash
# kdump-tools-pkg.sh: print the directory where Debian's kdump-tools package is unpacked (its
# usr/sbin/kdump-config, etc/, lib/ …), downloading and unpacking it first when it is not there.
# The package is never installed: it is the client under test (tests/bats/0218, tests/e2e/0016),
# run on top of our kexec in a private mount namespace or in the lab's guest.
#   apt-get download kdump-tools=VERSION   (apt checks the archive's signature and hash)
#   dpkg-deb -x the .deb into a temporary directory, renamed into place when complete
# Cache: KX_CLIENT_CACHE (default /var/cache/kexec-ext-clients)/kdump-tools-VERSION; VERSION is
# KX_KDUMP_TOOLS_VERSION (default 1:1.8.1, Debian 12's).  Called by tests/install-deps.sh, and by
# the tests themselves so that a missing cache is filled rather than skipped.
set -euo pipefail

version=${KX_KDUMP_TOOLS_VERSION:-1:1.8.1}
cache=${KX_CLIENT_CACHE:-/var/cache/kexec-ext-clients}
dir="$cache/kdump-tools-${version#*:}"

if [ -x "$dir/usr/sbin/kdump-config" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.kdump-tools.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# apt-get download writes into the current directory; the lists may be empty on a fresh machine
if ! (cd "$tmp" && apt-get download -qq "kdump-tools=$version") >"$tmp/apt.log" 2>&1; then
	apt-get update -qq >>"$tmp/apt.log" 2>&1 || true
	(cd "$tmp" && apt-get download -qq "kdump-tools=$version") >>"$tmp/apt.log" 2>&1 || {
		echo "kdump-tools-pkg: apt-get download kdump-tools=$version failed:" >&2
		cat "$tmp/apt.log" >&2
		exit 1
	}
fi
deb=$(find "$tmp" -maxdepth 1 -name 'kdump-tools_*.deb' -type f)
got=$(dpkg-deb -f "$deb" Version)
[ "$got" = "$version" ] || { echo "kdump-tools-pkg: got version $got, wanted $version" >&2; exit 1; }
mkdir "$tmp/root"
dpkg-deb -x "$deb" "$tmp/root"
[ -f "$tmp/root/usr/sbin/kdump-config" ] ||
	{ echo "kdump-tools-pkg: $deb has no usr/sbin/kdump-config" >&2; exit 1; }
rm -rf "$dir"
mv "$tmp/root" "$dir"
echo "$dir"
