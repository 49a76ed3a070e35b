#!/usr/bin/env bash
# Run each libFuzzer target for FUZZ_SECONDS with a seed corpus made by mkvmcore.
# Called by `make fuzz` with BUILD=<build dir> and the fuzzer binaries as arguments.
set -euo pipefail

BUILD=$(cd "${BUILD:?}" && pwd)
MKVMCORE="$BUILD/tests/tools/mkvmcore"
seconds=${FUZZ_SECONDS:-60}

seeds() {
	local d=$1 i=0
	mkdir -p "$d"
	# small valid and malformed vmcores of every shape the reader knows
	while read -r args; do
		# shellcheck disable=SC2086
		"$MKVMCORE" --page-size=512 $args "$d/seed-$i" >/dev/null
		i=$((i + 1))
	done <<-'END'
	--dd=cxgb4_0000:02:00.4,100 --dd=x,1 --prstatus=1,11 --vmcoreinfo=OSRELEASE=6.12.0\nPAGESIZE=4096\nSYMBOL(prb)=ffffffff82000000\n
	--class=32 --machine=i386 --dd=a,10 --prstatus=2,6
	--endian=big --machine=s390 --dd=dasd,10 --prstatus=3
	--endian=big --machine=ppc64 --split-notes --dd=a,1 --dd=b,1 --vmcoreinfo=PAGESIZE=65536\n
	--class=32 --endian=big --machine=ppc --prstatus=4 --load=0x1000,512
	--dd=a,1 --set=note.0.descsz=20
	--dd=a,1 --dd=b,1 --set=note.1.namesz=0xfffffff0
	--dd=a,1 --load=0x100000,1024 --truncate=700
	--note=LINUX\x00,0x700,61626364 --note=CORE,1,00
	--dd-many=20,1
	END
}

for f in "$@"; do
	name=$(basename "$f")
	corpus="$BUILD/tests/fuzz/corpus-$name"
	rm -rf "$corpus"
	seeds "$corpus"
	echo "fuzz: $name for ${seconds}s ($(ls "$corpus" | wc -l) seeds)"
	# -rss_limit_mb: the reader must stay small whatever the input
	"$f" -max_total_time="$seconds" -rss_limit_mb=256 -malloc_limit_mb=64 -max_len=65536 \
		-print_final_stats=1 "$corpus" 2>&1 | tail -n 12
done
