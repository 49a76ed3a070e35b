#!/usr/bin/env bash
# Install what kexec-ext needs to build and test, from Debian's packages only.  Idempotent and quiet
# when nothing is missing.  Run as root (or with sudo).  Usage: tests/install-deps.sh [--no-lab]
# (--no-lab leaves out the QEMU kdump lab: kernels, QEMU, busybox, the kernel build tools)
set -euo pipefail

pkgs=(
	# build
	gcc make autoconf pkg-config libc6-dev
	libelf-dev libudev-dev libfdt-dev libsmartcols-dev zlib1g-dev liblzo2-dev libsnappy-dev libzstd-dev udev
	liblzma-dev libbz2-dev
	# tests
	libcmocka-dev bats bats-assert bats-support jq binutils elfutils time clang umockdev libumockdev-dev
	libclang-rt-14-dev groff-base man-db git util-linux device-tree-compiler zstd xz-utils bzip2
	# the arm64 images of tests/fixtures/mk-arm64-images.sh: an objcopy that writes aarch64 PE
	# (pei-aarch64-little) for the UKI, python3 for the zboot header
	binutils-aarch64-linux-gnu python3
	# cross builds (tests/cross-build.sh): the compilers and their C libraries (a Recommends of the
	# compilers, so --no-install-recommends leaves them out); the other libraries are unpacked there
	gcc-aarch64-linux-gnu gcc-powerpc64le-linux-gnu gcc-s390x-linux-gnu file
	libc6-dev-arm64-cross libc6-dev-ppc64el-cross libc6-dev-s390x-cross
	# peers: compared against in tests and benchmarks, never used by the product
	kexec-tools makedumpfile
	# what Debian's kdump-tools (the client run on top of our kexec, tests/bats/0218) calls: hexdump
	bsdextrautils
)
lab=(
	# the QEMU kdump lab (tests/e2e): the two Debian kernels, QEMU, the initramfs tools
	qemu-system-x86 linux-image-amd64 linux-image-6.12-amd64 busybox-static cpio xz-utils kmod ovmf socat gawk bc
	# the arm64 guests (tests/e2e/0018, 0019): QEMU's aarch64 emulator; their kernels and userland
	# are Debian's arm64 packages, downloaded and unpacked, never installed (fetch_lab_arm64)
	qemu-system-arm
	# the device-dump kernel built from Debian's source
	linux-source-6.12 bc bison flex libssl-dev dwarves rsync
)
[ "${1:-}" = --no-lab ] || pkgs+=("${lab[@]}")

missing=()
for p in "${pkgs[@]}"; do
	case "$p" in \#*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
# Debian's kdump-tools, downloaded and unpacked (never installed) for the client tests
fetch_clients() {
	bash "$(dirname "${BASH_SOURCE[0]}")/tools/kdump-tools-pkg.sh" >/dev/null
}
# the arm64 lab guests: Debian's arm64 kernel packages 6.1 and 6.12 (tests/tools/debian-kernel-pkg.sh)
# and the arm64 packages the guest runs besides ours (LAB_ARM64_DEBS in tests/e2e/lab.bash:
# busybox-static), each cached; the cross compiler and the
# libraries of our cross build come with tests/cross-build.sh
fetch_lab_arm64() {
	local here
	here=$(dirname "${BASH_SOURCE[0]}")
	bash "$here/tools/debian-kernel-pkg.sh" arm64 6.12 >/dev/null
	bash "$here/tools/debian-kernel-pkg.sh" arm64 6.1 >/dev/null
	(
		# shellcheck source=e2e/lab.bash
		source "$here/e2e/lab.bash"
		KX_LAB_CACHE=${KX_LAB_CACHE:-/var/cache/kexec-ext-lab}
		mkdir -p "$KX_LAB_CACHE"
		lab_foreign_root arm64 "${LAB_ARM64_DEBS[@]}" >/dev/null
	)
}
fetch() {
	fetch_clients
	[ "${1:-}" = --no-lab ] || fetch_lab_arm64
}
if [ ${#missing[@]} -eq 0 ]; then
	fetch "${1:-}"
	exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: needs root to run apt-get (try: sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fetch "${1:-}"
