// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The purgatory's C side: the parameter block the loader patches, the decision (check.c), the
 * one line on the serial port when the answer is no.  entry.S calls kx_purgatory_main() on the
 * purgatory's own stack with interrupts off; a non-zero return makes it halt for good.
 */
#include <stddef.h>

#include "check.h"

/* The loader finds this through header.params_offset and fills it in its copy of the blob. */
struct kx_purg_params kx_purgatory_params __attribute__((section(".data.params"), used)) = {
	.magic = KX_PURG_PARAMS_MAGIC,
	.serial_port = KX_PURG_SERIAL_DEFAULT,
};

static char message[KX_PURG_MSG_MAX];

int kx_purgatory_main(void);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

#define UART_DLL        0       /* divisor latch, low byte (with DLAB) */
#define UART_DLM        1       /* divisor latch, high byte (with DLAB) */
#define UART_LCR        3       /* line control register */
#define UART_LCR_8N1    0x03
#define UART_LCR_DLAB   0x80    /* divisor latch access */
#define UART_LSR        5       /* line status register */
#define UART_LSR_THRE   0x20    /* transmit holding register empty */
#define UART_SPINS      100000  /* give up waiting on a UART that never drains */

/*
 * Write to a 16550 the first kernel left configured (its console settings stay): wait for the
 * transmit holding register to empty before each byte.  "\n" goes out as "\r\n".
 */
static void serial_write(uint16_t base, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			serial_write(base, "\r");
		for (unsigned spin = 0; spin < UART_SPINS; spin++)
			if (inb((uint16_t)(base + UART_LSR)) & UART_LSR_THRE)
				break;
		outb(base, (uint8_t)*s);
	}
}

/* --serial-baud: 8 data bits, no parity, one stop bit at 115200 / divisor baud. */
static void serial_setup(uint16_t base, uint32_t divisor)
{
	outb((uint16_t)(base + UART_LCR), UART_LCR_DLAB | UART_LCR_8N1);
	outb((uint16_t)(base + UART_DLL), (uint8_t)(divisor & 0xff));
	outb((uint16_t)(base + UART_DLM), (uint8_t)(divisor >> 8));
	outb((uint16_t)(base + UART_LCR), UART_LCR_8N1);
}

int kx_purgatory_main(void)
{
	const struct kx_purg_params *p = &kx_purgatory_params;

	if (kx_purgatory_check(p, message, sizeof(message)) == 0)
		return 0;
	if (p->serial_port && p->serial_divisor)
		serial_setup(p->serial_port, p->serial_divisor);
	if (p->serial_port) {
		serial_write(p->serial_port, "\n");
		serial_write(p->serial_port, message);
		serial_write(p->serial_port, "\n");
	}
	return -1;
}

/* gcc may emit calls to these for struct copies and loops even when freestanding. */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;

	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	return ret;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;

	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
	return ret;
}
