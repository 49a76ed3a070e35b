/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_VMCORE_DMESG_H
#define KX_VMCORE_DMESG_H
/* vmcore-dmesg: dmesg-main.c parses the command line and runs the walk, dmesg-print.c formats. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "printk.h"

struct dmesg_opts {
	const char *vmcore;
	const char *output;             /* -o FILE, or NULL for standard output */
	bool seq, level, caller, json, force;
	bool since_set;
	uint64_t since;
};

struct dmesg_out {
	FILE *fp;
	const struct dmesg_opts *o;
	bool compat;                    /* no option changes the output: kexec-tools' exact form */
	bool tty;                       /* a terminal: legacy bytes are escaped too */
	struct kx_json json;
	char *line;                     /* one formatted record */
	uint64_t printed;
};

/* line is allocated here (fixed size); -ENOMEM */
int dmesg_out_init(struct dmesg_out *out, FILE *fp, const struct dmesg_opts *o);
void dmesg_out_free(struct dmesg_out *out);

/* JSON: the top object, "vmcore", "format" and the open "records" list. */
void dmesg_out_begin(struct dmesg_out *out, const char *vmcore, enum kx_printk_format f);
void dmesg_out_record(struct dmesg_out *out, const struct kx_printk_record *rec);
/* JSON: close the list, add "error" when err records one, close the object. */
void dmesg_out_end(struct dmesg_out *out, const struct kx_err *err);

#endif
