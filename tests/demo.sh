#!/usr/bin/env bash
# The README's first command: install what is needed, build, and run the fixture demo
# (tests/demo-fixture.sh) — a synthetic vmcore laid out exactly as the kernel writes device dumps,
# inspected with vmcore-dd.  Run as root on Debian 12 from a fresh clone.
set -euo pipefail
SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$SRCDIR"
bash tests/install-deps.sh
./bootstrap
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -s -j"$(nproc)" all tests/tools/mkvmcore
make -s demo
