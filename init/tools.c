// SPDX-License-Identifier: GPL-2.0
#include "tools.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define TOOLS_MISSING \
	"lvm, mdadm, cryptsetup, xfs and btrfs tools and the kernel modules"

int tools_mount(const char *root, const struct sys_ops *ops)
{
	char image[PATH_MAX], target[PATH_MAX], dev[64];
	int fd, rc;

	if (!path_join(image, sizeof(image), root, TOOLS_IMAGE) ||
	    !path_join(target, sizeof(target), root, TOOLS_MOUNT)) {
		lb_warn("path too long under %s: " TOOLS_IMAGE, root);
		return -1;
	}
	if (access(image, R_OK) < 0) {
		lb_warn("no tools image " TOOLS_IMAGE
			": %s; missing: " TOOLS_MISSING,
			strerror(errno));
		return -1;
	}
	fd = ops->loop_attach(image, dev, sizeof(dev));
	if (fd < 0) {
		lb_warn("cannot attach " TOOLS_IMAGE " to a loop device: %s; "
			"missing: " TOOLS_MISSING,
			strerror(errno));
		return -1;
	}
	rc = ops->mount(dev, target, "squashfs",
			MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
	if (rc < 0)
		lb_warn("cannot mount the tools image " TOOLS_IMAGE
			" (%s) on " TOOLS_MOUNT ": %s; missing: " TOOLS_MISSING,
			dev, strerror(errno));
	else
		lb_info("mounted " TOOLS_IMAGE " (%s) on " TOOLS_MOUNT, dev);
	/* the mount holds the loop device; a failed one lets it go (autoclear) */
	close(fd);
	return rc;
}
