// SPDX-License-Identifier: GPL-2.0
/*
 * The build's check of a mimalloc object (build/components/mimalloc.sh): every
 * aligned allocation call returns memory aligned as asked. xfsprogs opens
 * disks with O_DIRECT and reads into memalign(512, 512) buffers; mimalloc
 * 2.0.9 gave 128-aligned ones, and a disk that wants 512-aligned memory for
 * direct I/O (virtio-blk, Xen) then fails every such read with EINVAL.
 *   mimalloc-check   (linked with the object) exits 0, or 1 naming a call
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 64

static int bad(const char *call, size_t align, size_t size, const void *p)
{
	fprintf(stderr,
		"mimalloc-check: %s(%zu, %zu) gave %p, not %zu-aligned\n", call,
		align, size, p, align);
	return 1;
}

/* ROUNDS blocks of one alignment and size from each call, half freed early */
static int check(size_t align, size_t size)
{
	void *held[3 * ROUNDS];
	int n = 0, rc = 0;

	for (int i = 0; i < ROUNDS && !rc; i++) {
		void *m = memalign(align, size),
		     *a = aligned_alloc(align, size);
		void *p = NULL;

		if (posix_memalign(&p, align, size) || !m || !a) {
			fprintf(stderr,
				"mimalloc-check: no memory for (%zu, %zu)\n",
				align, size);
			rc = 1;
		} else if ((uintptr_t)m % align) {
			rc = bad("memalign", align, size, m);
		} else if ((uintptr_t)a % align) {
			rc = bad("aligned_alloc", align, size, a);
		} else if ((uintptr_t)p % align) {
			rc = bad("posix_memalign", align, size, p);
		} else {
			memset(m, 0xa5, size);
			memset(a, 0x5a, size);
			memset(p, 0x3c, size);
		}
		held[n++] = m;
		held[n++] = a;
		held[n++] = p;
		if (i % 2) {
			free(held[--n]);
			free(held[--n]);
		}
	}
	while (n > 0)
		free(held[--n]);
	return rc;
}

int main(void)
{
	for (size_t align = sizeof(void *); align <= 65536; align *= 2) {
		const size_t sizes[] = { 1,	    align / 2 + 1, align,
					 align + 8, 2 * align,	   3 * align };

		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			if (check(align, sizes[i]))
				return 1;
	}
	puts("mimalloc-check: every aligned allocation was aligned");
	return 0;
}
