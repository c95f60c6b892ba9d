// SPDX-License-Identifier: GPL-2.0
/*
 * Which fstab entries a chroot gets: what `mount -a` would mount on the
 * installed system, minus what cannot or must not be mounted from here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <blkid.h>
#include <libmount.h>

#include "crypt.h"
#include "devlink.h"
#include "fstab.h"
#include "rootpath.h"
#include "util.h"

/* NULL when the entry is to be mounted, else why it is skipped. */
static const char *skip_reason(struct libmnt_fs *fs)
{
	const char *target = mnt_fs_get_target(fs);

	if (!target || !strcmp(target, "/"))
		return "the root";
	if (mnt_fs_is_swaparea(fs))
		return "swap";
	if (mnt_optstr_get_option(mnt_fs_get_options(fs), "noauto", NULL,
				  NULL) == 0)
		return "noauto";
	if (mnt_fs_is_netfs(fs))
		return "a network filesystem";
	if (mnt_fs_is_pseudofs(fs))
		return "a pseudo filesystem";
	if (!mnt_fs_get_source(fs))
		return "no source";
	return NULL;
}

char *fstab_device(const char *source, blkid_cache *cache)
{
	char link[256];
	struct stat st;

	if (!strncmp(source, "/dev/disk/", 10) && stat(source, &st) < 0 &&
	    devlink_resolve("", source, link, sizeof(link)) == 1)
		source = link;
	if (source[0] == '/') {
		if (stat(source, &st) < 0 || !S_ISBLK(st.st_mode))
			return NULL;
		return strdup(source);
	}
	if (!strchr(source, '='))
		return NULL;
	return blkid_evaluate_tag(source, NULL, cache);
}

int fstab_mount(struct mounts *m, const char *root, dev_t rootdev,
		struct stack *s)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	blkid_cache cache = NULL;
	struct libmnt_fs *fs;
	char path[4096], target[4096];
	const char *why, *src;
	struct stat st;
	int n = 0;

	/* scan the disks, keep no cache file */
	blkid_get_cache(&cache, "/dev/null");
	if (!path_join(path, sizeof(path), root, "/etc/fstab") || !tb || !it ||
	    mnt_table_parse_fstab(tb, path) < 0) {
		printf("lifeboat: no %s/etc/fstab, nothing more to mount\n",
		       root);
		goto out;
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		char *dev;

		src = mnt_fs_get_source(fs);
		why = skip_reason(fs);
		if (why) {
			if (mnt_fs_get_target(fs) && !mnt_fs_is_pseudofs(fs) &&
			    strcmp(mnt_fs_get_target(fs), "/"))
				printf("lifeboat: fstab: skipped %s (%s)\n",
				       mnt_fs_get_target(fs), why);
			continue;
		}
		dev = fstab_device(src, &cache);
		if (!dev &&
		    crypt_open_for(s, root, src, mnt_fs_get_target(fs))) {
			activate_vgs(s);
			dev = fstab_device(src, &cache);
		}
		if (!dev) {
			printf("lifeboat: fstab: skipped %s (%s is not "
			       "present)\n",
			       mnt_fs_get_target(fs), src);
			continue;
		}
		/* the root's device again: the root, unless another subvolume */
		if (stat(dev, &st) == 0 && st.st_rdev == rootdev &&
		    mnt_optstr_get_option(mnt_fs_get_options(fs), "subvol",
					  NULL, NULL) != 0 &&
		    mnt_optstr_get_option(mnt_fs_get_options(fs), "subvolid",
					  NULL, NULL) != 0) {
			free(dev);
			continue;
		}
		why = rootpath_dir(root, mnt_fs_get_target(fs), target,
				   sizeof(target));
		if (why) {
			printf("lifeboat: fstab: skipped %s (%s)\n",
			       mnt_fs_get_target(fs), why);
		} else if (mounts_add(m, dev, target, mnt_fs_get_fstype(fs),
				      mnt_fs_get_options(fs)) == 0) {
			printf("lifeboat: fstab: mounted %s on %s\n", dev,
			       mnt_fs_get_target(fs));
			n++;
		}
		free(dev);
	}
out:
	if (cache)
		blkid_put_cache(cache);
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return n;
}
