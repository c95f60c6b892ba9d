// SPDX-License-Identifier: GPL-2.0
/*
 * lifeboat chroot DISK [COMMAND...]: the rescue guide's chroot sequence in
 * one step. Mount the root read-write on /media/DISK, then proc, sys (and
 * efivarfs under UEFI), dev (bind), dev/pts, a tmpfs on /run, DNS, and the
 * system's own fstab entries;
 * run its shell; on exit unmount exactly what was mounted, last first, root
 * included, so that e2fsck finds the disk clean.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <blkid.h>

#include "crypt.h"
#include "devlinks.h"
#include "diskarg.h"
#include "findroot.h"
#include "fstab.h"
#include "lifeboat.h"
#include "mounts.h"
#include "osrelease.h"
#include "rootpath.h"
#include "util.h"

/* the API filesystems: mount point, source, type, options */
static const char *const api_mounts[][4] = {
	{ "/proc", "proc", "proc", "nosuid,nodev,noexec" },
	{ "/sys", "sysfs", "sysfs", "nosuid,nodev,noexec" },
	{ "/dev", "/dev", NULL, "bind" },
	{ "/dev/pts", "devpts", "devpts", "gid=5,mode=620,ptmxmode=666" },
	{ "/run", "tmpfs", "tmpfs", "nosuid,nodev,mode=755" },
};

#define EFIVARS "/sys/firmware/efi/efivars"

static int chroot_usage(void)
{
	(void)fprintf(stderr,
		      "usage: lifeboat chroot [--key-file FILE] DISK "
		      "[COMMAND...]   (DISK: sda, /dev/sda, sdc1, /dev/md0, "
		      "/dev/rl/root, /dev/mapper/rl-root)\n"
		      "       lifeboat chroot [--key-file FILE] [--root N "
		      "[COMMAND...]]   (find the installed system; the Nth "
		      "if several)\n"
		      "  --key-file FILE  opens LUKS volumes with FILE "
		      "instead of asking their passphrase\n");
	return EXIT_USAGE;
}

static int looks_like_linux(const char *root)
{
	static const char *const need[] = { "etc", "bin", "usr" };
	char path[256];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (!path_fmt(path, sizeof(path), "%s/%s", root, need[i]) ||
		    lstat(path, &st) < 0)
			return 0;
	}
	return 1;
}

static int copy_file(const char *from, const char *to)
{
	char buf[4096];
	FILE *in = fopen(from, "re"), *out;
	size_t n;
	int rc = 0;

	if (!in)
		return -1;
	out = fopen(to, "we");
	/* in is only read: closing it cannot lose anything */
	if (!out) {
		(void)fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (ferror(in))
		rc = -1;
	(void)fclose(in);
	return fclose(out) || rc ? -1 : 0;
}

/* mkdir -p of the directories of ROOT + PATH, PATH under /run only */
static int mkdirs_in_run(const char *root, const char *path)
{
	char buf[4096];
	char *p;

	if (!path_join(buf, sizeof(buf), root, path))
		return -1;
	for (p = buf + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

static int mounted_here(const struct mounts *m, const char *root,
			const char *path)
{
	char target[4096];
	int i;

	if (!path_join(target, sizeof(target), root, path))
		return 0;
	for (i = 0; i < m->n; i++)
		if (!strcmp(m->targets[i], target))
			return 1;
	return 0;
}

#define RUN "/run/"

/* Drop prefix from path when what follows it is under /run; 1 if done. */
static int drop_prefix(char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(path, prefix, n) || strncmp(path + n, RUN, strlen(RUN)))
		return 0;
	memmove(path, path + n, strlen(path + n) + 1);
	return 1;
}

/*
 * DNS inside the chroot. A regular file gets the rescue system's
 * resolv.conf bound over it (the disk is not written). A symlink into /run
 * (systemd-resolved, resolvconf) dangles here; its target is written into
 * the tmpfs on /run, so again nothing lands on the disk. Anything else is
 * left alone, with a note.
 */
static void setup_dns(struct mounts *m, const char *root)
{
	char path[4096], link[2048], target[4096];
	struct stat st;
	ssize_t n;

	if (stat("/etc/resolv.conf", &st) < 0) {
		printf("lifeboat: no network DNS here (no /etc/resolv.conf); "
		       "the chroot keeps its own\n");
		return;
	}
	if (!path_join(path, sizeof(path), root, "/etc/resolv.conf"))
		goto left_alone;
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		mounts_add(m, "/etc/resolv.conf", path, NULL, "bind");
		return;
	}
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0)
		link[n] = '\0';
	if (n > 0 && path_join(target, sizeof(target),
			       link[0] == '/' ? "" : "/etc/", link)) {
		/* ../run/x from /etc and /var/run/x mean /run/x */
		if (!drop_prefix(target, "/etc/.."))
			drop_prefix(target, "/var");
		if (!strncmp(target, RUN, strlen(RUN)) &&
		    !strstr(target, "/..") && mounted_here(m, root, "/run") &&
		    mkdirs_in_run(root, target) == 0 &&
		    path_join(path, sizeof(path), root, target) &&
		    copy_file("/etc/resolv.conf", path) == 0)
			return;
	}
left_alone:
	printf("lifeboat: /etc/resolv.conf on the disk is neither a file nor "
	       "a link into /run; DNS may not work in the chroot\n");
}

/*
 * Booted by UEFI, the firmware's variables (efivarfs) too: grub-install
 * registers its boot entry with efibootmgr, which fails without them, and
 * the chroot's new sysfs has only their empty mount point. Booted by BIOS
 * there is no such directory and nothing to say. Not mounted is no reason
 * to stop: everything else in the chroot still works.
 */
static void mount_efivars(struct mounts *m, const char *root)
{
	char target[4096];

	if (rootpath_dir(root, EFIVARS, target, sizeof(target)))
		return;
	if (mounts_add(m, "efivarfs", target, "efivarfs",
		       "nosuid,nodev,noexec") < 0)
		printf("lifeboat: no EFI variables in the chroot: "
		       "grub-install and efibootmgr cannot set boot entries\n");
}

static int mount_api(struct mounts *m, const char *root)
{
	char target[4096];
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(api_mounts) / sizeof(api_mounts[0]); i++) {
		why = rootpath_dir(root, api_mounts[i][0], target,
				   sizeof(target));
		if (why) {
			printf("lifeboat: not mounting %s (%s)\n",
			       api_mounts[i][0], why);
			continue;
		}
		if (mounts_add(m, api_mounts[i][1], target, api_mounts[i][2],
			       api_mounts[i][3]) < 0)
			return -1;
	}
	mount_efivars(m, root);
	return 0;
}

static void child(const char *root, char **cmd)
{
	static const char *const shells[] = { "/bin/bash", "/bin/sh" };
	char *argv[2];
	size_t i;

	/* signal() fails only for a bad signal number */
	(void)signal(SIGINT, SIG_DFL);
	(void)signal(SIGQUIT, SIG_DFL);
	(void)signal(SIGHUP, SIG_DFL);
	if (chroot(root) < 0 || chdir("/") < 0) {
		(void)fprintf(stderr, "lifeboat: cannot chroot to %s: %s\n",
			      root, strerror(errno));
		_exit(EXIT_SYSTEM);
	}
	setenv("PATH",
	       "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	       1);
	setenv("HOME", "/root", 1);
	if (cmd[0]) {
		execvp(cmd[0], cmd);
		(void)fprintf(stderr,
			      "lifeboat: cannot run %s in the chroot: %s\n",
			      cmd[0], strerror(errno));
		_exit(127);
	}
	for (i = 0; i < sizeof(shells) / sizeof(shells[0]); i++) {
		argv[0] = (char *)shells[i];
		argv[1] = NULL;
		setenv("SHELL", shells[i], 1);
		execv(shells[i], argv);
	}
	(void)fprintf(
		stderr,
		"lifeboat: no shell in the chroot (/bin/bash, /bin/sh)\n");
	_exit(127);
}

static int run_in(const char *root, char **cmd)
{
	int status;
	pid_t pid;

	/* the shell gets ^C and hangups; we stay to unmount after it */
	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGQUIT, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);
	/* so the child does not print our buffers again; main checks stdout */
	(void)fflush(NULL);
	pid = fork();
	if (pid < 0) {
		(void)fprintf(stderr, "lifeboat: fork: %s\n", strerror(errno));
		return EXIT_SYSTEM;
	}
	if (pid == 0)
		child(root, cmd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_SYSTEM;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* the host's check of DEV's filesystem, for the last message */
static const char *fsck_for(const char *dev)
{
	char *type = blkid_get_tag_value(NULL, "TYPE", dev);
	const char *fsck = "e2fsck -f";

	if (type && !strcmp(type, "xfs"))
		fsck = "xfs_repair -n";
	else if (type && !strcmp(type, "btrfs"))
		fsck = "btrfs check";
	free(type);
	return fsck;
}

/*
 * The chroot on d (mounted with options): its exit status, EXIT_* after a
 * message, or -1 when something is left mounted (busy).
 */
static int enter(struct mounts *m, struct devlinks *links, struct stack *st,
		 const struct diskarg *d, const char *options, char **cmd)
{
	char os[128];
	int rc;

	if (mounts_add(m, d->dev, d->media, NULL, options) < 0)
		return EXIT_JOB;
	if (!looks_like_linux(d->media)) {
		(void)fprintf(
			stderr,
			"lifeboat: %s does not hold a Linux root filesystem "
			"(no /etc, /bin, /usr); lifeboat disks shows the "
			"others\n",
			d->dev);
		mounts_undo(m);
		return EXIT_JOB;
	}
	if (mount_api(m, d->media) < 0) {
		mounts_undo(m);
		return EXIT_SYSTEM;
	}
	setup_dns(m, d->media);
	devlinks_make(links);
	fstab_mount(m, d->media, d->devno, st);
	if (osrelease_name(d->media, os, sizeof(os)) == 0)
		printf("lifeboat: %s holds %s\n", d->dev, os);
	printf("lifeboat: %s is the root at %s; exit to leave and unmount\n",
	       d->dev, d->media);
	rc = run_in(d->media, cmd);
	if (mounts_undo(m)) {
		devlinks_undo(links);
		(void)fprintf(
			stderr,
			"lifeboat: something under %s is still busy (a program "
			"started in the chroot?); end it, then lifeboat umount "
			"%s\n",
			d->media, d->name);
		return -1;
	}
	devlinks_undo(links);
	printf("lifeboat: %s unmounted, clean for %s %s\n", d->dev,
	       fsck_for(d->dev), d->dev);
	return rc;
}

/* the options before DISK or COMMAND; argv's index after them, or -1 */
static int chroot_options(int argc, char **argv, int *want, struct stack *st)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--root") && i + 1 < argc &&
		    (*want = atoi(argv[i + 1])) >= 1) {
			i += 2;
		} else if (!strcmp(argv[i], "--key-file") && i + 1 < argc) {
			st->key_file = argv[i + 1];
			i += 2;
		} else
			return -1;
	}
	if (st->key_file && access(st->key_file, R_OK) < 0) {
		(void)fprintf(stderr,
			      "lifeboat: cannot read the key file %s: %s\n",
			      st->key_file, strerror(errno));
		return -1;
	}
	return i;
}

int cmd_chroot(int argc, char **argv)
{
	struct devlinks links = { 0 };
	struct mounts m = { 0 };
	static struct stack st;
	static struct found_root found;
	const char *options = "rw";
	struct diskarg d;
	char **cmd;
	int rc, want = 0, i = chroot_options(argc, argv, &want, &st);

	if (i < 0)
		return chroot_usage();
	if (i >= argc || want) {
		/* argv[argc] is NULL: no command */
		cmd = argv + i;
		stack_up(&st);
		rc = findroot(want, &found);
		if (!rc) {
			crypt_rename(&st, found.crypttab, found.dev,
				     sizeof(found.dev));
			rc = diskarg_prepare(found.dev, &d);
		}
		if (rc) {
			stack_down(&st);
			return rc;
		}
		options = found.options;
	} else {
		cmd = argv + i + 1;
		rc = diskarg_prepare(argv[i], &d);
		if (rc)
			return rc;
	}
	rc = enter(&m, &links, &st, &d, options, cmd);
	/* under a busy mount the volumes stay up: it needs them */
	if (rc >= 0)
		stack_down(&st);
	else if (stack_busy(&st))
		(void)fprintf(stderr, "lifeboat: the LVs, LUKS mappings and "
				      "arrays it brought up stay active\n");
	return rc < 0 ? EXIT_JOB : rc;
}
