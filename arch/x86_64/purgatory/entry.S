/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Purgatory entry.  The kernel's relocate_kernel (arch/x86/kernel/relocate_kernel_64.S) gets
 * here with a `ret` after copying the segments in place: 64-bit long mode, the identity-mapped
 * page tables of the kexec image, RFLAGS zeroed (interrupts off), CR4 = PAE (| LA57 | MCE), so
 * no OSFXSR: any SSE instruction would fault.  RSP is on the kernel's control page and GDTR
 * still holds the first kernel's (virtual, now maybe unmapped) GDT, so we bring our own of
 * both.  Only RIP-relative addressing: the blob runs wherever the loader put it.
 *
 * Then, per the 64-bit boot protocol (Documentation/arch/x86/boot.rst): a GDT with flat 4 GiB
 * __BOOT_CS (0x10, execute/read) and __BOOT_DS (0x18, read/write), CS = 0x10, DS/ES/SS = 0x18,
 * interrupts off, RSI = boot_params, jump to the kernel's 64-bit entry.
 */
#include "params.h"

#define BOOT_CS 0x10
#define BOOT_DS 0x18
#define STACK_SIZE 4096

	.section .header, "a"
	.globl kx_purgatory_header
kx_purgatory_header:                     /* struct kx_purg_header */
	.long KX_PURG_MAGIC
	.short KX_PURG_VERSION
	.short KX_PURG_HEADER_SIZE
	.long kx_purgatory_entry - kx_purgatory_header
	.long kx_purgatory_params - kx_purgatory_header
	.long KX_PURG_PARAMS_SIZE
	.long kx_purgatory_check - kx_purgatory_header
	.long kx_purgatory_end - kx_purgatory_header
	.long 0
	.if . - kx_purgatory_header - KX_PURG_HEADER_SIZE
	.error "struct kx_purg_header and entry.S differ"
	.endif

	.text
	.globl kx_purgatory_entry
kx_purgatory_entry:
	cli
	cld
	leaq	stack_top(%rip), %rsp
	call	kx_purgatory_main
	testl	%eax, %eax
	jnz	halt

	/* our GDT; its address is known only now */
	leaq	gdt(%rip), %rax
	movq	%rax, gdt_base(%rip)
	lgdt	gdt_desc(%rip)

	/* CS = __BOOT_CS: far return to the next instruction */
	leaq	1f(%rip), %rax
	pushq	$BOOT_CS
	pushq	%rax
	lretq
1:
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	movq	kx_purgatory_params + KX_PURG_PARAMS_BOOT_PARAMS(%rip), %rsi
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	jmp	*kx_purgatory_params + KX_PURG_PARAMS_KERNEL_ENTRY(%rip)

halt:
	cli
	hlt
	jmp	halt

	/* descriptors with the accessed bit already set: loading a selector writes nothing here */
	.section .rodata.gdt, "a"
	.balign 16
gdt:
	.quad 0                         /* null */
	.quad 0                         /* 0x08 unused */
	.quad 0x00af9b000000ffff        /* 0x10 __BOOT_CS: P, DPL 0, code exec/read, L, G, limit 4 GiB */
	.quad 0x00cf93000000ffff        /* 0x18 __BOOT_DS: P, DPL 0, data read/write, D/B, G, 4 GiB */
gdt_end:

	.section .data.gdt, "aw"
	.balign 16
	.short 0, 0, 0                  /* so that the 8-byte base below is aligned */
gdt_desc:
	.short gdt_end - gdt - 1
gdt_base:
	.quad 0

	/* inside the blob (progbits), so the loaded size is the file size */
	.section .data.stack, "aw"
	.balign 16
	.fill STACK_SIZE, 1, 0
stack_top:

	.section .note.GNU-stack, "", @progbits
