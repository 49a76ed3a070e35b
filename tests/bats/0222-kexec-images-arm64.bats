#!/usr/bin/env bats
# The arm64 kernel images distributions ship, planned with kexec -p -s --dry-run on the arm64
# sysroot (mk-kexec-sysroot.sh arm64-kdump: 4 GiB of RAM at 0x40000000, crashkernel 512 MiB at
# 0x120000000 (main) and 128 MiB at 0x78000000 (low)).  The images come from Debian 12's real
# arm64 kernel package, linux-image-6.12.118+deb12-arm64 6.12.118-1~deb12u1, through
# tests/fixtures/mk-arm64-images.sh (see there how each is made); the goldens below are that
# package's numbers.
#
# Debian's boot/vmlinuz-6.12.118+deb12-arm64 is an uncompressed Image with an EFI stub: 44283840
# bytes; its header (booting.rst) has text_offset 0 (le64 at 8) and image_size 0x2b40000 =
# 45350912 (le64 at 16), flags 0xa.  Hand-checked: the kernel segment goes bottom up at the first
# 2 MiB boundary of the main range, 0x120000000, and takes image_size, so it ends at
# 0x120000000 + 0x2b40000 - 1 = 0x122b3ffff; the elfcorehdr goes top down at 64 KiB alignment,
# 0x13fff0000; the dtb top down at 2 MiB alignment below it, 0x13fe00000; used:
# 45350912 + 4096 + 69632 = 45424640 bytes (43.3 MiB).  A UKI's initrd follows image_size:
# 0x122b40000.  What the crashkernel fit uses is image_size, whatever the file's size.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }

setup_file() {
	export IMG=${BUILD:-$SRCDIR/build}/tests/fixtures/arm64-images
	if ! bash "$SRCDIR/tests/tools/debian-kernel-pkg.sh" arm64 6.12 >/dev/null 2>&1; then
		skip "Debian's arm64 6.12 kernel package is not cached and cannot be fetched (tests/tools/debian-kernel-pkg.sh)"
	fi
	bash "$SRCDIR/tests/fixtures/mk-arm64-images.sh" "$IMG"
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" arm64-kdump sys
}

# plan FILE [options]: the text plan, with the fixture directory left out of the paths
plan() { kx -p -s --dry-run --sysroot=sys "$IMG/$1" "${@:2}" | sed "s|$IMG/||"; }
jplan() { kx -p -s --dry-run --json --sysroot=sys "$IMG/$1" "${@:2}" | jq -S . | sed "s|$IMG/||"; }
# the JSON plan without what names the file and its layers
jcommon() { jplan "$@" | jq -S 'del(.kernel.path, .kernel.unpacked, .kernel.file_size)'; }
# le32 FILE OFFSET; put32 FILE OFFSET VALUE (overwrites 4 bytes in place)
le32() { od -An -tu4 -j"$2" -N4 "$1" | tr -d ' '; }
put32() {
	python3 -c 'import struct, sys; sys.stdout.buffer.write(struct.pack("<I", int(sys.argv[1], 0)))' "$3" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

image_text() {
	cat <<'EOF_PLAN'
crash kernel load plan (dry run: nothing is loaded)
syscall       kexec_file_load, flags 0x6 (KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS)
hotplug       kexec-hotplug's udev rule reloads on memory and CPU hotplug
kernel        Image: Image, 42.2 MiB
initrd        none
command line  (empty)
              1 of at most 2048 bytes (with the NUL; the kernel adds elfcorehdr=)
crash kernel  128 MiB at 0x78000000-0x7fffffff (low)
              512 MiB at 0x120000000-0x13fffffff (main)
segments      placed by the kernel (kexec_file_load), as it will choose; all fit
  NAME          START               END                 MEMSZ       BUFSZ
  kernel        0x0000000120000000  0x0000000122b3ffff  43.2 MiB    42.2 MiB
  elfcorehdr    0x000000013fff0000  0x000000013fff0fff  4 KiB       4 KiB
  dtb           0x000000013fe00000  0x000000013fe10fff  68 KiB      64.0 KiB
  43.3 MiB of 512 MiB used
elfcorehdr    built by the kernel: 6 program headers (2 CPU notes, VMCOREINFO, kernel text, 2 memory ranges), 4 KiB
kernel text   0xffff800080000000 at physical 0x40200000, 42.0 MiB
dump covers   2 ranges, 3.3 GiB of 4 GiB System RAM (left out: the crash kernel ranges)
  START               END                 SIZE
  0x0000000040000000  0x0000000077ffffff  896 MiB
  0x0000000080000000  0x000000011fffffff  2.5 GiB
EOF_PLAN
}

# packed_text FILE KSIZE LINE...: the Image's text plan as FILE's: its kernel line (the kernel
# KSIZE), then the LINEs (the "unpacked" block)
packed_text() {
	local f=$1 ksize=$2 line
	shift 2
	image_text | while IFS= read -r line; do
		if [ "$line" = "kernel        Image: Image, 42.2 MiB" ]; then
			echo "kernel        $f: Image, $ksize"
			printf '%s\n' "$@"
		else
			echo "$line"
		fi
	done
}

@test "Debian's arm64 Image: the text plan is exactly as expected, and the file goes to the kernel as its own fd" {
	plan Image >got
	image_text >expected
	diff -u expected got
	run -0 kx -p -s --sysroot=sys "$IMG/Image"
	assert_equal "$(grep -o 'kernel=[^ ]*' syscalls)" "kernel=$IMG/Image"
}

@test "Debian's arm64 Image: the JSON plan is exactly as expected" {
	jplan Image >got
	jq -S . >expected <<'JSON'
{
  "action": "load",
  "dry_run": true,
  "image": "crash",
  "arch": "aarch64",
  "kernel_release": "6.12.117+deb12-arm64",
  "syscall": "kexec_file_load",
  "flags": 6,
  "flag_names": "KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS",
  "hotplug": "none",
  "kernel": {
    "path": "Image",
    "size": 44283840,
    "type": "Image",
    "protocol": "",
    "version": "",
    "load_memsz": 45350912,
    "alignment": 2097152,
    "cmdline_max": 2048
  },
  "initrd": null,
  "command_line": "",
  "command_line_bytes": 1,
  "crash_kernel": {
    "total": 671088640,
    "kexec_crash_size": 671088640,
    "ranges": [
      { "start": 2013265920, "end": 2147483647, "size": 134217728, "role": "low" },
      { "start": 4831838208, "end": 5368709119, "size": 536870912, "role": "main" }
    ]
  },
  "layout": { "placed_by": "kernel", "fits": true, "used": 45424640, "region": 536870912 },
  "segments": [
    { "name": "kernel", "start": 4831838208, "end": 4877189119, "memsz": 45350912, "bufsz": 44283840 },
    { "name": "elfcorehdr", "start": 5368643584, "end": 5368647679, "memsz": 4096, "bufsz": 4096 },
    { "name": "dtb", "start": 5366611968, "end": 5366681599, "memsz": 69632, "bufsz": 65537 }
  ],
  "elfcorehdr": {
    "built_by": "kernel",
    "machine": 183,
    "cpu_notes": 2,
    "vmcoreinfo": true,
    "kernel_text": true,
    "memory_ranges": 2,
    "phnum": 6,
    "size": 4096,
    "segment_memsz": 4096,
    "segment_memsz_from": "computed",
    "page_offset": "0xffff000000000000",
    "page_offset_from": "default",
    "text_vaddr": "0xffff800080000000",
    "text_paddr": 1075838976,
    "text_size": 44105728
  },
  "memory": { "system_ram": 4294967296, "dump_total": 3623878656, "dump_ranges": 2 },
  "excluded": [
    { "start": 2013265920, "end": 2147483647, "size": 134217728 },
    { "start": 4831838208, "end": 5368709119, "size": 536870912 }
  ],
  "dump": [
    { "start": 1073741824, "end": 2013265919, "size": 939524096 },
    { "start": 2147483648, "end": 4831838207, "size": 2684354560 }
  ],
  "warnings": [],
  "refused": null
}
JSON
	diff -u expected got
	# image_size and text_offset, read from the Image header here, are what the plan used
	assert_equal "$(le32 "$IMG/Image" 16)" 45350912
	assert_equal "$(le32 "$IMG/Image" 8)" 0
}

# packed_json FILE CONTAINER COMPRESSION OFFSET IN_SIZE OUT_SIZE: FILE's JSON layers, exactly
packed_json() {
	jq -ncS --arg c "$2" --arg z "$3" --argjson off "$4" --argjson in "$5" --argjson out "$6" \
		--argjson fsize "$(stat -c %s "$IMG/$1")" \
		'{unpacked: [{container: $c, compression: (if $z == "" then null else $z end),
			      offset: $off, in_size: $in, out_size: $out}], file_size: $fsize}'
}

@test "gzip, zstd and xz copies of the Image give the Image's plan, their one layer shown exactly" {
	jcommon Image >image.json
	for fc in Image.gz:gzip Image.zst:zstd Image.xz:xz; do
		f=${fc%%:*} c=${fc#*:}
		jcommon "$f" >got.json
		diff -u image.json got.json
		run -0 jplan "$f"
		assert_equal "$(jq -cS '{unpacked: .kernel.unpacked, file_size: .kernel.file_size}' <<<"$output")" \
			"$(packed_json "$f" "$c" "$c" 0 "$(stat -c %s "$IMG/$f")" 44283840)"
		rm -f syscalls
		run -0 kx -p -s --sysroot=sys "$IMG/$f"
		assert_equal "$(grep -o 'kernel=[^ ]*' syscalls)" "kernel=/memfd:kernel"
	done
	plan Image.gz >got
	packed_text Image.gz "42.2 MiB" \
		"unpacked      a memfd, not the file (13.5 MiB), is passed to the kernel:" \
		"  gzip         at 0, 13.5 MiB -> 42.2 MiB" \
		"  Image        42.2 MiB" >expected
	diff -u expected got
	plan Image.zst >got
	packed_text Image.zst "42.2 MiB" \
		"unpacked      a memfd, not the file (13.9 MiB), is passed to the kernel:" \
		"  zstd         at 0, 13.9 MiB -> 42.2 MiB" \
		"  Image        42.2 MiB" >expected
	diff -u expected got
	plan Image.xz >got
	packed_text Image.xz "42.2 MiB" \
		"unpacked      a memfd, not the file (9.5 MiB), is passed to the kernel:" \
		"  xz           at 0, 9.5 MiB -> 42.2 MiB" \
		"  Image        42.2 MiB" >expected
	diff -u expected got
}

@test "arm64 zboot images (gzip, zstd payload) give the plan of the Image padded to image_size, the layer shown exactly" {
	jcommon Image >image.json
	for fc in vmlinuz.efi:gzip vmlinuz-zstd.efi:zstd; do
		f=${fc%%:*} c=${fc#*:}
		# the payload is the Image padded with zeros to image_size (Makefile.zboot), so the
		# kernel the plan carries is 45350912 bytes, its segment's buffer too
		run -0 jplan "$f"
		assert_equal "$(jq -c '[.kernel.size, .segments[0].bufsz, .kernel.load_memsz]' <<<"$output")" \
			"[45350912,45350912,45350912]"
		jq -S 'del(.kernel.path, .kernel.unpacked, .kernel.file_size) |
		       .kernel.size = 44283840 | .segments[0].bufsz = 44283840' <<<"$output" >got.json
		diff -u image.json got.json
		# offset and size as the header says them (le32 at 8 and 12)
		assert_equal "$(le32 "$IMG/$f" 8)" 4096
		assert_equal "$(jq -cS '{unpacked: .kernel.unpacked, file_size: .kernel.file_size}' <<<"$output")" \
			"$(packed_json "$f" "zboot ($c)" "$c" 4096 "$(le32 "$IMG/$f" 12)" 45350912)"
	done
	plan vmlinuz.efi >got
	packed_text vmlinuz.efi "43.2 MiB" \
		"unpacked      a memfd, not the file (13.5 MiB), is passed to the kernel:" \
		"  zboot (gzip) at 0x1000, 13.5 MiB -> 43.2 MiB" \
		"  Image        43.2 MiB" |
		sed 's/^\(  kernel  .*\)42.2 MiB$/\143.2 MiB/' >expected
	diff -u expected got
	plan vmlinuz-zstd.efi >got
	packed_text vmlinuz-zstd.efi "43.2 MiB" \
		"unpacked      a memfd, not the file (13.9 MiB), is passed to the kernel:" \
		"  zboot (zstd) at 0x1000, 13.9 MiB -> 43.2 MiB" \
		"  Image        43.2 MiB" |
		sed 's/^\(  kernel  .*\)42.2 MiB$/\143.2 MiB/' >expected
	diff -u expected got
}

@test "an arm64 UKI: its .linux is the Image's plan, its .initrd and .cmdline are used" {
	# the initrd goes right after image_size (0x122b40000), used grows by its 1 MiB, and the dtb
	# carries the command line in /chosen/bootargs: 39 bytes more (measured)
	jcommon Image | jq -S '.flags = 2 | .flag_names = "KEXEC_FILE_ON_CRASH" |
		.initrd = {path: "uki.efi", size: 1048576, from: "image"} |
		.command_line = "console=ttyAMA0 nr_cpus=1 reset_devices" | .command_line_bytes = 40 |
		.layout.used = 46473216 | .segments[2].bufsz += 39 |
		.segments = [.segments[0], .segments[1],
			     {name: "initrd", start: 4877189120, end: 4878237695, memsz: 1048576, bufsz: 1048576},
			     .segments[2]]' >expected.json
	jcommon uki.efi >got.json
	diff -u expected.json got.json
	# .linux where objdump says its data is
	linux_off=$((16#$(aarch64-linux-gnu-objdump -h "$IMG/uki.efi" | awk '$2 == ".linux" { print $6 }')))
	run -0 jplan uki.efi
	assert_equal "$(jq -cS '{unpacked: .kernel.unpacked, file_size: .kernel.file_size}' <<<"$output")" \
		"$(packed_json uki.efi UKI "" "$linux_off" 44283840 44283840)"
	run -0 plan uki.efi
	assert_line "unpacked      a memfd, not the file (85.4 MiB), is passed to the kernel:"
	assert_line "  UKI          at $(printf '%#x' "$linux_off"), 42.2 MiB -> 42.2 MiB"
	assert_line "initrd        the image's .initrd: 1 MiB"
	assert_line "              the command line below is the image's .cmdline (no --append)"
	run -0 kx -p -s --sysroot=sys "$IMG/uki.efi"
	run -0 grep -c '^kexec_file_load kernel=/memfd:kernel (deleted) initrd=/memfd:initrd (deleted) cmdline_len=40 flags=0x2 ' syscalls
}

# ---- malformed images: each refused before any syscall, naming the layer and the offset -----

# refused FILE MESSAGE: kexec -p -s --dry-run of FILE fails with exactly MESSAGE, and nothing is loaded
refused() {
	run -1 kx -p -s --dry-run --sysroot=sys "$1"
	assert_output "$2"
	run -1 kx -p -s --sysroot=sys "$1"
	[ ! -e syscalls ]
}

@test "a truncated gzip Image is refused with the offset where its data ends" {
	head -c 5000000 "$IMG/Image.gz" >cut.gz
	refused cut.gz "kexec: cut.gz: gzip: the gzip data ends early (truncated) at input offset 5000000: the file is cut short, copy it again (at offset 0x4c4b40)"
}

@test "a truncated xz Image is refused with the offset where its data ends" {
	head -c 5000000 "$IMG/Image.xz" >cut.xz
	refused cut.xz "kexec: cut.xz: xz: the xz data ends early (truncated) at input offset 5000000: the file is cut short, copy it again (at offset 0x4c4b40)"
}

@test "a truncated zstd Image is refused with the offset where its data ends" {
	head -c 5000000 "$IMG/Image.zst" >cut.zst
	refused cut.zst "kexec: cut.zst: zstd: the zstd data ends early (truncated) at input offset 5000000: the file is cut short, copy it again (at offset 0x4c4b40)"
}

@test "a truncated bzip2 Image is refused with the offset where its data ends" {
	head -c 2M "$IMG/Image" | bzip2 | head -c 100000 >cut.bz2
	refused cut.bz2 "kexec: cut.bz2: bzip2: the bzip2 data ends early (truncated) at input offset 100000: the file is cut short, copy it again (at offset 0x186a0)"
}

@test "a truncated legacy lzma Image is refused with the offset where its data ends" {
	head -c 2M "$IMG/Image" | xz --format=lzma | head -c 100000 >cut.lzma
	refused cut.lzma "kexec: cut.lzma: lzma: the lzma data ends early (truncated) at input offset 100000: the file is cut short, copy it again (at offset 0x186a0)"
}

@test "a zboot image whose payload runs past the end of the file is refused with the header's numbers" {
	head -c 1000000 "$IMG/vmlinuz.efi" >cut.efi
	size=$(le32 "$IMG/vmlinuz.efi" 12)
	refused cut.efi "kexec: cut.efi: zboot: payload offset 4096 + size $size (header offsets 8, 12) runs past the end of the 1000000-byte image: the file is cut short or not a zboot image (at offset 0x8)"
	# a size that wraps a 32-bit sum is past the end too
	cp "$IMG/vmlinuz.efi" wrap.efi
	put32 wrap.efi 12 0xfffff000
	refused wrap.efi "kexec: wrap.efi: zboot: payload offset 4096 + size 4294963200 (header offsets 8, 12) runs past the end of the $(stat -c %s wrap.efi)-byte image: the file is cut short or not a zboot image (at offset 0x8)"
}

@test "a zboot payload cut short inside its stream is refused with the offset in the file" {
	head -c 1000000 "$IMG/vmlinuz.efi" >cut.efi
	put32 cut.efi 12 $((1000000 - 4096))
	refused cut.efi "kexec: cut.efi: zboot (gzip): the gzip data ends early (truncated) at input offset 1000000: the file is cut short, copy it again (at offset 0xf4240)"
}

# uki.efi's section table (aarch64-linux-gnu-objdump -h lists it in table order: .cmdline,
# .initrd, .linux, …): objcopy writes its own DOS header, e_lfanew 0x80; SizeOfOptionalHeader
# 0xf0 (le16 at 0x94), so the table is at 0x80 + 24 + 0xf0 = 392 and .linux's 40-byte header is
# the third: 392 + 80 = 472 (0x1d8); its VirtualSize is at +8, SizeOfRawData at +16,
# PointerToRawData at +20.
@test "a UKI whose .linux section lies past the end of the file is refused with the numbers" {
	cp "$IMG/uki.efi" bad.efi
	assert_equal "$(dd if=bad.efi bs=1 skip=472 count=6 status=none)" ".linux"
	len=$(stat -c %s bad.efi)
	put32 bad.efi $((472 + 20)) "$len"
	refused bad.efi "kexec: bad.efi: UKI: section .linux (header at offset 472) has its 44283840 bytes at offset $len, past the end of the $len-byte file: the file is cut short (at offset 0x1d8)"
	# in the file, but its size runs past the end
	cp "$IMG/uki.efi" big.efi
	put32 big.efi $((472 + 8)) 0
	put32 big.efi $((472 + 16)) 0x7fffffff
	linux_off=$((16#$(aarch64-linux-gnu-objdump -h "$IMG/uki.efi" | awk '$2 == ".linux" { print $6 }')))
	refused big.efi "kexec: big.efi: UKI: section .linux (header at offset 472) has its 2147483647 bytes at offset $linux_off, past the end of the $len-byte file: the file is cut short (at offset 0x1d8)"
}

@test "a decompression bomb is refused at the 512 MiB limit, with the input offset reached" {
	head -c 600M /dev/zero | zstd -q >bomb.zst
	run -1 kx -p -s --dry-run --sysroot=sys bomb.zst
	# where libzstd stands when the 512 MiB + 1st byte comes out is the library's business
	assert_output --regexp '^kexec: bomb.zst: zstd: inflates past the 512 MiB limit at input offset [0-9]+: not a kernel \(a kernel Image is tens of MiB\); if it is one, unpack it first and pass what comes out \(at offset 0x[0-9a-f]+\)$'
	off=$(sed 's/.*input offset \([0-9]*\):.*/\1/' <<<"$output")
	[ "$off" -le "$(stat -c %s bomb.zst)" ]
	[ ! -e syscalls ]
}
