#!/usr/bin/env bash
# Fixture demo: what an admin sees in the capture kernel when two cxgb4 adapters added device dumps.
# Makes a vmcore with mkvmcore (device dumps first in the one PT_NOTE, page-rounded, as
# fs/proc/vmcore.c lays them out; then per-CPU prstatus notes and VMCOREINFO; two memory ranges),
# then runs vmcore-dd on it and checks that what it extracts is byte for byte what went in.
set -euo pipefail
BUILD=$(cd "${BUILD:?}" && pwd)
VMCORE_DD="$BUILD/vmcore/vmcore-dd"
MKVMCORE="$BUILD/tests/tools/mkvmcore"
work=$(mktemp -d "${TMPDIR:-/tmp}/kexec-ext-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

say() { printf '\n$ %s\n' "$*"; }

head -c 1500000 /dev/urandom >adapter0.bin
head -c 700000 /dev/urandom >adapter1.bin
"$MKVMCORE" \
	--dd='cxgb4_0000:02:00.4,-,file=adapter0.bin' --dd='cxgb4_0000:03:00.4,-,file=adapter1.bin' \
	--prstatus=0,0 --prstatus=2712,11,rip=0xffffffff81a2b3c4,rsp=0xffffc90001237e58 \
	--vmcoreinfo='OSRELEASE=6.12.57+deb13-amd64\nPAGESIZE=4096\nCRASHTIME=1763776800\n' \
	--load=0x100000,0x1000000,0xffff888000100000,zero --load=0x100000000,0x4000000,0xffff888100000000,zero \
	vmcore

say vmcore-dd vmcore
"$VMCORE_DD" vmcore
say vmcore-dd --notes vmcore
"$VMCORE_DD" --notes vmcore
say vmcore-dd --segments vmcore
"$VMCORE_DD" --segments vmcore
say vmcore-dd --check vmcore
"$VMCORE_DD" --check vmcore
say vmcore-dd --extract=dumps vmcore
"$VMCORE_DD" --extract=dumps vmcore
say vmcore-dd --json vmcore
"$VMCORE_DD" --json vmcore

# the data the "driver" gave must come back exactly, followed by the kernel's zero padding
for pair in "cxgb4_0000:02:00.4 adapter0.bin" "cxgb4_0000:03:00.4 adapter1.bin"; do
	set -- $pair
	cmp -n "$(stat -c %s "$2")" "dumps/$1" "$2"
done
echo
echo "demo: extracted device dumps match the data the drivers gave, byte for byte"
