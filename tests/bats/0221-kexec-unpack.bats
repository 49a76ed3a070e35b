#!/usr/bin/env bats
# Kernel files the kernel cannot read as they are: compressed kernels and UKIs go to the kernel
# as a sealed memfd of the unpacked kernel (lib/unpack); a file that needs no unpacking goes as
# its own fd.  The syscall fake logs the path of the fd it was given.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.12 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
	truncate -s 4M initrd.img
}

@test "a kernel that needs no unpacking is passed as its own file" {
	run -0 kx -p -s --sysroot=sys vmlinuz
	assert_equal "$(grep -o 'kernel=[^ ]*' syscalls)" "kernel=$PWD/vmlinuz"
	run -0 kx -p -s --dry-run --json --sysroot=sys vmlinuz
	assert_equal "$(jq -c '.kernel.unpacked' <<<"$output")" null
}

@test "gzip, xz, lzma, bzip2 and zstd kernels go to the kernel unpacked, in a memfd" {
	for z in "gzip -9" "xz" "xz --format=lzma" "bzip2" "zstd -q"; do
		$z -c vmlinuz >packed
		rm -f syscalls
		run -0 kx -p -s --sysroot=sys packed --initrd=initrd.img
		assert_equal "$(grep -o 'kernel=[^ ]*' syscalls)" "kernel=/memfd:kernel"
		run -0 kx -p -s --dry-run --json --sysroot=sys packed
		# the image inside is probed: its init_size, not the file's size, is what must fit
		assert_equal "$(jq -c '[.kernel.type, .kernel.size, .kernel.file_size]' <<<"$output")" \
			"[\"bzImage64\",$(stat -c %s vmlinuz),$(stat -c %s packed)]"
		assert_equal "$(jq -r '.kernel.unpacked[0].out_size' <<<"$output")" "$(stat -c %s vmlinuz)"
	done
	run -0 kx -p -s --dry-run --sysroot=sys packed
	assert_line --regexp '^unpacked      a memfd, not the file \(.*\), is passed to the kernel:$'
	assert_line --regexp '^  zstd         at 0, '
}

@test "the plan of an unpacked kernel is the plan of the kernel itself" {
	gzip -9 -c vmlinuz >vmlinuz.gz
	kx -p -c --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img | jq -S 'del(.kernel)' >plain
	kx -p -c --dry-run --json --sysroot=sys vmlinuz.gz --initrd=initrd.img | jq -S 'del(.kernel)' >gz
	diff -u plain gz
}

@test "a UKI's .initrd and .cmdline are used unless --initrd / --append are given" {
	printf 'console=ttyS0 quiet\n' >cmd
	# a PE with .linux, .initrd and .cmdline, as systemd's ukify lays one out
	cp /boot/vmlinuz-"$(cd /boot && ls vmlinuz-* | sed 's/^vmlinuz-//' | head -n 1)" stub.efi
	objcopy --add-section .linux=vmlinuz --add-section .initrd=initrd.img \
		--add-section .cmdline=cmd stub.efi uki.efi
	run -0 kx -p -s --dry-run --json --sysroot=sys uki.efi
	assert_equal "$(jq -c '[.kernel.unpacked[0].container, .initrd.from, .initrd.size, .command_line]' <<<"$output")" \
		'["UKI","image",4194304,"console=ttyS0 quiet"]'
	run -0 kx -p -s --dry-run --sysroot=sys uki.efi --append=x --initrd=initrd.img
	assert_line "initrd        initrd.img: 4 MiB (--initrd: not the image's .initrd)"
	assert_line "              the command line below is --append's, not the image's .cmdline"
	run -0 kx -p -s --sysroot=sys -t uki uki.efi
	run -0 grep -c '^kexec_file_load kernel=/memfd:kernel (deleted) initrd=/memfd:initrd (deleted) ' syscalls
	# the record names the file once: its initrd is inside it
	run -1 grep '^initrd ' state/crash-load
	run -1 kx -p -s --dry-run --sysroot=sys -t uki vmlinuz
	assert_output "kexec: -t uki: vmlinuz is not a Unified Kernel Image (no PE file with a .linux section)"
}

@test "a gzip bzImage: its layer and the kernel inside, exactly, in the text and the JSON plan" {
	gzip -9 -n -c vmlinuz >vmlinuz.gz
	run -0 kx -p -s --dry-run --sysroot=sys vmlinuz.gz
	# 8193 bytes of gzip (the bzImage is sparse) -> 8247232 bytes; the kernel segment's memsz is
	# the header's init_size 0x3f98000 (63.5 MiB), not the size of either file
	assert_line "kernel        vmlinuz.gz: bzImage64, boot protocol 2.15, 7.8 MiB"
	assert_line "unpacked      a memfd, not the file (8.0 KiB), is passed to the kernel:"
	assert_line "  gzip         at 0, 8.0 KiB -> 7.8 MiB"
	assert_line "  bzImage64    7.8 MiB"
	assert_line "  kernel        0x0000000037000000  0x000000003af97fff  63.5 MiB    7.8 MiB"
	run -0 kx -p -s --dry-run --json --sysroot=sys vmlinuz.gz
	assert_equal "$(jq -c .kernel <<<"$output")" \
		'{"path":"vmlinuz.gz","size":8247232,"type":"bzImage64","protocol":"2.15","version":"6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)","load_memsz":66682880,"alignment":2097152,"cmdline_max":2047,"unpacked":[{"container":"gzip","compression":"gzip","offset":0,"in_size":8193,"out_size":8247232}],"file_size":8193}'
}

@test "a UKI whose .linux is a gzip bzImage: both layers, exactly, in the text and the JSON plan" {
	gzip -9 -n -c vmlinuz >vmlinuz.gz
	printf 'console=ttyS0 quiet\n' >cmd
	cp /boot/vmlinuz-"$(cd /boot && ls vmlinuz-* | sed 's/^vmlinuz-//' | head -n 1)" stub.efi
	objcopy --add-section .linux=vmlinuz.gz --add-section .initrd=initrd.img \
		--add-section .cmdline=cmd stub.efi uki.efi
	# .linux where objdump says its data is
	off=$((16#$(objdump -h uki.efi | awk '$2 == ".linux" { print $6 }')))
	run -0 kx -p -s --dry-run --sysroot=sys uki.efi
	assert_line --regexp '^unpacked      a memfd, not the file \([0-9.]+ MiB\), is passed to the kernel:$'
	assert_line "  UKI          at $(printf '%#x' "$off"), 8.0 KiB -> 8.0 KiB"
	assert_line "  gzip         at 0, 8.0 KiB -> 7.8 MiB"
	assert_line "  bzImage64    7.8 MiB"
	run -0 kx -p -s --dry-run --json --sysroot=sys uki.efi
	assert_equal "$(jq -c .kernel.unpacked <<<"$output")" \
		"[{\"container\":\"UKI\",\"compression\":null,\"offset\":$off,\"in_size\":8193,\"out_size\":8193},{\"container\":\"gzip\",\"compression\":\"gzip\",\"offset\":0,\"in_size\":8193,\"out_size\":8247232}]"
	assert_equal "$(jq -c '[.kernel.file_size, .kernel.size]' <<<"$output")" "[$(stat -c %s uki.efi),8247232]"
}

@test "a truncated compressed kernel is refused, naming the file, the layer and the offset" {
	gzip -9 -c vmlinuz | head -c 4000 >cut.gz
	run -1 kx -p -s --dry-run --sysroot=sys cut.gz
	assert_output --regexp '^kexec: cut.gz: gzip: .*(truncated|ends early).*offset'
	[ ! -e syscalls ]
}

# the ELF vmlinux inside this machine's Debian kernel (its bzImage's payload)
host_vmlinux() {
	local k
	k=$(cd /boot && ls vmlinuz-* | head -n 1)
	bash "$SRCDIR/tests/tools/bzimage-vmlinux.sh" "/boot/$k" "$1"
}

@test "an x86_64 ELF vmlinux is loaded with kexec_load, as one block at a 2 MiB boundary of the crash region" {
	host_vmlinux vmlinux
	# its PT_LOADs from the first p_paddr to the end of the last one's memory, in pages
	local min="" max=0 type off vaddr paddr filesz memsz
	while read -r type off vaddr paddr filesz memsz _; do
		[ "$type" = LOAD ] || continue
		[ -n "$min" ] && [ $((paddr)) -ge "$min" ] || min=$((paddr))
		[ $((paddr + memsz)) -le "$max" ] || max=$((paddr + memsz))
	done < <(readelf -lW vmlinux)
	span=$(( (max - min + 4095) / 4096 * 4096 ))
	# no -c: a vmlinux can only be loaded with kexec_load, so that is what is used
	run -0 kx -p --sysroot=sys vmlinux --initrd=initrd.img
	run -0 grep -o 'kexec_load .* kernel:[^ ]*' syscalls
	# the crash region starts at 0x2b000000 (qemu-1g-6.12), a 2 MiB boundary
	assert_output --regexp "^kexec_load entry=0x[0-9a-f]+ nr_segments=5 flags=0x3e0005 kernel:0x2b000000\+$(printf '%#x' "$span")/"
	run -0 kx -p -c --dry-run --json --sysroot=sys vmlinux --initrd=initrd.img
	assert_equal "$(jq -c '[.kernel.type, .kernel.load_memsz, .kernel.alignment, .layout.kernel_reserved_for]' <<<"$output")" \
		"[\"elf-x86_64\",$span,2097152,\"the vmlinux's memory size\"]"
	assert_equal "$(jq -c '[.segments[] | select(.name == "kernel") | .start, .memsz]' <<<"$output")" "[721420288,$span]"
	run -0 kx -p -c --dry-run --sysroot=sys -t elf-x86_64 vmlinux
	assert_line --regexp '^kernel        vmlinux: elf-x86_64, [0-9.]+ MiB$'
}

@test "a compressed vmlinux is unpacked and loaded like the vmlinux itself" {
	host_vmlinux vmlinux
	gzip -1 -c vmlinux >vmlinux.gz
	kx -p -c --dry-run --json --sysroot=sys vmlinux --initrd=initrd.img | jq -S 'del(.kernel)' >plain
	kx -p -c --dry-run --json --sysroot=sys vmlinux.gz --initrd=initrd.img | jq -S 'del(.kernel)' >gz
	diff -u plain gz
}

@test "kexec_file_load does not take a vmlinux: -s says to use -c or the bzImage" {
	host_vmlinux vmlinux
	run -1 kx -p -s --dry-run --sysroot=sys vmlinux
	assert_output "kexec: vmlinux: an ELF vmlinux (elf-x86_64), which the kernel's kexec_file_load (-s) does not take on x86_64: load it with -c (kexec_load), or pass the bzImage built with it (/boot/vmlinuz-RELEASE)"
	[ ! -e syscalls ]
}

@test "an ELF file that is not a vmlinux, or the wrong -t, is refused saying why" {
	run -1 kx -p -c --dry-run --sysroot=sys /bin/true
	assert_output --regexp '^kexec: /bin/true: an ELF file of type 3 \(offset 16\), not an executable: a vmlinux is ET_EXEC \(2\)'
	host_vmlinux vmlinux
	run -1 kx -p -c --dry-run --sysroot=sys -t bzImage64 vmlinux
	assert_output "kexec: vmlinux: -t bzImage64: an ELF vmlinux, not a bzImage (-t elf-x86_64 or no -t loads it with -c)"
	run -1 kx -p -c --dry-run --sysroot=sys -t elf-x86_64 vmlinuz
	assert_output "kexec: vmlinuz: -t elf-x86_64: not an ELF file"
	# a vmlinux cut inside its segments
	head -c 4000000 vmlinux >cut
	run -1 kx -p -c --dry-run --sysroot=sys cut
	assert_output --regexp '^kexec: cut: the PT_LOAD at offset [0-9]+ takes bytes [0-9]+-[0-9]+ of a 4000000-byte file: the file is truncated'
}
