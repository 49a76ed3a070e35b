// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The real purgatory blob run on a CPU (through KVM, skipped where /dev/kvm is unusable) in
 * the state the kernel's relocate_kernel leaves: 64-bit long mode, identity-mapped page
 * tables, CR4 = PAE only (no OSFXSR: an SSE instruction would fault, and with no IDT the VM
 * would shut down), interrupts off, and a GDTR pointing at memory that holds no GDT.  The
 * "kernel" is one hlt instruction; the serial port is emulated here.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "x86_64/purgatory.h"
#include "x86_64/purgatory/params.h"
#include "x86_64/purgatory/sha256.h"

#define MEM_SIZE      (4u << 20)        /* guest RAM, identity mapped with 2 MiB pages */
#define PML4          0x1000
#define PDPT          0x2000
#define PD            0x3000
#define BOOT_PARAMS   0x7000
#define CONTROL_PAGE  0x9000            /* the kernel's stack at entry: top of this page */
#define KERNEL_ENTRY  0x100200
#define PURGATORY     0x201000          /* where "the loader" put the blob */
#define SEGMENT       0x300000          /* one loaded segment the purgatory verifies */
#define SEGMENT_LEN   0x23456

struct vm {
	int kvm, fd, cpu;
	unsigned char *mem;
	struct kvm_run *run;
	size_t run_size;
	char serial[1024];
	size_t nserial;
};

static int vm_open(struct vm *v)
{
	struct kvm_userspace_memory_region region = { 0 };

	memset(v, 0, sizeof(*v));
	v->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v->kvm < 0)
		return -errno;
	v->fd = ioctl(v->kvm, KVM_CREATE_VM, 0);
	if (v->fd < 0)
		return -errno;
	v->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->mem == MAP_FAILED)
		return -errno;
	region.memory_size = MEM_SIZE;
	region.userspace_addr = (uintptr_t)v->mem;
	if (ioctl(v->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return -errno;
	v->cpu = ioctl(v->fd, KVM_CREATE_VCPU, 0);
	if (v->cpu < 0)
		return -errno;
	v->run_size = (size_t)ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->cpu, 0);
	if (v->run == MAP_FAILED)
		return -errno;
	return 0;
}

static void vm_close(struct vm *v)
{
	if (v->run && v->run != MAP_FAILED)
		munmap(v->run, v->run_size);
	if (v->mem && v->mem != MAP_FAILED)
		munmap(v->mem, MEM_SIZE);
	if (v->cpu > 0)
		close(v->cpu);
	if (v->fd > 0)
		close(v->fd);
	if (v->kvm > 0)
		close(v->kvm);
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Long mode as relocate_kernel leaves it, the GDT the segment registers came from gone.  The
 * selectors differ from the boot protocol's (the kernel's own are 0x10 and 0 / 0x18) so that
 * the test sees the purgatory load every one of them. */
static void vm_long_mode(struct vm *v, uint64_t rip)
{
	struct kvm_sregs s;
	struct kvm_regs r = { 0 };
	struct kvm_segment code = { .base = 0, .limit = 0xffffffff, .selector = 0x08,
				    .type = 11, .present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1,
				    .g = 1 };
	struct kvm_segment data = code;

	put64(v->mem + PML4, PDPT | 3);
	put64(v->mem + PDPT, PD | 3);
	put64(v->mem + PD, 0x000000 | 0x83);            /* 2 MiB pages: P | RW | PS */
	put64(v->mem + PD + 8, 0x200000 | 0x83);
	assert_int_equal(ioctl(v->cpu, KVM_GET_SREGS, &s), 0);
	s.cr3 = PML4;
	s.cr4 = 1u << 5;                                /* PAE, no OSFXSR/OSXMMEXCPT */
	s.cr0 = 0x80000011;                             /* PG | ET | PE */
	s.efer = 0x500;                                 /* LME | LMA */
	data.type = 3, data.l = 0, data.db = 1, data.selector = 0;
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.gdt.base = 0x3ff000;                          /* zeros: no usable descriptor */
	s.gdt.limit = 0x7f;
	s.idt.base = 0, s.idt.limit = 0;                /* any exception shuts the VM down */
	assert_int_equal(ioctl(v->cpu, KVM_SET_SREGS, &s), 0);
	r.rip = rip;
	r.rsp = CONTROL_PAGE + 4096 - 16;
	r.rflags = 2;                                   /* IF clear */
	r.rax = r.rbx = r.rcx = r.rdx = r.rdi = r.rbp = 0x5555aaaa5555aaaaull;
	r.r8 = r.r9 = r.r10 = r.r11 = r.r12 = r.r13 = r.r14 = r.r15 = 0x5555aaaa5555aaaaull;
	assert_int_equal(ioctl(v->cpu, KVM_SET_REGS, &r), 0);
}

/* Run until hlt; a 16550 at 0x3f8 whose transmitter is always empty. Returns the exit. */
static int vm_run(struct vm *v)
{
	for (int exits = 0; exits < 100000; exits++) {
		if (ioctl(v->cpu, KVM_RUN, 0) < 0)
			return -errno;
		if (v->run->exit_reason != KVM_EXIT_IO)
			return (int)v->run->exit_reason;
		unsigned char *data = (unsigned char *)v->run + v->run->io.data_offset;

		if (v->run->io.direction == KVM_EXIT_IO_IN)
			*data = v->run->io.port == 0x3f8 + 5 ? 0x20 : 0xff;
		else if (v->run->io.port == 0x3f8 && v->nserial + 1 < sizeof(v->serial))
			v->serial[v->nserial++] = (char)*data;
	}
	return -ETIME;
}

/* The blob at PURGATORY, patched for a kernel at KERNEL_ENTRY and the segment at SEGMENT. */
static uint64_t load(struct vm *v, bool verify)
{
	const void *blob;
	size_t size;
	uint64_t memsz, entry;
	struct kx_err err;
	struct kx_purgatory_region seg = { SEGMENT, SEGMENT_LEN, v->mem + SEGMENT };
	struct kx_purgatory_setup s = { .kernel_entry = KERNEL_ENTRY, .boot_params = BOOT_PARAMS,
					.regions = &seg, .nr_regions = 1, .verify = verify,
					.serial_port = KX_PURG_SERIAL_DEFAULT };

	for (size_t i = 0; i < SEGMENT_LEN; i++)
		v->mem[SEGMENT + i] = (unsigned char)(i * 13 + (i >> 11));
	v->mem[KERNEL_ENTRY] = 0xf4;                    /* the "kernel": hlt */
	assert_int_equal(kx_x86_purgatory_image(&blob, &size, &memsz), 0);
	memcpy(v->mem + PURGATORY, blob, size);
	kx_err_clear(&err);
	assert_int_equal(kx_x86_purgatory_patch(v->mem + PURGATORY, size, &s, &entry, &err), 0);
	return PURGATORY + entry;
}

static bool kvm_usable(struct vm *v)
{
	int r = vm_open(v);

	if (r < 0) {
		vm_close(v);
		return false;
	}
	return true;
}

static void boots_the_kernel_by_the_64_bit_protocol(void **state)
{
	struct vm v;
	struct kvm_regs r;
	struct kvm_sregs s;
	const struct kx_purg_header *h;

	(void)state;
	if (!kvm_usable(&v))
		skip();
	vm_long_mode(&v, load(&v, true));
	assert_int_equal(vm_run(&v), KVM_EXIT_HLT);
	assert_int_equal(v.nserial, 0);
	assert_int_equal(ioctl(v.cpu, KVM_GET_REGS, &r), 0);
	assert_int_equal(ioctl(v.cpu, KVM_GET_SREGS, &s), 0);
	assert_int_equal(r.rip, KERNEL_ENTRY + 1);     /* stopped at the kernel's hlt */
	assert_int_equal(r.rsi, BOOT_PARAMS);
	assert_int_equal(r.rax | r.rbx | r.rcx | r.rdx | r.rdi | r.rbp, 0);
	assert_int_equal(r.r8 | r.r9 | r.r10 | r.r11 | r.r12 | r.r13 | r.r14 | r.r15, 0);
	assert_int_equal(r.rflags & 0x200, 0);          /* interrupts off */
	assert_int_equal(s.cs.selector, 0x10);
	assert_int_equal(s.cs.l, 1);
	assert_int_equal(s.cs.type & 0xa, 0xa);         /* code, readable */
	assert_int_equal(s.ds.selector, 0x18);
	assert_int_equal(s.es.selector, 0x18);
	assert_int_equal(s.ss.selector, 0x18);
	assert_int_equal(s.fs.selector, 0x18);
	assert_int_equal(s.gs.selector, 0x18);
	assert_int_equal(s.ds.type & 0xa, 0x2);         /* data, writable */
	assert_int_equal(s.ds.limit, 0xffffffff);
	assert_int_equal(s.ds.base, 0);
	/* its own GDT, inside the blob, at the address it was loaded to */
	h = (const void *)(v.mem + PURGATORY);
	assert_true(s.gdt.base > PURGATORY && s.gdt.base < PURGATORY + h->memsz);
	assert_int_equal(s.gdt.limit, 4 * 8 - 1);
	assert_memory_equal(v.mem + s.gdt.base + 0x10, "\xff\xff\0\0\0\x9b\xaf\0", 8);
	assert_memory_equal(v.mem + s.gdt.base + 0x18, "\xff\xff\0\0\0\x93\xcf\0", 8);
	vm_close(&v);
}

static void halts_with_one_serial_line_when_a_segment_changed(void **state)
{
	struct vm v;
	struct kvm_regs r;
	uint8_t want[32], got[32];
	char line[400], ehex[65], ghex[65];
	const struct kx_purg_header *h;

	(void)state;
	if (!kvm_usable(&v))
		skip();
	vm_long_mode(&v, load(&v, true));
	kx_sha256(v.mem + SEGMENT, SEGMENT_LEN, want);
	v.mem[SEGMENT + 0x12345] ^= 0x80;               /* memory corrupted after the load */
	kx_sha256(v.mem + SEGMENT, SEGMENT_LEN, got);
	for (int i = 0; i < 32; i++) {
		snprintf(ehex + 2 * i, 3, "%02x", want[i]);
		snprintf(ghex + 2 * i, 3, "%02x", got[i]);
	}
	snprintf(line, sizeof(line), "\r\nkexec-ext purgatory: segment digest mismatch (region 0 "
		 "of 1 at 0x300000 size 0x23456, expected %s, got %s); not starting the loaded "
		 "kernel\r\n", ehex, ghex);
	assert_int_equal(vm_run(&v), KVM_EXIT_HLT);
	v.serial[v.nserial] = '\0';
	assert_string_equal(v.serial, line);
	assert_int_equal(ioctl(v.cpu, KVM_GET_REGS, &r), 0);
	h = (const void *)(v.mem + PURGATORY);
	assert_true(r.rip > PURGATORY && r.rip < PURGATORY + h->memsz);  /* halted in purgatory */
	/* and it stays halted: running again hits the same hlt loop, never the kernel */
	assert_int_equal(vm_run(&v), KVM_EXIT_HLT);
	assert_int_equal(ioctl(v.cpu, KVM_GET_REGS, &r), 0);
	assert_true(r.rip > PURGATORY && r.rip < PURGATORY + h->memsz);
	vm_close(&v);
}

static void boots_without_looking_when_verify_is_off(void **state)
{
	struct vm v;
	struct kvm_regs r;

	(void)state;
	if (!kvm_usable(&v))
		skip();
	vm_long_mode(&v, load(&v, false));
	v.mem[SEGMENT] ^= 1;
	assert_int_equal(vm_run(&v), KVM_EXIT_HLT);
	assert_int_equal(ioctl(v.cpu, KVM_GET_REGS, &r), 0);
	assert_int_equal(r.rip, KERNEL_ENTRY + 1);
	assert_int_equal(v.nserial, 0);
	vm_close(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boots_the_kernel_by_the_64_bit_protocol),
		cmocka_unit_test(halts_with_one_serial_line_when_a_segment_changed),
		cmocka_unit_test(boots_without_looking_when_verify_is_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
