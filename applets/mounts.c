// SPDX-License-Identifier: GPL-2.0
/*
 * libmount contexts without helpers (/sbin/mount.TYPE belongs to whichever
 * system is around) and without utab: nothing is written but the mount.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmount.h>

#include "mounts.h"

static struct libmnt_context *new_context(void)
{
	struct libmnt_context *cxt = mnt_new_context();

	if (cxt) {
		mnt_context_disable_helpers(cxt, 1);
		mnt_context_disable_mtab(cxt, 1);
	}
	return cxt;
}

/*
 * op (mount or umount) on cxt when it was set up (ready), then free it:
 * 0, or why it failed in why (left as it was when it never ran).
 */
static int run_context(struct libmnt_context *cxt, bool ready,
		       int (*op)(struct libmnt_context *), char *why,
		       size_t len)
{
	int rc = -1;

	if (ready) {
		rc = op(cxt);
		if (rc)
			mnt_context_get_excode(cxt, rc, why, len);
	}
	mnt_free_context(cxt);
	return rc;
}

int mounts_add(struct mounts *m, const char *source, const char *target,
	       const char *fstype, const char *options)
{
	struct libmnt_context *cxt;
	char why[256] = "out of memory";
	int rc;

	if (m->n >= MOUNTS_MAX) {
		(void)fprintf(stderr,
			      "lifeboat: too many mounts, not mounting %s\n",
			      target);
		return -1;
	}
	cxt = new_context();
	rc = run_context(
		cxt,
		cxt && !mnt_context_set_source(cxt, source) &&
			!mnt_context_set_target(cxt, target) &&
			(!fstype || !mnt_context_set_fstype(cxt, fstype)) &&
			(!options || !mnt_context_set_options(cxt, options)),
		mnt_context_mount, why, sizeof(why));
	if (rc) {
		(void)fprintf(stderr, "lifeboat: cannot mount %s on %s: %s\n",
			      source, target, why);
		return -1;
	}
	m->targets[m->n] = strdup(target);
	if (!m->targets[m->n]) {
		mount_undo(target);
		return -1;
	}
	m->n++;
	return 0;
}

int mount_undo(const char *target)
{
	struct libmnt_context *cxt = new_context();
	char why[256] = "out of memory";
	int rc = run_context(cxt, cxt && !mnt_context_set_target(cxt, target),
			     mnt_context_umount, why, sizeof(why));

	if (rc) {
		(void)fprintf(stderr, "lifeboat: cannot unmount %s: %s\n",
			      target, why);
		return -1;
	}
	return 0;
}

int mounts_undo(struct mounts *m)
{
	int left = 0;

	while (m->n > 0) {
		m->n--;
		if (mount_undo(m->targets[m->n]) < 0)
			left++;
		free(m->targets[m->n]);
		m->targets[m->n] = NULL;
	}
	return left;
}
