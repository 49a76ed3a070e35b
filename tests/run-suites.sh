#!/usr/bin/env bash
# Run every test suite of one build: C unit tests (cmocka, TAP) and CLI specs (Bats, TAP).
# Called by `make check` with BUILD=<build dir>.  Prints one line per suite and closes with
# "N passed, N failed, N skipped"; exits non-zero on any failure.  With KX_COUNTS=FILE it also
# appends "passed failed skipped" to FILE so that tests/run-all.sh can sum several builds.
set -uo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "${BUILD:?BUILD must name the build directory}" && pwd)
export SRCDIR BUILD
export VMCORE_DD="$BUILD/vmcore/vmcore-dd"
export MKVMCORE="$BUILD/tests/tools/mkvmcore"
label=${KX_LABEL:-$(basename "$BUILD")}

total_pass=0 total_fail=0 total_skip=0

# Sanitizer builds: every report goes to a log file; any file there fails the run.
sanlog=""
if [ -n "${SANITIZE:-}" ]; then
	sanlog=$(mktemp -d "${TMPDIR:-/tmp}/kx-sanitizer.XXXXXX")
	export ASAN_OPTIONS="detect_leaks=1:exitcode=86:log_path=$sanlog/asan:strict_string_checks=1"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=$sanlog/ubsan"
fi

# Count a TAP stream read from stdin; echo failures; set pass/fail/skip.
count_tap() {
	pass=0 fail=0 skip=0
	while IFS= read -r line; do
		case "$line" in
		# a skip is a skip whichever way it is marked (cmocka writes "not ok N # SKIP")
		"ok "*"# skip"* | "ok "*"# SKIP"* | "not ok "*"# SKIP"* | "not ok "*"# skip"*)
			skip=$((skip + 1)); echo "  SKIP: $line" ;;
		"ok "*) pass=$((pass + 1)) ;;
		"not ok "*) fail=$((fail + 1)); echo "  FAIL: $line" ;;
		"#"* | "  "* ) [ "$fail" -gt 0 ] && echo "  $line" ;;
		esac
	done
}

report() {
	echo "suite $1 ($label): $pass passed, $fail failed, $skip skipped"
	total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail)) total_skip=$((total_skip + skip))
}

# --- unit tests: each cmocka binary speaks TAP; a crash or missing plan counts as a failure
upass=0 ufail=0 uskip=0
for t in "$BUILD"/tests/unit/test-*; do
	[ -x "$t" ] && [ "${t%.o}" = "$t" ] && [ "${t%.d}" = "$t" ] || continue
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
	rc=$?
	count_tap <<<"$out"
	if [ $rc -ne 0 ] && [ $fail -eq 0 ]; then
		fail=1
		echo "  FAIL: $(basename "$t") exited $rc"
		echo "$out" | tail -20 | sed 's/^/    /'
	fi
	upass=$((upass + pass)) ufail=$((ufail + fail)) uskip=$((uskip + skip))
done
pass=$upass fail=$ufail skip=$uskip
report unit

# --- Bats CLI specs
bats_out=$(bats --tap "$SRCDIR"/tests/bats/*.bats 2>&1)
rc=$?
count_tap <<<"$bats_out"
if [ $rc -ne 0 ] && [ $fail -eq 0 ]; then
	fail=1
	echo "  FAIL: bats exited $rc"
	echo "$bats_out" | tail -20 | sed 's/^/    /'
fi
report bats

# --- sanitizer reports from any of the above
if [ -n "$sanlog" ]; then
	pass=0 fail=0 skip=0
	if compgen -G "$sanlog/*" >/dev/null; then
		fail=1
		echo "  FAIL: sanitizer reports:"
		cat "$sanlog"/* | head -60 | sed 's/^/    /'
	else
		pass=1
	fi
	report sanitizer-reports
	rm -rf "$sanlog"
fi

[ -n "${KX_COUNTS:-}" ] && echo "$total_pass $total_fail $total_skip" >>"$KX_COUNTS"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
