#!/usr/bin/env bash
# The README's first command: install what is needed, build, and run one real kdump cycle in a
# QEMU VM (tests/e2e/demo.sh).  Where no VM can run, `make demo` in the build directory shows the
# fixture demo instead (tests/demo-fixture.sh).  Run as root on Debian 12 from a fresh clone.
set -euo pipefail
SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$SRCDIR"
bash tests/install-deps.sh
./bootstrap
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -s -j"$(nproc)" all tests/tools/mkvmcore
BUILD=$(pwd) bash "$SRCDIR/tests/e2e/demo.sh"
