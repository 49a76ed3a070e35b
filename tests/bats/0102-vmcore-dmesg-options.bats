#!/usr/bin/env bats
# vmcore-dmesg options: --seq, --level, --caller, --since-seq, --json, --output; help, version
# and usage errors (exit 2).

load helpers

: "${VMCORE_DMESG:=$(dirname "$VMCORE_DD")/vmcore-dmesg}"
: "${MKPRINTK:=$(dirname "$MKVMCORE")/mkprintk}"

vdm() { "$VMCORE_DMESG" "$@"; }

mklog() {
	local core=$1 load
	local -a vm=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vm+=("$1"); shift; done
	shift
	load=$("$MKPRINTK" --expect="$core.exp" "$@" "$core.img" "$core.vi") || return 1
	# shellcheck disable=SC2086 # the --load options mkprintk printed
	"$MKVMCORE" "${vm[@]}" --vmcoreinfo-file="$core.vi" $load "$core" >/dev/null
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	# four records: kernel info from thread 1, an error from thread 42, a user-space notice from
	# CPU 3 (facility 1), a lost one
	mklog c -- --rec='Linux version 6.12.0' --level=3 --caller=T42 --rec='disk \x01 error' \
		--facility=1 --level=5 --caller=C3 --rec='from user space' --lost
}

@test "--seq, --level and --caller prefix each record in that order" {
	run -0 vdm --seq --level --caller c
	cat >expected <<-'END'
	0 <6>[    0.000000] [    T1] Linux version 6.12.0
	1 <3>[    0.001234] [   T42] disk \x01 error
	2 <13>[    0.002469] [    C3] from user space
	3 <13>[    0.003703] [    C3] 
	END
	assert_output_file expected
}

@test "each option alone adds only its own prefix" {
	run -0 vdm --level c
	assert_line --index 1 '<3>[    0.001234] disk \x01 error'
	run -0 vdm --caller c
	assert_line --index 2 '[    0.002469] [    C3] from user space'
	run -0 vdm --seq c
	assert_line --index 0 '0 [    0.000000] Linux version 6.12.0'
}

@test "--since-seq leaves out the older records" {
	run -0 vdm --since-seq=2 --seq c
	assert_output $'2 [    0.002469] from user space\n3 [    0.003703] '
	run -0 vdm --since-seq=99 c
	assert_output ""
}

@test "--json has one object per record with every field" {
	run -0 vdm --json c
	cat >expected <<-'END'
	{
	   "vmcore": "c",
	   "format": "lockless",
	   "records": [
	      {"seq": 0, "ts_nsec": 0, "level": 6, "facility": 0, "caller": "T1", "lost": false, "text": "Linux version 6.12.0"},
	      {"seq": 1, "ts_nsec": 1234567, "level": 3, "facility": 0, "caller": "T42", "lost": false, "text": "disk \u0001 error"},
	      {"seq": 2, "ts_nsec": 2469134, "level": 5, "facility": 1, "caller": "C3", "lost": false, "text": "from user space"},
	      {"seq": 3, "ts_nsec": 3703701, "level": 5, "facility": 1, "caller": "C3", "lost": true, "text": ""}
	   ]
	}
	END
	assert_output_file expected
	echo "$output" | jq -e '.records | length == 4'
}

@test "--json of a legacy buffer parses each line's level and time stamp" {
	mklog l -- --format=legacy --level=4 --rec='first line' --rec='second'
	run -0 vdm -J --since-seq=1 l
	echo "$output" | jq -e '.format == "legacy" and (.records | length) == 1'
	echo "$output" | jq -e '.records[0] == {"seq": 1, "ts_nsec": 1234000, "level": 4,
		"facility": 0, "caller": null, "lost": false, "text": "second"}'
}

@test "--json of a structured log has no record for the wrap marker" {
	mklog s -- --format=structured --log-buf-len=512 --gen=30,21
	grep -qx '\[    0.000000\] ' s.exp
	run -0 vdm -J s
	n_json=$(echo "$output" | jq '.records | length')
	n_text=$(vdm --seq s | wc -l)
	n_default=$(vdm s | wc -l)
	assert_equal "$n_json" "$n_text"
	assert_equal "$((n_default - 1))" "$n_text"
}

@test "-o writes the same bytes to a new 0600 file and never replaces one unless --force" {
	vdm c >stdout.txt
	run -0 vdm -o out.txt c
	assert_output ""
	cmp stdout.txt out.txt
	assert_equal "$(stat -c %a out.txt)" 600
	echo precious >out.txt
	run -1 vdm --output=out.txt c
	assert_output "vmcore-dmesg: out.txt already exists (use --force to replace it)"
	assert_equal "$(cat out.txt)" precious
	run -0 vdm -f -o out.txt c
	cmp stdout.txt out.txt
	# no temporary file is left behind
	assert_equal "$(find . -maxdepth 1 -name '.?*' | wc -l)" 0
}

@test "-o keeps what could be read of a malformed log, and exits 1" {
	mklog bad -- --gen=5,20 --set=info.2.text_len=5000
	run -1 vdm -o out.txt bad
	assert_output --partial "record 2: text_len 5000 runs past its 24-byte data block"
	assert_equal "$(wc -l <out.txt)" 4
	# nothing read: no file
	echo "hello, this is not a vmcore at all" >junk
	run -1 vdm -o out2.txt junk
	assert_output "vmcore-dmesg: junk: not an ELF file (bad magic) (at offset 0x0)"
	[ ! -e out2.txt ]
}

@test "--help lists every option, -h too" {
	run -0 vdm --help
	assert_line --index 0 "Usage:"
	for opt in --seq --level --caller --since-seq=N -J --json -o --output=FILE -f --force \
		-h --help -V --version; do
		assert_output --partial -- "$opt"
	done
	run -0 vdm -h
	assert_line --index 1 " vmcore-dmesg [options] [VMCORE]"
}

@test "every long option in --help is in the man page and vice versa" {
	man=$SRCDIR/man/vmcore-dmesg.8
	[ -f "$man" ]
	help_opts=$(vdm --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	man_opts=$(sed 's/\\-/-/g' "$man" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	diff -u <(echo "$help_opts") <(echo "$man_opts")
}

@test "the man page renders without warnings" {
	run -0 groff -man -ww -z "$SRCDIR/man/vmcore-dmesg.8"
	assert_output ""
}

@test "-V prints the version" {
	run -0 vdm -V
	assert_output --regexp '^vmcore-dmesg from kexec-ext [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "usage errors name the problem, exit 2" {
	run -2 vdm --bogus c
	assert_output $'vmcore-dmesg: unrecognized option \'--bogus\'\nTry \'vmcore-dmesg --help\' for more information.'
	run -2 vdm -o
	assert_line --index 0 "vmcore-dmesg: option '-o' needs an argument"
	run -2 vdm --since-seq=ten c
	assert_line --index 0 "vmcore-dmesg: --since-seq needs a sequence number, not 'ten'"
	run -2 vdm --json --seq c
	assert_line --index 0 "vmcore-dmesg: --json has every field; --seq, --level and --caller are for the text output"
	run -2 vdm --force c
	assert_line --index 0 "vmcore-dmesg: --force only applies to --output"
	run -2 vdm c d
	assert_line --index 0 "vmcore-dmesg: unexpected argument 'd' (one VMCORE at a time)"
}

@test "VMCORE defaults to /proc/vmcore; a missing file is an I/O error, exit 3" {
	[ -e /proc/vmcore ] && skip "this machine is a capture kernel"
	run -3 vdm
	assert_output "vmcore-dmesg: /proc/vmcore: cannot open /proc/vmcore: No such file or directory"
	# --json: the error as JSON on standard output too
	run -3 --separate-stderr vdm --json nonexistent
	assert_equal "$stderr" "vmcore-dmesg: nonexistent: cannot open nonexistent: No such file or directory"
	echo "$output" | jq -e '.vmcore == "nonexistent" and (.error.message | startswith("cannot open"))'
}
