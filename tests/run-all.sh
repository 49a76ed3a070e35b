#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian 12 machine (as root):
#   installs the dependencies, builds twice (plain with -Werror, and with ASan+UBSan), runs the
#   unit and Bats suites on both, a bounded fuzz run, the install/uninstall check, cross builds
#   for aarch64, ppc64le and s390x, and the QEMU kdump lab (tests/e2e), then prints one closing line "N passed, N failed, N skipped" summing
#   everything.  Exit 1 on any failure.
# Environment: JOBS (default: nproc), FUZZ_SECONDS (default 30), KEEP_BUILD=1 keeps build dirs,
#   E2E=0 skips the lab (outside CI only; its checks are then counted as skipped).
set -uo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$SRCDIR"
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
counts=$(mktemp "${TMPDIR:-/tmp}/kx-counts.XXXXXX")
trap 'rm -f "$counts"' EXIT

step_fail() { echo "$*"; echo "0 1 0" >>"$counts"; }
step_ok() { echo "1 0 0" >>"$counts"; }

bash tests/install-deps.sh || { echo "install-deps failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
./bootstrap || { echo "bootstrap failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# build DIR CONFIGURE-ARGS...: configure and build out of tree; one counted step
build() {
	local dir=$1
	shift
	rm -rf "$dir" && mkdir -p "$dir" &&
		(cd "$dir" && "$SRCDIR"/configure -q "$@" >/dev/null && make -s -j"$JOBS" tests)
}

for variant in plain asan; do
	if [ $variant = plain ]; then
		args=(--enable-werror)
	else
		args=(--enable-werror --enable-sanitizers)
	fi
	dir="$SRCDIR/build-ci-$variant"
	echo "=== build ($variant)"
	if build "$dir" "${args[@]}"; then
		step_ok
		echo "=== test ($variant)"
		(cd "$dir" && KX_COUNTS="$counts" KX_LABEL=$variant make -s check)
	else
		step_fail "  FAIL: build ($variant)"
	fi
done

echo "=== fuzz (${FUZZ_SECONDS}s per target)"
if (cd "$SRCDIR/build-ci-plain" && make -s fuzz FUZZ_SECONDS="$FUZZ_SECONDS"); then
	step_ok
else
	step_fail "  FAIL: fuzz"
fi

echo "=== install / uninstall"
inst=$(mktemp -d "${TMPDIR:-/tmp}/kx-inst.XXXXXX")
if (cd "$SRCDIR/build-ci-plain" && make -s install DESTDIR="$inst" prefix=/usr >/dev/null &&
	test -x "$inst/usr/bin/vmcore-dd" && test -f "$inst/usr/share/man/man8/vmcore-dd.8" &&
	make -s uninstall DESTDIR="$inst" prefix=/usr >/dev/null &&
	test -z "$(find "$inst" -type f)"); then
	step_ok
else
	step_fail "  FAIL: make install/uninstall with DESTDIR"
fi
rm -rf "$inst"

# the whole suite builds for the other architectures kexec-ext supports (Debian's cross compilers)
for host in aarch64-linux-gnu powerpc64le-linux-gnu s390x-linux-gnu; do
	echo "=== cross build ($host)"
	if bash tests/cross-build.sh "$host" "$SRCDIR/build-ci-$host" >"$SRCDIR/build-ci-$host.log" 2>&1; then
		step_ok
		grep -E '^  ' "$SRCDIR/build-ci-$host.log"
	else
		step_fail "  FAIL: cross build for $host"
		tail -n 20 "$SRCDIR/build-ci-$host.log"
	fi
	[ -n "${KEEP_BUILD:-}" ] || rm -rf "$SRCDIR/build-ci-$host"
done

echo "=== kdump lab (tests/e2e)"
(cd "$SRCDIR/build-ci-plain" && KX_COUNTS="$counts" make -s e2e)

[ -n "${KEEP_BUILD:-}" ] || rm -rf "$SRCDIR/build-ci-asan"

read -r p f s < <(awk '{p += $1; f += $2; s += $3} END {print p + 0, f + 0, s + 0}' "$counts")
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
