#!/usr/bin/env bats
# kexec -p --device-dump-budget=auto (the default): devices found by the real libudev code
# path, against fake sysfs devices (umockdev-run with tests/fixtures/mk-umockdev-devices.sh),
# budgeted when device-dump.conf lists their driver; the budget goes on the capture command line
# as kexec_dd=COUNT:BYTES.  Sysroot: the lab's 1 GiB 6.1 guest with crashkernel=256M.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
# kexec under umockdev: libudev sees the devices of the file "devices"
kx() { umockdev-run --device "$BATS_TEST_TMPDIR/devices" -- "$KEXEC" "$@"; }
mkdevs() { bash "$SRCDIR/tests/fixtures/mk-umockdev-devices.sh" "$BATS_TEST_TMPDIR/devices" "$@"; }

setup() {
	command -v umockdev-run >/dev/null || skip "umockdev-run is not installed (apt-get install umockdev)"
	cd "$BATS_TEST_TMPDIR"
	# under umockdev's preload, ASan must not insist on coming first, and a sanitizer log_path
	# crashes at start-up: reports go to stderr instead (and still fail the test: exitcode)
	ASAN_OPTIONS=$(sed -E 's/(^|:)log_path=[^:]*//' <<<"${ASAN_OPTIONS:-}")
	UBSAN_OPTIONS=$(sed -E 's/(^|:)log_path=[^:]*//' <<<"${UBSAN_OPTIONS:-}")
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" UBSAN_OPTIONS
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	export KEXEC_DEVICE_DUMP_CONF=$BATS_TEST_TMPDIR/device-dump.conf
	cp "$SRCDIR/kexec/device-dump.conf" device-dump.conf     # the shipped file: cxgb4 32M
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.1 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
	truncate -s 20M initrd.img
	D=$BATS_TEST_TMPDIR
}

@test "no cxgb4 adapter: nothing budgeted, kexec_dd=0:0 records that" {
	mkdevs virtio e1000e
	run -0 kx -p vmlinuz --initrd=initrd.img --append="irqpoll nr_cpus=1" --sysroot=sys
	assert_equal "$(cat syscalls)" "kexec_file_load kernel=$D/vmlinuz initrd=$D/initrd.img cmdline_len=31 flags=0x2 cmdline=irqpoll nr_cpus=1 kexec_dd=0:0 -> 0"
}

@test "one cxgb4 adapter: 32 MiB, with its PCI address and netdev in the plan" {
	mkdevs cxgb4=1 virtio e1000e
	run -0 kx -p --dry-run vmlinuz --initrd=initrd.img --append="irqpoll" --sysroot=sys
	cat >expected <<-EOF
	device dumps  auto (from $D/device-dump.conf): 1 device, 32 MiB; kexec_dd=1:33554432
	  DRIVER            PCI           NETDEV            BUDGET
	  cxgb4             0000:02:00.4  enp2s0f4          32 MiB
	memory model  199.6 MiB needed of 256 MiB reserved: kernel 63.5 MiB + initrd 20 MiB + initrd unpacked 20 MiB + boot data 36 KiB + runtime 64 MiB + device dumps 32 MiB; crashkernel=224M fits
	EOF
	diff -u expected <(sed -n '/^device dumps/,$p' <<<"$output")
	assert_line "command line  irqpoll kexec_dd=1:33554432"
	[ ! -e syscalls ]
}

@test "four cxgb4 adapters: 128 MiB, each one in the JSON plan" {
	mkdevs cxgb4=4 virtio e1000e
	run -0 kx -p --dry-run --json --load-anyway vmlinuz --sysroot=sys
	cat >expected <<-EOF
	   "device_dump_budget": {
	      "spec": "auto",
	      "kind": "auto",
	      "from": "$D/device-dump.conf",
	      "config": "$D/device-dump.conf",
	      "count": 4,
	      "total": 134217728,
	      "cmdline": "kexec_dd=4:134217728",
	      "devices": [{"driver": "cxgb4", "pci": "0000:02:00.4", "netdev": "enp2s0f4", "sysname": "0000:02:00.4", "budget": 33554432}, {"driver": "cxgb4", "pci": "0000:03:00.4", "netdev": "enp3s0f4", "sysname": "0000:03:00.4", "budget": 33554432}, {"driver": "cxgb4", "pci": "0000:04:00.4", "netdev": "enp4s0f4", "sysname": "0000:04:00.4", "budget": 33554432}, {"driver": "cxgb4", "pci": "0000:05:00.4", "netdev": "enp5s0f4", "sysname": "0000:05:00.4", "budget": 33554432}]
	   },
	   "memory_model": {
	      "reserved": 268435456,
	      "kernel": 66682880,
	      "initrd": 0,
	      "initrd_unpacked": 0,
	      "initrd_estimate": null,
	      "boot_data": 36864,
	      "runtime": 67108864,
	      "device_dumps": 134217728,
	      "needed": 268046336,
	      "fits": true,
	      "recommended_crashkernel": "256M"
	   },
	EOF
	diff -u expected <(sed -n '/"device_dump_budget"/,/"warnings"/p' <<<"$output" | sed '$d')
	python3 -m json.tool <<<"$output" >/dev/null
}

@test "a default line in the configuration replaces auto; none adds nothing to the command line" {
	mkdevs cxgb4=2
	printf 'default none\ncxgb4 32M\n' >device-dump.conf
	run -0 kx -p vmlinuz --append=irqpoll --sysroot=sys
	assert_equal "$(cat syscalls)" "kexec_file_load kernel=$D/vmlinuz initrd=- cmdline_len=8 flags=0x6 cmdline=irqpoll -> 0"
}

@test "without a configuration or an option, nothing is budgeted or shown (kexec-tools' behaviour)" {
	mkdevs cxgb4=2
	rm device-dump.conf
	# the default path is missing here (nothing installed under the build's sysconfdir)
	KEXEC_DEVICE_DUMP_CONF= run -0 kx -p vmlinuz --append=irqpoll --sysroot=sys
	assert_equal "$(cat syscalls)" "kexec_file_load kernel=$D/vmlinuz initrd=- cmdline_len=8 flags=0x6 cmdline=irqpoll -> 0"
	KEXEC_DEVICE_DUMP_CONF= run -0 kx -p --dry-run vmlinuz --sysroot=sys
	refute_output --partial "device dumps"
	refute_output --partial "memory model"
}

@test "a configuration named by option or environment must exist" {
	mkdevs cxgb4=1
	run -1 kx -p --dry-run vmlinuz --sysroot=sys --device-dump-conf="$D/absent.conf"
	assert_output "kexec: cannot open $D/absent.conf: No such file or directory"
	KEXEC_DEVICE_DUMP_CONF=$D/gone.conf run -1 kx -p --dry-run vmlinuz --sysroot=sys
	assert_output "kexec: cannot open $D/gone.conf: No such file or directory"
	[ ! -e syscalls ]
}

@test "-d lists every device libudev found, with its driver, PCI address and netdev" {
	mkdevs cxgb4=1 virtio
	run -0 --separate-stderr kx -p -d --dry-run vmlinuz --sysroot=sys
	[[ $stderr == *"kexec: device virtio1: driver virtio_blk, PCI 0000:00:04.0, netdev -"* ]]
	[[ $stderr == *"kexec: device 0000:02:00.4: driver cxgb4, PCI 0000:02:00.4, netdev enp2s0f4"* ]]
}
