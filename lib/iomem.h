/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_IOMEM_H
#define KX_IOMEM_H
/*
 * /proc/iomem as a tree.  Each line is "<2*depth spaces><start>-<end> : <name>" with hex
 * addresses, inclusive end (kernel/resource.c r_show).  Children follow their parent, one level
 * deeper; "System RAM" may sit at any depth (virtio-mem and dax kmem add it under their device),
 * "Crash kernel" and "Kernel code" sit inside System RAM.
 *
 * Pure: parses a buffer.  Malformed input is -EBADMSG with the line number in the message and the
 * byte offset of the line in err.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* More lines than any machine has (a 64 TiB virtio-mem guest has ~500k memory blocks). */
#define KX_IOMEM_MAX_NODES (1u << 20)
/* The kernel shows at most 5 levels (MAX_IORES_LEVEL); allow some more, not unbounded. */
#define KX_IOMEM_MAX_DEPTH 16

struct kx_iomem_node {
	uint64_t start, end;    /* inclusive */
	const char *name;       /* NUL-terminated, inside kx_iomem.text */
	unsigned depth;         /* 0 for top-level resources */
	int parent;             /* node index, -1 at depth 0 */
	unsigned line;          /* 1-based line number, for messages */
};

struct kx_iomem {
	struct kx_iomem_node *nodes;
	size_t n;
	char *text;             /* private copy of the input; names point into it */
	bool hidden;            /* every address reads 0: the reader lacked CAP_SYS_ADMIN */
};

int kx_iomem_parse(const char *buf, size_t len, struct kx_iomem *ret, struct kx_err *err);
void kx_iomem_free(struct kx_iomem *m);

/* "System RAM", and the driver-managed kinds "System RAM (kmem)", "System RAM (virtio_mem)". */
bool kx_iomem_is_system_ram(const struct kx_iomem_node *n);

#endif
