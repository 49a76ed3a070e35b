# shellcheck shell=bash
# The kdump lab, host side: sourced by the scenario files (tests/e2e/*.bats) and the demo.
#   lab_init                       paths, kernels, binaries; LAB_OUT, LAB_LOGS, KVER_61, KVER_612
#   lab_initramfs KVER [MODDIR]    the one archive both kernels boot (cached by content); with
#                                  LAB_INITRAMFS_HOOK=FILE (a file in tests/e2e defining
#                                  initramfs_hook ROOT KVER and initramfs_hook_key) FILE adds to it;
#                                  its initramfs_hook_boot BOOTDIR KVER, if defined, adds to the
#                                  first kernel's /boot (vmlinuz, capture.cpio.gz are there)
#   lab_boot NAME KVER KIMG "ARGS" [qemu args…]   run one VM to its end, serial to LAB_LOGS/NAME.log;
#                                  a guest that crashes before our code runs is booted once more
#   lab_vmcore NAME                the saved vmcore of that run, cut to its true size
#   lab_fail_context NAME          the last 40 serial lines and the log's path (for failures)
# Environment: BUILD (build dir with our binaries), KX_LAB_CACHE (default /var/cache/kexec-ext-lab),
# KX_LAB_ACCEL (kvm|tcg|auto, default auto: a one-time probe decides), KX_LAB_TIMEOUT (s, 900),
# LAB_ARCH (x86_64, the default, or arm64: the guest's architecture; see lab_arch).

lab_init() {
	LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	SRCDIR=$(cd "$LAB_SRC/../.." && pwd)
	BUILD=$(cd "${BUILD:-$SRCDIR/build}" && pwd)
	LAB_OUT="$BUILD/e2e"
	LAB_LOGS="$LAB_OUT/logs"
	KX_LAB_CACHE=${KX_LAB_CACHE:-/var/cache/kexec-ext-lab}
	mkdir -p "$LAB_OUT" "$LAB_LOGS" "$KX_LAB_CACHE"
	KVER_61=$(lab_kver '6.1.*-amd64')
	KVER_612=$(lab_kver '6.12.*-amd64')
	VMCORE_DD="$BUILD/vmcore/vmcore-dd"
	MKVMCORE="$BUILD/tests/tools/mkvmcore"
	export LAB_SRC SRCDIR BUILD LAB_OUT LAB_LOGS KX_LAB_CACHE KVER_61 KVER_612 VMCORE_DD MKVMCORE
	lab_arch
}

# lab_arch: what differs per guest architecture (LAB_ARCH), as variables the one recipe and the
# one boot function read.  x86_64 is the host's own: its binaries, busybox, modules and QEMU's
# default PC.  arm64 is foreign: QEMU's virt board under TCG with the PL011 console, our binaries
# cross-built (lab_cross_build), busybox from Debian's arm64 package, unpacked
# (lab_foreign_root), never installed, and Debian's arm64 kernel packages
# (tests/tools/debian-kernel-pkg.sh) for the kernels and their modules.
#   LAB_QEMU LAB_MACHINE (array: board options) LAB_CONSOLE LAB_TRIPLET (cross compiler prefix,
#   empty for the host)
lab_arch() {
	case ${LAB_ARCH:-x86_64} in
	x86_64)
		LAB_QEMU=qemu-system-x86_64 LAB_CONSOLE=ttyS0 LAB_TRIPLET=""
		LAB_MACHINE=()
		;;
	arm64)
		LAB_QEMU=qemu-system-aarch64 LAB_CONSOLE=ttyAMA0 LAB_TRIPLET=aarch64-linux-gnu
		LAB_MACHINE=(-M virt)
		;;
	*) echo "lab: unknown LAB_ARCH '$LAB_ARCH' (x86_64, arm64)" >&2; return 1 ;;
	esac
}

# lab_foreign_root ARCH PKG…: a directory with Debian's packages of ARCH unpacked (dpkg-deb -x
# of `apt-get download`, which checks the archive's signature and hashes), cached by the list
lab_foreign_root() {
	local arch=$1 key dir tmp d
	shift
	key=$(echo "$arch $*" | sha256sum | cut -c1-12)
	dir="$KX_LAB_CACHE/debs-$arch-$key"
	if [ -f "$dir/.complete" ]; then
		echo "$dir"
		return 0
	fi
	tmp=$(mktemp -d "$KX_LAB_CACHE/.debs.XXXXXX")
	mkdir "$tmp/debs" "$tmp/root"
	if ! (cd "$tmp/debs" && apt-get download -qq "${@/%/:$arch}") >"$tmp/apt.log" 2>&1; then
		echo "lab: apt-get download of $arch packages failed:" >&2
		cat "$tmp/apt.log" >&2
		rm -rf "$tmp"
		return 1
	fi
	for d in "$tmp"/debs/*.deb; do dpkg-deb -x "$d" "$tmp/root"; done
	touch "$tmp/root/.complete"
	rm -rf "$dir"
	mv "$tmp/root" "$dir"
	rm -rf "$tmp"
	echo "$dir"
}

# the arm64 packages the guest runs besides ours (whose libraries come from the cross build's
# sysroot and Debian's cross libc): busybox
LAB_ARM64_DEBS=(busybox-static)

# lab_cross_build: our binaries for LAB_ARCH, built by tests/cross-build.sh in $LAB_OUT/cross-ARCH
# (configured once, then make picks up what changed); prints the build directory
lab_cross_build() {
	local dir="$LAB_OUT/cross-$LAB_ARCH"
	if [ -f "$dir/Makefile" ] && [ -d "$dir/sysroot" ]; then
		make -s -j2 -C "$dir" >"$dir/make.log" 2>&1 || { tail -n 20 "$dir/make.log" >&2; return 1; }
	else
		bash "$SRCDIR/tests/cross-build.sh" "$LAB_TRIPLET" "$dir" >"$LAB_OUT/cross-$LAB_ARCH.log" 2>&1 ||
			{ tail -n 20 "$LAB_OUT/cross-$LAB_ARCH.log" >&2; return 1; }
	fi
	echo "$dir"
}

# lab_arm64_kernel SERIES: Debian's arm64 kernel package of that series, unpacked (cached);
# sets KVER (its release) and KDIR (the package's directory: boot/vmlinuz-KVER, lib/modules/KVER)
lab_arm64_kernel() {
	KDIR=$(bash "$SRCDIR/tests/tools/debian-kernel-pkg.sh" arm64 "$1") || return 1
	local f
	KVER=""
	for f in "$KDIR"/boot/vmlinuz-*; do
		[ -f "$f" ] && KVER=${f##*/vmlinuz-}
	done
	[ -n "$KVER" ]
}

# newest installed Debian kernel matching a glob, e.g. '6.12.*-amd64'
lab_kver() {
	local v
	v=$(cd /boot && ls -1 vmlinuz-$1 2>/dev/null | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
	echo "$v"
}

# copy_bin ROOT FILE [DEST]: a binary and the shared libraries it needs, paths kept
lab_copy_bin() {
	local root=$1 bin=$2 dst=${3:-$2} lib
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$bin" "$root$dst"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ )]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# lab_copy_bin_foreign ROOT FILE DEST TREE…: lab_copy_bin for a binary of another architecture:
# its DT_NEEDED libraries (readelf), in turn, found by name in lib/TRIPLET, usr/lib/TRIPLET or
# lib of the TREEs (unpacked package roots, a sysroot), go to /lib/TRIPLET in ROOT (a directory
# the loader searches by default), its program interpreter to its own path.  Symlinks are followed
# inside the tree that holds them only.
lab_copy_bin_foreign() {
	local root=$1 bin=$2 dst=$3 todo name f interp
	shift 3
	mkdir -p "$root$(dirname "$dst")" "$root/lib/$LAB_TRIPLET"
	cp "$bin" "$root$dst"
	interp=$(readelf -l "$bin" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	todo=$(lab_needed "$bin")
	while [ -n "$todo" ]; do
		name=${todo%%$'\n'*}
		if [ "$name" = "$todo" ]; then todo=""; else todo=${todo#*$'\n'}; fi
		[ -e "$root/lib/$LAB_TRIPLET/$name" ] && continue
		f=$(lab_foreign_find "$name" "$@") || { echo "lab: $name (for $bin) is in none of $*" >&2; return 1; }
		cp "$f" "$root/lib/$LAB_TRIPLET/$name"
		todo=$(printf '%s\n%s' "$todo" "$(lab_needed "$f")" | sed '/^$/d')
	done
	if [ -n "$interp" ] && [ ! -e "$root$interp" ]; then
		f=$(lab_foreign_find "$(basename "$interp")" "$@") || { echo "lab: no $interp for $bin in $*" >&2; return 1; }
		mkdir -p "$root$(dirname "$interp")"
		cp "$f" "$root$interp"
	fi
}

lab_needed() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

# lab_foreign_find NAME TREE…: the file NAME names in the first TREE that has it, after its
# symlinks, each resolved inside that tree (an absolute target is taken under TREE)
lab_foreign_find() {
	local name=$1 tree sub p t i
	shift
	for tree in "$@"; do
		for sub in "lib/$LAB_TRIPLET" "usr/lib/$LAB_TRIPLET" lib usr/lib; do
			p="$tree/$sub/$name"
			for ((i = 0; i < 8; i++)); do
				[ -L "$p" ] || break
				t=$(readlink "$p")
				case $t in
				/*) p="$tree$t" ;;
				*) p="$(dirname "$p")/$t" ;;
				esac
			done
			if [ ! -L "$p" ] && [ -f "$p" ]; then
				echo "$p"
				return 0
			fi
		done
	done
	return 1
}

# lab_virtio_modules ROOT KVER [MODDIR [MODULE…]]: the modules a Debian kernel needs for virtio-blk
# (and virtio-pci where it is a module: 6.1), in load order, uncompressed; with MODULEs (a hook's:
# virtio_mem), those and what they need instead, appended to the load order.  MODDIR ("" or
# absent: /lib/modules/KVER) is an installed kernel's, with the modules.dep depmod wrote, or an
# unpacked package's, without one: then each module's own "depends" (modinfo) gives the order.
lab_virtio_modules() {
	local root=$1 kver=$2 dir=${3:-/lib/modules/$2} want m name
	shift 2
	[ $# -gt 0 ] && shift
	mkdir -p "$root/lib/modules"
	[ $# -gt 0 ] || : >"$root/lib/modules/load-order"
	[ -d "$dir" ] || return 0
	[ $# -gt 0 ] || set -- virtio_pci virtio_blk
	for want in "$@"; do
		for m in $(lab_module_chain "$dir" "$want"); do
			name=$(basename "$m")
			name=${name%.xz}
			name=${name%.zst}
			grep -qx "$name" "$root/lib/modules/load-order" && continue
			case $m in
			*.xz) xz -dc "$dir/$m" >"$root/lib/modules/$name" ;;
			*.zst) zstd -qdc "$dir/$m" >"$root/lib/modules/$name" ;;
			*) cp "$dir/$m" "$root/lib/modules/$name" ;;
			esac
			echo "$name" >>"$root/lib/modules/load-order"
		done
	done
}

# lab_module_chain MODDIR NAME: NAME's module file and those it needs, paths relative to MODDIR,
# dependencies first; nothing for a module built in (or absent)
lab_module_chain() {
	local dir=$1 want=$2 line f d
	if [ -f "$dir/modules.dep" ]; then
		line=$(grep -E "/$want\.ko(\.xz|\.zst)?:" "$dir/modules.dep") || return 0
		echo "${line#*:}" | tr ' ' '\n' | tac | sed '/^$/d'
		echo "${line%%:*}"
		return 0
	fi
	f=$(cd "$dir" && find kernel -name "$want.ko" -o -name "$want.ko.xz" -o -name "$want.ko.zst" | head -n 1)
	[ -n "$f" ] || return 0
	for d in $(modinfo -F depends "$dir/$f" | tr ',' ' '); do
		lab_module_chain "$dir" "$d"
	done
	echo "$f"
}

# lab_initramfs KVER KIMG [EARLY_MODULE_DIR]: prints the path of the archive.  One recipe for every
# LAB_ARCH: the binaries of the guest's architecture come from lab_arch_bins_ARCH, the modules
# from LAB_MODDIR (default /lib/modules/KVER: the host's installed kernels).
lab_initramfs() {
	local kver=$1 kimg=$2 early=${3:-} root stage key out kexec bins busybox
	local arch=${LAB_ARCH:-x86_64}
	stage="$LAB_OUT/stage"
	rm -rf "$stage"
	if [ "$arch" = x86_64 ]; then
		bins=$BUILD
		busybox=/usr/bin/busybox
	else
		bins=$(lab_cross_build) || return 1
		LAB_FOREIGN=$(lab_foreign_root "$arch" "${LAB_ARM64_DEBS[@]}") || return 1
		busybox=$LAB_FOREIGN/bin/busybox
	fi
	make -s -C "$bins" install DESTDIR="$stage" prefix=/usr >/dev/null
	local hook=${LAB_INITRAMFS_HOOK:+$LAB_SRC/$LAB_INITRAMFS_HOOK}
	key=$( { echo "$arch $kver $kimg ${LAB_FOREIGN:-}"; find "$stage" "$LAB_SRC/guest" ${early:+"$early"} -type f | sort | xargs cat;
		 cat "$BUILD/tests/tools/kexec-corrupt" 2>/dev/null;
		 [ -z "$hook" ] || { cat "$hook"; (source "$hook" && initramfs_hook_key); };
		 ls -l "$kimg"; } | sha256sum | cut -c1-16)
	out="$LAB_OUT/initramfs-$kver-$key.cpio.gz"
	if [ -f "$out" ]; then
		echo "$out"
		return 0
	fi
	root="$LAB_OUT/root-$kver"
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,boot,e2e,lib/modules/early}
	cp "$busybox" "$root/bin/busybox"
	# the applets of Debian's busybox (the same version on every architecture)
	for a in $(/usr/bin/busybox --list); do
		[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
	done
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3
	"lab_arch_bins_$arch" "$root" "$stage" "$bins" || { rm -rf "$root" "$stage"; return 1; }
	if [ -x "$stage/usr/sbin/kexec" ]; then
		kexec=/usr/sbin/kexec
	else
		kexec=/usr/sbin/kexec-debian
	fi
	echo "$kexec" >"$root/etc/kx-kexec"
	lab_virtio_modules "$root" "$kver" "${LAB_MODDIR:-}"
	[ -n "$early" ] && cp "$early"/*.ko "$root/lib/modules/early/"
	# what a scenario adds (LAB_INITRAMFS_HOOK), on top of the common recipe
	if [ -n "$hook" ]; then
		(source "$hook" && initramfs_hook "$root" "$kver") >&2 || { rm -rf "$root" "$stage"; return 1; }
	fi
	cp "$LAB_SRC/guest/init" "$root/init"
	cp "$LAB_SRC"/guest/*.sh "$root/e2e/"
	chmod +x "$root/init" "$root"/e2e/*.sh
	# the capture kernel boots the same tools: the archive carries itself and the kernel
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$out.capture"
	local extra="$LAB_OUT/extra-$kver"
	rm -rf "$extra"
	mkdir -p "$extra/boot"
	cp "$kimg" "$extra/boot/vmlinuz"
	# arm64: the same kernel as Ubuntu ships it, a gzip'ed Image (kexec unpacks it)
	[ "$arch" = arm64 ] && gzip -9 -n <"$kimg" >"$extra/boot/vmlinuz.gz"
	cp "$out.capture" "$extra/boot/capture.cpio.gz"
	# what a scenario adds to the first kernel's /boot only (it may contain the capture archive)
	if [ -n "$hook" ] && (source "$hook" && declare -F initramfs_hook_boot >/dev/null); then
		(source "$hook" && initramfs_hook_boot "$extra/boot" "$kver") >&2 ||
			{ rm -rf "$root" "$stage" "$extra" "$out.capture"; return 1; }
	fi
	{ cat "$out.capture"; (cd "$extra" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1); } >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$out.capture" "$extra" "$root" "$stage"
	echo "$out"
}

# lab_arch_bins_x86_64 ROOT STAGE BUILD: the host's binaries (x86_64 guests): ours as `make install`
# laid them out in STAGE, Debian's kexec as kexec-debian (the peer of the load-time benchmark),
# time, the corrupting test build of kexec (0012), udev (hotplug scenarios), the sampler
lab_arch_bins_x86_64() {
	local root=$1 stage=$2 f
	for f in $(cd "$stage" && find . -type f -perm -u+x | sed 's/^\.//'); do
		lab_copy_bin "$root" "$stage$f" "$f"
	done
	lab_copy_bin "$root" /usr/sbin/kexec /usr/sbin/kexec-debian
	lab_copy_bin "$root" /usr/bin/time /usr/bin/time
	# the test build of our kexec that corrupts a segment after the digest (0012)
	[ -x "$BUILD/tests/tools/kexec-corrupt" ] &&
		lab_copy_bin "$root" "$BUILD/tests/tools/kexec-corrupt" /usr/sbin/kexec-corrupt
	# udev for the hotplug scenarios (our rules come with `make install` once they exist)
	lab_copy_bin "$root" /lib/systemd/systemd-udevd /lib/systemd/systemd-udevd
	lab_copy_bin "$root" /bin/udevadm /bin/udevadm
	mkdir -p "$root/etc/udev/rules.d" "$root/lib/udev/rules.d"
	# our rule: udevd reads /usr/lib/udev/rules.d (on Debian /lib is /usr/lib; not in here)
	mkdir -p "$root/usr/lib/udev/rules.d"
	find "$stage" -name '*.rules' -exec cp {} "$root/usr/lib/udev/rules.d/" \;
	# the sampler of kexec_crash_loaded the hotplug scenarios and benchmarks run
	gcc -static -O2 -o "$root/e2e/crash-loaded-sampler" "$LAB_SRC/guest/crash-loaded-sampler.c"
}

# lab_arch_bins_arm64 ROOT STAGE BUILD: ours cross-built (STAGE), their libraries from the cross
# build's (BUILD) sysroot and Debian's cross libc; busybox's time for /usr/bin/time (-f %M); no
# peer kexec, no udev (no benchmark or hotplug scenario runs on arm64)
lab_arch_bins_arm64() {
	local root=$1 stage=$2 trees=("$3/sysroot" "/usr/$LAB_TRIPLET") f
	for f in $(cd "$stage" && find . -type f -perm -u+x | sed 's/^\.//'); do
		lab_copy_bin_foreign "$root" "$stage$f" "$f" "${trees[@]}" || return 1
	done
	ln -s /bin/busybox "$root/usr/bin/time"
	"$LAB_TRIPLET-gcc" -static -O2 -o "$root/e2e/crash-loaded-sampler" "$LAB_SRC/guest/crash-loaded-sampler.c"
}

# KVM when it works on this machine, TCG otherwise; the answer is cached per machine
lab_accel() {
	local cache="$KX_LAB_CACHE/accel" kver kimg initrd
	case ${KX_LAB_ACCEL:-auto} in kvm | tcg) echo "$KX_LAB_ACCEL"; return ;; esac
	# a guest of another architecture than the host's runs under TCG
	[ "${LAB_ARCH:-x86_64}" = "$(uname -m)" ] || { echo tcg; return; }
	if [ -f "$cache" ]; then cat "$cache"; return; fi
	if [ ! -w /dev/kvm ]; then echo tcg | tee "$cache"; return; fi
	kver=$KVER_612
	kimg=/boot/vmlinuz-$kver
	initrd=$(lab_initramfs "$kver" "$kimg")
	if timeout --foreground -k 5 60 qemu-system-x86_64 -accel kvm -cpu host -smp 1 -m 512M \
		-kernel "$kimg" -initrd "$initrd" -append "console=ttyS0 panic=-1 kx_test=probe" \
		-display none -monitor none -serial stdio -no-reboot -nic none </dev/null 2>&1 |
		grep -q PROBE_OK; then
		echo kvm | tee "$cache"
	else
		echo tcg | tee "$cache"
	fi
}

# lab_boot NAME KVER KIMG "KERNEL ARGS" [extra qemu args…]
#   Env: LAB_MEM (1G), LAB_SMP (2), LAB_DISK (raw image attached as virtio vda), LAB_EARLY (dir of
#   .ko files the capture kernel inserts first), LAB_QMP (socket path: QMP server), LAB_BIOS
#   (firmware image, e.g. OVMF for a UEFI guest), LAB_TCG_OPTS (options of -accel tcg; default
#   thread=single: under multi-threaded TCG the 6.12 guest's own boot died of an int3 oops in
#   sched_clock_cpu, its text patching racing the other vCPU, in 2 of 194 boots, and in 0 of 194
#   single-threaded, at no cost in boot or scenario time (bench/lab-boot-crash.sh); set it empty
#   for multi-threaded TCG).
#   Returns QEMU's status; the serial log is $LAB_LOGS/NAME.log with elapsed seconds per line.
#   A boot that never reaches SCENARIO_BEGIN (the guest's /init prints it before any of our code
#   runs: a crash there is the kernel's own, e.g. 6.12's text patching under multi-threaded TCG) is
#   an infrastructure failure: it is booted once more, its log kept as NAME.boot1.log and the reason
#   appended to $LAB_LOGS/boot-retries (run-e2e.sh prints them).  A second such boot fails as usual.
#   LAB_BREAK_FIRST_BOOT="ARGS" adds kernel arguments to the first attempt only (the lab's own test
#   of the retry, tests/e2e/0015).
lab_boot() {
	local name=$1 kver=$2 kimg=$3 args=$4 rc=0 reason
	shift 4
	lab_boot_once "$name" "$kver" "$kimg" "$args${LAB_BREAK_FIRST_BOOT:+ $LAB_BREAK_FIRST_BOOT}" "$@" || rc=$?
	reason=$(lab_boot_infra_failure "$LAB_LOGS/$name.log") || return "$rc"
	mv "$LAB_LOGS/$name.log" "$LAB_LOGS/$name.boot1.log"
	echo "$name: boot 1 did not reach the scenario ($reason); booted again" >>"$LAB_LOGS/boot-retries"
	rc=0
	lab_boot_once "$name" "$kver" "$kimg" "$args" "$@" || rc=$?
	if reason=$(lab_boot_infra_failure "$LAB_LOGS/$name.log"); then
		echo "$name: boot 2 did not reach the scenario either ($reason); both logs kept" >>"$LAB_LOGS/boot-retries"
	fi
	return "$rc"
}

# lab_boot_infra_failure LOG: true when the guest never reached SCENARIO_BEGIN; prints why (the
# kernel's first oops or panic line, else how QEMU ended)
lab_boot_infra_failure() {
	local log=$1 line
	grep -aq '] SCENARIO_BEGIN ' "$log" && return 1
	line=$(grep -a -m1 -E 'Oops|Kernel panic|BUG:|general protection fault|Triple fault' "$log" |
		sed -E 's/^(\[ *[0-9.]*\] )+//')
	[ -n "$line" ] || line="no scenario start; $(grep -a -o 'QEMU_EXIT rc=[0-9]* .*' "$log" | tail -n 1)"
	echo "$line"
}

# lab_boot_once NAME KVER KIMG "KERNEL ARGS" [extra qemu args…]: one QEMU run
lab_boot_once() {
	local name=$1 kver=$2 kimg=$3 args=$4 initrd accel cpu log t0 rc
	shift 4
	initrd=$(lab_initramfs "$kver" "$kimg" "${LAB_EARLY:-}") || return 1
	accel=$(lab_accel)
	cpu=max
	[ "$accel" = kvm ] && cpu=host
	log="$LAB_LOGS/$name.log"
	local accel_arg=$accel tcg_opts=${LAB_TCG_OPTS-thread=single}
	[ "$accel" = tcg ] && [ -n "$tcg_opts" ] && accel_arg="tcg,$tcg_opts"
	local cmd=("$LAB_QEMU" "${LAB_MACHINE[@]}" -accel "$accel_arg" -cpu "$cpu" -smp "${LAB_SMP:-2}" -m "${LAB_MEM:-1G}"
		-kernel "$kimg" -initrd "$initrd"
		-append "console=$LAB_CONSOLE panic=-1 kx_kexec=$(lab_kexec_in_guest "$initrd") $args"
		-display none -monitor none -serial stdio -no-reboot -nic none)
	[ -n "${LAB_DISK:-}" ] && cmd+=(-drive "file=$LAB_DISK,format=raw,if=virtio,cache=unsafe")
	[ -n "${LAB_QMP:-}" ] && cmd+=(-qmp "unix:$LAB_QMP,server=on,wait=off")
	[ -n "${LAB_BIOS:-}" ] && cmd+=(-bios "$LAB_BIOS")
	cmd+=("$@")
	echo "${cmd[*]}" >"$LAB_LOGS/$name.cmd"
	t0=$EPOCHREALTIME
	set +e
	timeout --foreground -k 5 "${KX_LAB_TIMEOUT:-900}" "${cmd[@]}" </dev/null 2>&1 |
		while IFS= read -r line; do
			printf '[%8.3f] %s\n' "$(bc <<<"$EPOCHREALTIME - $t0")" "${line%$'\r'}"
		done >"$log"
	rc=${PIPESTATUS[0]}
	set -e
	printf 'QEMU_EXIT rc=%s accel=%s wall=%.1f\n' "$rc" "$accel" "$(bc <<<"$EPOCHREALTIME - $t0")" >>"$log"
	return "$rc"
}

# which kexec the initramfs carries (ours or Debian's), as the guest's path
lab_kexec_in_guest() {
	zcat "$1" 2>/dev/null | cpio -i --to-stdout --quiet etc/kx-kexec 2>/dev/null | head -n 1
}

# lab_qmp SOCKET JSON…: send QMP commands after the capabilities handshake; prints the replies
lab_qmp() {
	local sock=$1
	shift
	{ echo '{"execute": "qmp_capabilities"}'; printf '%s\n' "$@"; sleep 2; } |
		socat -t 10 - "UNIX-CONNECT:$sock"
}

# lab_wait_log NAME PATTERN SECONDS: wait until the serial log shows PATTERN
lab_wait_log() {
	local log="$LAB_LOGS/$1.log" i
	for ((i = 0; i < $3 * 5; i++)); do
		grep -aq -- "$2" "$log" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# the saved vmcore of a run: its disk cut to the size the capture kernel reported
lab_vmcore() {
	local name=$1 disk=$2 size
	size=$(grep -ao 'VMCORE_SIZE=[0-9]*' "$LAB_LOGS/$name.log" | tail -n 1 | cut -d= -f2)
	grep -aq VMCORE_SAVED "$LAB_LOGS/$name.log" || return 1
	[ -n "$size" ] || return 1
	truncate -s "$size" "$disk"
	echo "$disk"
}

lab_fail_context() {
	echo "--- last 40 serial lines of $1 (full log: $LAB_LOGS/$1.log) ---"
	tail -n 40 "$LAB_LOGS/$1.log" 2>/dev/null
}

# lab_log_value NAME KEY: the value of KEY=… on the last serial line that has it
lab_log_value() {
	grep -ao "$2=[^ ]*" "$LAB_LOGS/$1.log" | tail -n 1 | cut -d= -f2-
}

# lab_uncovered LOG PREFIX VMCORE|-: every byte of the first kernel's System RAM (PREFIX RAM_RANGE
# lines, inclusive hex) except the crashkernel range(s) and [0, 1 MiB) must lie inside a PT_LOAD of
# VMCORE (or, with -, of the INSIDE_SEG lines the capture kernel printed from /proc/vmcore).
# Prints each part that is not covered ("start-end", hex, end exclusive); fails when any.
lab_uncovered() {
	local log=$1 prefix=$2 vmcore=$3
	{
		grep -a "] ${prefix}RAM_RANGE " "$log" | awk '{ print "R", $(NF-1), $NF }'
		grep -a "] ${prefix}CRASH_RANGE " "$log" | awk '{ print "C", $(NF-1), $NF }'
		if [ "$vmcore" = - ]; then
			grep -a '] INSIDE_SEG ' "$log" | awk '{ print "L", $(NF-1), $NF }'
		else
			"$VMCORE_DD" --segments --raw --noheadings -o PADDR,PEND "$vmcore" | awk '{ print "L", $1, $2 }'
		fi
	} | gawk '
		function h(x) { x = tolower(x); sub(/^0x/, "", x); return strtonum("0x" x) }
		$1 == "R" { n++; rs[n] = h($2); re[n] = h($3) + 1 }
		$1 == "C" { c++; cs[c] = h($2); ce[c] = h($3) + 1 }
		$1 == "L" { l++; ls[l] = h($2); le[l] = h($3) }
		# first byte >= pos not excluded (below 1 MiB or in a crash range)
		function skip_excluded(pos,   k, moved) {
			do {
				moved = 0
				if (pos < 1048576) { pos = 1048576; moved = 1 }
				for (k = 1; k <= c; k++)
					if (pos >= cs[k] && pos < ce[k]) { pos = ce[k]; moved = 1 }
			} while (moved)
			return pos
		}
		END {
			bad = 0
			for (i = 1; i <= n; i++) {
				pos = skip_excluded(rs[i])
				while (pos < re[i]) {
					found = 0
					for (k = 1; k <= l; k++)
						if (pos >= ls[k] && pos < le[k]) { pos = skip_excluded(le[k]); found = 1; break }
					if (!found) {
						# uncovered from pos to the next PT_LOAD start or the range end
						stop = re[i]
						for (k = 1; k <= l; k++) if (ls[k] > pos && ls[k] < stop) stop = ls[k]
						printf "%x-%x\n", pos, stop
						bad = 1
						pos = skip_excluded(stop)
					}
				}
			}
			exit bad
		}'
}

# lab_cycle NAME KVER KIMG "ARGS": one kdump cycle — boot, load, (hot-add a DIMM when ARGS has
# kx_hotplug=1, and remove it again with kx_unplug=1), panic, capture — and the saved vmcore at $LAB_OUT/NAME.vmcore.  QEMU's status is
# returned; the vmcore exists only when the capture kernel saved it.
lab_cycle() {
	local name=$1 kver=$2 kimg=$3 args=$4 disk="$LAB_OUT/$1.vmcore" rc=0 qmp="" pid
	rm -f "$disk" "$LAB_LOGS/$name.log" "$LAB_LOGS/$name.qmp"
	truncate -s "${LAB_DISK_SIZE:-3G}" "$disk"
	if [[ $args == *kx_hotplug=1* ]]; then
		# kx_vmem=1: the memory comes from a virtio-mem device (4 GiB region, nothing plugged
		# at boot) grown to 1 GiB over QMP, instead of a pc-dimm
		local vmem=() grow
		grow=('{"execute": "object-add", "arguments": {"qom-type": "memory-backend-ram", "id": "mem1", "size": 1073741824}}'
		      '{"execute": "device_add", "arguments": {"driver": "pc-dimm", "id": "dimm1", "memdev": "mem1"}}')
		if [[ $args == *kx_vmem=1* ]]; then
			vmem=(-object memory-backend-ram,id=vmem0,size=4G
			      -device virtio-mem-pci,id=vm0,memdev=vmem0,requested-size=0)
			grow=('{"execute": "qom-set", "arguments": {"path": "vm0", "property": "requested-size", "value": 1073741824}}')
		fi
		qmp="$LAB_OUT/$name.qmp.sock"
		rm -f "$qmp"
		LAB_MEM=1G,slots=4,maxmem=8G LAB_DISK=$disk LAB_QMP=$qmp \
			lab_boot "$name" "$kver" "$kimg" "crashkernel=256M kx_test=first $args" "${vmem[@]}" &
		pid=$!
		if lab_wait_log "$name" READY_FOR_HOTPLUG 600; then
			lab_qmp "$qmp" "${grow[@]}" >"$LAB_LOGS/$name.qmp" 2>&1 || true
			if [[ $args == *kx_unplug=1* ]] && lab_wait_log "$name" READY_FOR_UNPLUG 600; then
				lab_qmp "$qmp" '{"execute": "device_del", "arguments": {"id": "dimm1"}}' \
					>>"$LAB_LOGS/$name.qmp" 2>&1 || true
			fi
		fi
		wait "$pid" || rc=$?
	else
		LAB_DISK=$disk lab_boot "$name" "$kver" "$kimg" "crashkernel=256M kx_test=first $args" || rc=$?
	fi
	if ! lab_vmcore "$name" "$disk" >/dev/null; then
		rm -f "$disk"
	fi
	return "$rc"
}

# lab_dd_expected: the device dumps the test module (tests/e2e/ddmod) adds in the capture kernel
# and the kernel keeps, as "NAME SIZE" lines in order: the 44-character name is cut to 43 (strscpy_pad
# keeps a NUL), and the 512 MiB one does not fit in crashkernel=256M, so it is not listed
lab_dd_expected() {
	printf '%s\n' "kxtest-small 4000" "kxtest-1m 1048576" \
		"kxtest-name-exactly-forty-four-chars-long-4 12345" "kxtest-odd 100001"
}

# lab_dd_compare VMCORE DIR: extract VMCORE's device dumps into DIR/got and compare each, byte for
# byte, with the module's pattern (tests/tools/mkvmcore writes the same bytes into DIR/want); prints
# one line per dump, fails on the first difference or a dump missing
lab_dd_compare() {
	local vmcore=$1 dir=$2 args=() name size
	while read -r name size; do args+=("--dd=$name,$size"); done < <(lab_dd_expected)
	rm -rf "$dir/got" "$dir/want" "$dir/expected.core" && mkdir -p "$dir"
	"$MKVMCORE" "${args[@]}" "$dir/expected.core" &&
		"$VMCORE_DD" --extract="$dir/want" "$dir/expected.core" >/dev/null &&
		"$VMCORE_DD" --extract="$dir/got" "$vmcore" >/dev/null || return 1
	while read -r name size; do
		cmp "$dir/want/$name" "$dir/got/$name" || return 1
		echo "$name: $(stat -c %s "$dir/got/$name") bytes extracted, equal to the module's pattern"
	done < <(lab_dd_expected)
	[ "$(ls "$dir/got" | wc -l)" -eq "$(lab_dd_expected | wc -l)" ] ||
		{ echo "extracted $(ls "$dir/got" | wc -l) dumps, expected $(lab_dd_expected | wc -l)"; return 1; }
}

# lab_elapsed NAME: the wall time QEMU ran, from the log
lab_elapsed() {
	grep -ao 'wall=[0-9.]*' "$LAB_LOGS/$1.log" | tail -n 1 | cut -d= -f2
}
