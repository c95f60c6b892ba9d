// SPDX-License-Identifier: GPL-2.0
/*
 * lifeboat: the rescue helper. One subcommand per job; exits 0, 1 (the job
 * failed), 100 (usage) or 111 (system error).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "disks.h"
#include "disktable.h"
#include "lifeboat.h"
#include "util.h"

static const char *root = "";

static int cmd_disks(bool json)
{
	char id[MEDIUM_ID_SIZE];

	disks_read_medium_id(root, id, sizeof(id));
	if (json)
		disktable_print_json(stdout, root, id);
	else
		disktable_print(stdout, root, id);
	return 0;
}

static int usage(FILE *out)
{
	(void)fprintf(
		out,
		"usage: lifeboat [COMMAND]\n"
		"  lifeboat                      getting started\n"
		"  lifeboat disks [--json]       the disk table\n"
		"  lifeboat mount DISK [--rw]    mount on /media/DISK, "
		"read-only unless --rw\n"
		"  lifeboat umount DISK          unmount it\n"
		"  lifeboat chroot DISK [CMD]    enter the installed system "
		"(root, proc, sys,\n"
		"                                dev, its fstab), unmount "
		"all on exit\n"
		"  lifeboat chroot [--root N]    find the installed system "
		"(LVM, md, btrfs),\n"
		"                                ask which when several\n"
		"  lifeboat net [--json]         interfaces, addresses, "
		"routes, DNS\n"
		"DISK: sda, /dev/sda, sdc1, /dev/md0, /dev/rl/root, "
		"/dev/mapper/rl-root\n");
	return out == stderr ? EXIT_USAGE : 0;
}

static int cmd_guide(void)
{
	printf("Lifeboat: getting started\n\n"
	       "  lifeboat disks                 which disk is which\n"
	       "  e2fsck -f /dev/sda             check and repair (not "
	       "mounted)\n"
	       "  lifeboat mount sda             look at files: /media/sda, "
	       "read-only\n"
	       "  lifeboat mount sda --rw        ... to change them; "
	       "lifeboat umount sda\n"
	       "  lifeboat chroot sda            enter the installed system "
	       "(passwd,\n"
	       "                                 grub-install, apt...); "
	       "exit to leave\n"
	       "  passwd; service ssh start      copy files off with "
	       "ssh/scp/sftp\n"
	       "  poweroff                       when done\n\n"
	       "A failing disk (ioerr, ? or no-answer in the table): copy it "
	       "first, then repair\n"
	       "the copy, never the original: ddrescue /dev/sda /dev/sdb "
	       "sda.map (another disk),\n"
	       "or to a file on a mounted disk; over SSH: "
	       "ssh root@HOST 'dd if=/dev/sda' > sda.img\n\n"
	       "A provider's guide works as written: mount -o barrier=0 "
	       "/dev/sda /media/sda,\n"
	       "chroot /media/sda /bin/bash; so do mkfs.ext4, mkfs.vfat, "
	       "mkswap, resize2fs, dd.\n"
	       "lifeboat --help lists the commands.\n\n");
	return cmd_disks(false);
}

static int run(int argc, char **argv)
{
	if (argc < 2)
		return cmd_guide();
	if (!strcmp(argv[1], "disks") && argc == 2)
		return cmd_disks(false);
	if (!strcmp(argv[1], "disks") && argc == 3 &&
	    !strcmp(argv[2], "--json"))
		return cmd_disks(true);
	if (!strcmp(argv[1], "mount"))
		return cmd_mount(argc - 1, argv + 1);
	if (!strcmp(argv[1], "umount"))
		return cmd_umount(argc - 1, argv + 1);
	if (!strcmp(argv[1], "chroot"))
		return cmd_chroot(argc - 1, argv + 1);
	if (!strcmp(argv[1], "net"))
		return cmd_net(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return usage(stdout);
	(void)fprintf(stderr, "lifeboat: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}

/*
 * What the commands print on stdout (the table, the guide) is their output:
 * a write that failed (a full disk, say) fails the command, checked
 * once here rather than at every printf.
 */
int main(int argc, char **argv)
{
	int rc = run(argc, argv);
	int err = fflush(stdout) ? errno : 0;

	if (err || ferror(stdout)) {
		/* an earlier failed write leaves no errno to trust */
		(void)fprintf(stderr,
			      "lifeboat: cannot write to standard output%s%s\n",
			      err ? ": " : "", err ? strerror(err) : "");
		return EXIT_SYSTEM;
	}
	return rc;
}
