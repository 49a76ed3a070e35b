#!/usr/bin/env bash
# Install what kexec-ext needs to build and test, from Debian's packages only.  Idempotent and quiet
# when nothing is missing.  Run as root (or with sudo).  Usage: tests/install-deps.sh [--lab]
set -euo pipefail

pkgs=(
	# build
	gcc make autoconf pkg-config libc6-dev
	libelf-dev libudev-dev libfdt-dev libsmartcols-dev zlib1g-dev udev
	# tests
	libcmocka-dev bats bats-assert bats-support jq binutils elfutils time clang
	libclang-rt-14-dev groff-base man-db git
)

missing=()
for p in "${pkgs[@]}"; do
	case "$p" in \#*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: needs root to run apt-get (try: sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
