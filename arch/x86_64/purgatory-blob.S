/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory blob (arch/x86_64/purgatory/, built by arch/purgatory.mk) as read-only data of
 * the loader.  The path is relative to the build directory, where make runs the assembler.
 */
	.section .rodata.kx_purgatory, "a"
	.balign 16
	.globl kx_x86_purgatory_blob
	.type kx_x86_purgatory_blob, @object
kx_x86_purgatory_blob:
	.incbin "arch/x86_64/purgatory/purgatory.bin"
	.globl kx_x86_purgatory_blob_end
kx_x86_purgatory_blob_end:
	.size kx_x86_purgatory_blob, kx_x86_purgatory_blob_end - kx_x86_purgatory_blob

	.section .note.GNU-stack, "", @progbits
