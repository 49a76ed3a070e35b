/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_CLEANUP_H
#define KX_CLEANUP_H
/*
 * Scope-bound release: a variable declared _cleanup_free_ is freed, _cleanup_close_ closed,
 * _cleanup_fclose_ closed, when it goes out of scope, on every return path.  `return
 * kx_steal_ptr(&p)` hands a pointer out of the scope instead.  Types with their own release
 * (struct udev, Elf) declare a release function next to their use and say _cleanup_(fn).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(fn) __attribute__((cleanup(fn)))

static inline void kx_freep(void *p)
{
	free(*(void **)p);
}

static inline void kx_closep(const int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void kx_fclosep(FILE **fp)
{
	if (*fp)
		fclose(*fp);
}

#define _cleanup_free_   _cleanup_(kx_freep)
#define _cleanup_close_  _cleanup_(kx_closep)
#define _cleanup_fclose_ _cleanup_(kx_fclosep)

/* The pointer, and NULL left behind so that the cleanup frees nothing. */
static inline void *kx_steal_ptr(void *pp)
{
	void **p = pp, *v = *p;

	*p = NULL;
	return v;
}

#endif
