// SPDX-License-Identifier: GPL-2.0
/*
 * rootopts: the options lifeboat chroot mounts a found root with.
 * The applet's file is included whole: unit tests link init/ only.
 */
#include "check.h"

#include "../../applets/rootopts.c" /* NOLINT(bugprone-suspicious-include): unit tests link init/ only */

static const char *opts(const char *subvol, const char *fstab)
{
	static char buf[128];

	return rootopts(subvol, fstab, buf, sizeof(buf)) ? NULL : buf;
}

int main(void)
{
	char small[16];

	CHECK_STR(opts("", ""), "rw");
	CHECK_STR(opts("", "defaults"), "rw");
	CHECK_STR(opts("", "defaults,noatime"), "rw,noatime");
	CHECK_STR(opts("", "ro,errors=remount-ro"), "rw,errors=remount-ro");
	CHECK_STR(opts("", "discard,commit=30,errors=remount-ro"),
		  "rw,discard,commit=30,errors=remount-ro");
	/* Fedora: the subvolume found, its compression kept */
	CHECK_STR(opts("root", "subvol=root,compress=zstd:1"),
		  "rw,subvol=root,compress=zstd:1");
	/* openSUSE: no subvol= in fstab, the default subvolume found */
	CHECK_STR(opts("@/.snapshots/1/snapshot", "defaults"),
		  "rw,subvol=@/.snapshots/1/snapshot");
	/* a snapshot's fstab names the subvolume it was taken of */
	CHECK_STR(opts("@snap", "defaults,subvol=@,subvolid=256,ssd"),
		  "rw,subvol=@snap,ssd");
	/* no subvolume found: fstab's subvol= is not one either */
	CHECK_STR(opts("", "subvol=/@,rw"), "rw");
	/* only whole options are dropped; empty ones go */
	CHECK_STR(opts("", "rootflags,row,,rw,"), "rw,rootflags,row");
	/* a quoted value keeps its commas */
	CHECK_STR(opts("", "context=\"a,b\",ro"), "rw,context=\"a,b\"");
	CHECK(opts("a,b", "") == NULL);
	CHECK(opts("a\"b", "") == NULL);
	CHECK_INT(rootopts("", "noatime", small, sizeof(small)), 0);
	CHECK_STR(small, "rw,noatime");
	CHECK_INT(rootopts("", "noatime,nodiratime", small, sizeof(small)), -1);
	CHECK_INT(rootopts("a-long-subvolume", "", small, sizeof(small)), -1);

	CHECK_STR(rootopts_subvol("/"), "");
	CHECK_STR(rootopts_subvol("/@"), "@");
	CHECK_STR(rootopts_subvol("/@/.snapshots/1/snapshot"),
		  "@/.snapshots/1/snapshot");
	return check_done();
}
