#!/usr/bin/env bats
# vmcore-dd --extract and --dump: exact bytes, safe names, atomic, never overwrite.

load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# check_dump FILE SRC SIZE: FILE is SRC's bytes followed by zeros up to SIZE
check_dump() {
	local n
	n=$(stat -c %s "$2")
	[ "$(stat -c %s "$1")" -eq "$3" ]
	cmp -n "$n" "$1" "$2"
	[ "$(tail -c +$((n + 1)) "$1" | tr -d '\0' | wc -c)" -eq 0 ]
}

@test "extract writes each dump's exact bytes (data plus the kernel's zero padding), mode 0600" {
	random_file a.bin 100000
	random_file b.bin 4032
	mkcore c --dd='cxgb4_0000:02:00.4,-,file=a.bin' --dd='cxgb4_0000:03:00.4,-,file=b.bin'
	run -0 vdd -x out c
	assert_line --index 0 "0 cxgb4_0000:02:00.4 -> out/cxgb4_0000:02:00.4 (102336 bytes)"
	assert_line --index 1 "1 cxgb4_0000:03:00.4 -> out/cxgb4_0000:03:00.4 (4032 bytes)"
	check_dump out/cxgb4_0000:02:00.4 a.bin 102336
	check_dump out/cxgb4_0000:03:00.4 b.bin 4032
	[ "$(stat -c %a out/cxgb4_0000:02:00.4)" = 600 ]
	[ "$(stat -c %a out)" = 700 ]
	# no temporary files left behind
	[ "$(ls -A out | wc -l)" -eq 2 ]
}

@test "hostile names become safe file names inside DIR, nothing is written outside it" {
	mkcore c --dd='../x,1' --dd='/etc/passwd,1' --dd='.,1' --dd='..,1' --dd=',1' \
		--dd='a\x01b\x7fc,1' --dd='sp ace,1' --dd='.hidden,1' --dd='back\\slash,1'
	mkdir jail
	run -0 vdd -x jail/out c
	run -0 ls -A jail/out
	assert_output "$(printf '%s\n' _._x _etc_passwd _ _. dump4 a_b_c sp_ace _hidden back_slash | LC_ALL=C sort)"
	[ "$(ls -A jail)" = out ]
	[ ! -e x ] && [ ! -e "$BATS_TEST_TMPDIR/x" ]
}

@test "duplicate names get .1, .2 suffixes" {
	mkcore c --dd='dev,1' --dd='dev,1' --dd='dev,1' --dd='dev.1,1'
	run -0 vdd -x out c
	assert_output - <<-'END'
	0 dev -> out/dev (4032 bytes)
	1 dev -> out/dev.1 (4032 bytes)
	2 dev -> out/dev.2 (4032 bytes)
	3 dev.1 -> out/dev.1.1 (4032 bytes)
	END
}

@test "a name that a suffix would take is skipped; 300 dumps of one name get .1 to .299" {
	mkcore c --dd='dev,1' --dd='dev.1,1' --dd='dev,1' --dd='dev,1' --dd='dev.2,1'
	run -0 vdd -x out c
	assert_output - <<-'END'
	0 dev -> out/dev (4032 bytes)
	1 dev.1 -> out/dev.1 (4032 bytes)
	2 dev -> out/dev.2 (4032 bytes)
	3 dev -> out/dev.3 (4032 bytes)
	4 dev.2 -> out/dev.2.1 (4032 bytes)
	END
	args=()
	for ((i = 0; i < 300; i++)); do args+=(--dd=x,1); done
	mkcore many "${args[@]}"
	run -0 vdd -x many-out many
	assert_line --index 0 "0 x -> many-out/x (4032 bytes)"
	assert_line --index 299 "299 x -> many-out/x.299 (4032 bytes)"
	[ "$(ls many-out | wc -l)" -eq 300 ]
}

@test "an existing file is never overwritten without --force; the others are still extracted" {
	mkcore c --dd='one,1,byte=0x11' --dd='two,1,byte=0x22'
	mkdir out
	echo precious >out/one
	run -1 --separate-stderr vdd -x out c
	assert_output "1 two -> out/two (4032 bytes)"
	# the failure once, with its dump, then the count (not the failure again)
	[ "$stderr" = 'vmcore-dd: dump 0 "one": one already exists (use --force to replace it)
vmcore-dd: c: 1 of 2 device dumps were not extracted (see above)' ]
	[ "$(cat out/one)" = precious ]
	run -0 vdd -x out --force c
	[ "$(head -c 1 out/one | od -An -tx1 | tr -d ' ')" = 11 ]
}

@test "a symlink planted in DIR is not followed, even with --force" {
	mkcore c --dd='victim,1,byte=0x33'
	mkdir out
	echo keep >target
	ln -s ../target out/victim
	run -1 vdd -x out c
	[ "$(cat target)" = keep ]
	run -0 vdd -x out --force c
	[ "$(cat target)" = keep ]
	[ ! -L out/victim ] && [ "$(stat -c %s out/victim)" -eq 4032 ]
}

# a world-writable sticky directory under /tmp (BATS_TEST_TMPDIR is not reachable by nobody)
# in which an unprivileged user plants what root then writes through
public_dir() {
	PUB=$(mktemp -d /tmp/kx-bats-pub.XXXXXX)
	chmod 1777 "$PUB"
}

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

teardown() {
	if [ -n "${PUB:-}" ]; then rm -rf "$PUB"; fi
}

@test "an extraction directory that is another user's symbolic link is refused; nothing is written where it points" {
	mkcore c --dd='evil,1'
	public_dir
	mkdir target
	as_nobody ln -s "$BATS_TEST_TMPDIR/target" "$PUB/dumps"
	run -3 vdd -x "$PUB/dumps" c
	assert_output "vmcore-dd: c: refusing the directory $PUB/dumps: dumps in it is a symbolic link owned by uid 65534, neither this user nor root (another user could have planted it); give the directory itself"
	run -3 vdd -x "$PUB/dumps/sub" c
	assert_output --partial "dumps in it is a symbolic link owned by uid 65534"
	run -3 vdd --dump=0 --to="$PUB/dumps/file" c
	assert_output --partial "dumps in it is a symbolic link owned by uid 65534"
	[ -z "$(ls -A target)" ]
}

@test "a symbolic link of root's or this user's own is followed to the directory it names" {
	mkcore c --dd='one,1'
	mkdir real
	ln -s real link
	run -0 vdd -x link c
	[ -f real/one ]
}

@test "a directory of another user, or one others can write to, is refused with the rule it broke" {
	mkcore c --dd='one,1'
	mkdir theirs open sticky
	chown 65534 theirs
	run -3 vdd -x theirs c
	assert_output "vmcore-dd: c: refusing the directory theirs: it belongs to uid 65534, neither this user nor root (another user could read or replace what is written there); use a directory of your own"
	chmod 0777 open
	run -3 vdd -x open c
	assert_output "vmcore-dd: c: refusing the directory open: it is writable by group or others (mode 0777); chmod go-w it or use a directory of your own"
	# sticky and this user's own: as root's /tmp is for root
	chmod 1777 sticky
	run -0 vdd -x sticky c
	[ -f sticky/one ]
	[ -z "$(ls -A theirs)" ] && [ -z "$(ls -A open)" ]
}

@test "extract of a vmcore without dumps says so and creates nothing but DIR" {
	mkcore c --prstatus=1
	run -0 vdd -x out c
	assert_output "no device dumps in c"
	[ -d out ] && [ -z "$(ls -A out)" ]
}

@test "extract JSON lists the files written" {
	mkcore c --dd='x/y,10' --dd='z,10'
	run -0 vdd -x out -J c
	run -0 jq -c '.extracted | map([.index, .name, .file, .size, .partial])' <<<"$output"
	assert_output '[[0,"x/y","x_y",4032,false],[1,"z","z",4032,false]]'
}

@test "extract JSON names each file it refused, and the run exits 1" {
	mkcore c --dd='one,1' --dd='two,1' --dd='three,1'
	mkdir out
	echo keep >out/two
	run -1 --separate-stderr vdd -x out -J c
	run -0 jq -c '[.extracted[] | [.index, .file, .error // .size]], .error.message' <<<"$output"
	assert_line --index 0 '[[0,"one",4032],[1,"two","two already exists (use --force to replace it)"],[2,"three",4032]]'
	assert_line --index 1 '"two already exists (use --force to replace it)"'
	[ "$(cat out/two)" = keep ]
}

@test "more dumps than the commit window are all extracted in order with no temporary files left" {
	mkcore c --dd-many=20,5000
	run -0 vdd -x out c
	assert_equal "${#lines[@]}" 20
	assert_line --index 19 "19 dev19 -> out/dev19 (8128 bytes)"
	[ "$(ls -A out | wc -l)" -eq 20 ]
	for i in 0 7 8 19; do
		off=$(layout c dd $i data_offset)
		cmp <(tail -c +$((off + 1)) c | head -c 8128) out/dev$i
	done
}

@test "an extraction killed in the middle of a dump leaves nothing in DIR, not even a hidden file" {
	# the file-size limit ends the process with SIGXFSZ halfway through the second dump's copy,
	# both dumps still temporary files (unnamed here; a named one is removed before it ends)
	mkcore c --dd=first,4K --dd=second,1M
	mkdir -m 0700 out
	run bash -c 'ulimit -f 512; exec "$1" -x out c' _ "$VMCORE_DD"
	[ "$status" -eq $((128 + 25)) ]         # SIGXFSZ
	run -0 ls -A out
	assert_output ""
}

@test "--dump by index and by name writes the exact bytes to stdout" {
	random_file a.bin 5000
	random_file b.bin 3000
	mkcore c --dd='first,-,file=a.bin' --dd='second,-,file=b.bin'
	vdd -d 1 c >by-index
	vdd --dump=second c >by-name
	check_dump by-index b.bin 4032
	cmp by-index by-name
	vdd -d first c >first
	check_dump first a.bin 8128
}

@test "--dump --to writes a 0600 file atomically and refuses to overwrite without --force" {
	mkcore c --dd='d,100,byte=0x5a'
	run -0 vdd -d d --to=saved c
	[ "$(stat -c '%a %s' saved)" = "600 4032" ]
	run -1 vdd -d d --to=saved c
	assert_output --partial "saved already exists (use --force to replace it)"
	run -0 vdd -d d --to=saved --force c
}

@test "--dump --to a directory (or DIR/) is refused: it names no file" {
	mkcore c --dd='one,1'
	mkdir d
	run -3 vdd --dump=0 --to=d/ c
	assert_output "vmcore-dd: c: --to=d/ names a directory: give the file to write, e.g. --to=d/NAME (or --extract=DIR for every dump)"
	run -3 vdd --dump=0 --to=d c
	assert_output "vmcore-dd: c: --to=d names a directory: give the file to write, e.g. --to=d/NAME (or --extract=DIR for every dump)"
	[ -z "$(ls -A d)" ]
}

@test "--dump of an unknown or ambiguous name fails clearly" {
	mkcore c --dd='dup,1' --dd='dup,1'
	run -1 vdd -d nope c
	assert_output --partial "no device dump named nope ('vmcore-dd --list' lists them)"
	run -1 vdd -d 7 c
	assert_output --partial "no device dump with index 7"
	run -1 vdd -d dup c
	assert_output --partial "2 device dumps are named dup (indexes 0, 1, …): select one by index"
}

@test "--dump refuses to write binary data to a terminal" {
	command -v script >/dev/null || skip "script(1) not installed"
	mkcore c --dd='d,1'
	run script -qec "$VMCORE_DD -d d c" /dev/null
	assert_output --partial "refusing to write binary dump data to a terminal"
}

@test "a large sparse dump is copied in full with small memory (streaming)" {
	mkcore c --dd='big,64M,zero' --dd='small,1,byte=0x7e'
	run -0 /usr/bin/time -f '%M' "$VMCORE_DD" -x out c
	[ "$(stat -c %s out/big)" -eq $((64 * 1024 * 1024 + 4096 - 64)) ]
	rss=$(tail -n 1 <<<"$output")
	echo "peak RSS ${rss} KiB"
	# the file is 64 MiB; reading it into memory would show here (ASan builds carry a larger base)
	[ "$rss" -lt 40000 ]
}
