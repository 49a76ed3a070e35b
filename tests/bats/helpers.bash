# Shared set-up for the Bats CLI specs.  run-suites.sh exports VMCORE_DD and MKVMCORE from the build
# being tested; running a file by hand falls back to ./build.
bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

SRCDIR=${SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
: "${VMCORE_DD:=$SRCDIR/build/vmcore/vmcore-dd}"
: "${MKVMCORE:=$SRCDIR/build/tests/tools/mkvmcore}"

vdd() { "$VMCORE_DD" "$@"; }
mkvmcore() { "$MKVMCORE" "$@"; }

# mkcore FILE [mkvmcore options]: a vmcore with the options given (layout to FILE.layout)
mkcore() {
	local out=$1
	shift
	"$MKVMCORE" --layout "$@" "$out" >"$out.layout"
}

# layout FILE RECORD INDEX KEY: a value from mkvmcore --layout, e.g. layout c note 0 desc_offset
layout() {
	awk -v rec="$2" -v idx="$3" -v key="$4" '
		$1 == rec && $2 == idx { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) print substr($i, length(key) + 2) } }
	' "$1.layout"
}

# Expected output compared line by line, with a diff on failure.
assert_output_file() {
	diff -u "$1" <(printf '%s\n' "$output")
}

# Random bytes of a given size in a file.
random_file() {
	head -c "$2" /dev/urandom >"$1"
}
