# shellcheck shell=bash
# LAB_INITRAMFS_HOOK for the virtio-mem scenarios (tests/e2e/0020): the virtio_mem driver (and
# what it needs) in the archive, loaded after the virtio-blk modules, in both kernels: the first
# kernel plugs and onlines the memory; the capture kernel's driver keeps unplugged parts of the
# device out of /proc/vmcore reads (its kdump mode).

initramfs_hook_key() {
	echo virtio_mem
}

# initramfs_hook ROOT KVER
initramfs_hook() {
	lab_virtio_modules "$1" "$2" "" virtio_mem
	grep -qx 'virtio_mem.ko' "$1/lib/modules/load-order" || {
		echo "initramfs-virtio-mem: no virtio_mem module for $2" >&2
		return 1
	}
}
