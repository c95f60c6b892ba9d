// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <blkid.h>

#include "crypt.h"
#include "crypttab.h"
#include "disknote.h"
#include "fstab.h"
#include "luks2.h"
#include "ondisk.h"
#include "runcmd.h"
#include "stacks.h"
#include "util.h"

#define CRYPTTAB_MAX 16384

/* 1 when an array or a dm device sits on the block device NAME */
static int held(const char *name)
{
	char holder[64];

	return stacks_holder("", name, holder, sizeof(holder)) == 0;
}

static int skipped(const struct stack *s, const char *dev)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->items[i].kind == UP_SKIP &&
		    !strcmp(s->items[i].dev, dev))
			return 1;
	return 0;
}

/* the LUKS header's version (1, 2), 0 when it cannot be read */
static unsigned int luks_version(const char *dev)
{
	static const uint8_t magic[6] = { 'L', 'U', 'K', 'S', 0xba, 0xbe };
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	uint8_t hdr[8];
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread(fd, hdr, sizeof(hdr), 0);
	(void)close(fd);
	if (n != (ssize_t)sizeof(hdr) || memcmp(hdr, magic, sizeof(magic)))
		return 0;
	return ondisk_be16(hdr + 6);
}

/*
 * 1 when this VM has the RAM the volume's argon2 needs (or it has none),
 * else 0 after saying how much it needs.
 */
static int enough_ram(const char *dev)
{
	unsigned long long need, ram = disknote_ram_kib("");
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	struct ondisk d = { ondisk_fd_read, &fd };
	struct luks2_kdf kdf;
	int rc;

	if (fd < 0)
		return 1;
	rc = luks2_argon2(&d, &kdf);
	(void)close(fd);
	if (rc != 1 || !ram)
		return 1;
	need = luks2_open_mib(&kdf);
	if (ram / 1024 >= need)
		return 1;
	(void)fprintf(stderr,
		      "lifeboat: %s is LUKS2 with %s: it needs %llu MiB of RAM "
		      "to open; this VM has %llu MiB: skipped (give the VM "
		      "more memory)\n",
		      dev, kdf.type, need, ram / 1024);
	return 0;
}

/*
 * cryptsetup open DEV NAME with key (a file) or the passphrase asked; why
 * says what it is for. 1 when opened and recorded, 0 when skipped.
 */
static int open_luks(struct stack *s, const char *dev, const char *name,
		     const char *key, const char *why)
{
	char *argv[7] = { "cryptsetup", "open" }, version[16] = "";
	unsigned int v = luks_version(dev);
	int i = 2;

	if (v)
		(void)snprintf(version, sizeof(version), "%u", v);
	if (!enough_ram(dev)) {
		(void)stack_push(s, UP_SKIP, dev, dev);
		return 0;
	}
	if (key) {
		printf("lifeboat: %s is LUKS%s: opening it as %s%s with the "
		       "key file %s\n",
		       dev, version, name, why, key);
		argv[i++] = "--key-file";
		argv[i++] = (char *)key;
	} else {
		printf("lifeboat: %s is LUKS%s: passphrase to open it as "
		       "%s%s (Ctrl-D skips it)\n",
		       dev, version, name, why);
	}
	argv[i++] = (char *)dev;
	argv[i++] = (char *)name;
	argv[i] = NULL;
	if (run(argv, 0, NULL, 0) != 0) {
		printf("lifeboat: %s not opened: skipped\n", dev);
		(void)stack_push(s, UP_SKIP, dev, dev);
		return 0;
	}
	if (stack_push(s, UP_CRYPT, name, dev) < 0) {
		argv[1] = "close";
		argv[2] = (char *)name;
		argv[3] = NULL;
		(void)run(argv, 0, NULL, 0);
		return 0;
	}
	printf("lifeboat: opened %s as /dev/mapper/%s\n", dev, name);
	return 1;
}

/* the LUKS volume /proc/partitions calls part, when it is to be opened */
static int open_one(struct stack *s, const char *part)
{
	char dev[96], name[160];
	char *type, *uuid;
	int rc = 0;

	if (!strncmp(part, "loop", 4) || !strncmp(part, "ram", 3) ||
	    !strncmp(part, "sr", 2) || held(part) ||
	    findroot_dev_path(part, dev, sizeof(dev)) || skipped(s, dev))
		return 0;
	type = blkid_get_tag_value(NULL, "TYPE", dev);
	uuid = blkid_get_tag_value(NULL, "UUID", dev);
	if (type && uuid && !strcmp(type, "crypto_LUKS") &&
	    path_fmt(name, sizeof(name), "luks-%s", uuid))
		rc = open_luks(s, dev, name, s->key_file, "");
	free(type);
	free(uuid);
	return rc;
}

int crypt_open_all(struct stack *s)
{
	char line[256], part[128];
	FILE *f = fopen("/proc/partitions", "re");
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*u %*u %*u %127s", part) == 1)
			n += open_one(s, part);
	(void)fclose(f);
	return n;
}

int crypt_close(const struct stack_item *it)
{
	char *argv[] = { "cryptsetup", "close", it->name, NULL };

	if (run(argv, 0, NULL, 0)) {
		(void)fprintf(stderr, "lifeboat: could not close %s\n",
			      it->name);
		return -1;
	}
	printf("lifeboat: closed /dev/mapper/%s\n", it->name);
	return 0;
}

/* 1 when crypttab's source names the device dev */
static int same_device(const char *source, const char *dev)
{
	blkid_cache cache = NULL;
	struct stat a, b;
	char *found;
	int same;

	blkid_get_cache(&cache, "/dev/null");
	found = fstab_device(source, &cache);
	same = found && stat(found, &a) == 0 && stat(dev, &b) == 0 &&
	       a.st_rdev == b.st_rdev;
	free(found);
	if (cache)
		blkid_put_cache(cache);
	return same;
}

static void rename_one(struct stack_item *it, const char *name, char *dev,
		       size_t size)
{
	char *argv[] = { "dmsetup", "rename", it->name, (char *)name, NULL };
	char path[300], old[300];
	struct stat st;

	if (!strcmp(it->name, name) ||
	    !path_fmt(path, sizeof(path), "/dev/mapper/%s", name) ||
	    !path_fmt(old, sizeof(old), "/dev/mapper/%s", it->name))
		return;
	if (lstat(path, &st) == 0) {
		printf("lifeboat: /dev/mapper/%s exists: %s stays %s\n", name,
		       it->dev, old);
		return;
	}
	if (run(argv, 0, NULL, 0) != 0) {
		(void)fprintf(stderr, "lifeboat: could not rename %s to %s\n",
			      old, path);
		return;
	}
	printf("lifeboat: %s renamed %s, as the system's /etc/crypttab "
	       "calls it\n",
	       old, path);
	if (!strcmp(dev, old))
		(void)snprintf(dev, size, "%s", path);
	free(it->name);
	it->name = strdup(name);
	if (!it->name)
		it->kind = UP_SKIP; /* left open: we no longer know it */
}

void crypt_rename(struct stack *s, const char *crypttab, char *dev, size_t size)
{
	struct crypttab_entry e;
	const char *p = crypttab;
	int i;

	while (crypttab_next(&p, &e))
		for (i = 0; i < s->n; i++)
			if (s->items[i].kind == UP_CRYPT &&
			    !strncmp(s->items[i].name, "luks-", 5) &&
			    same_device(e.source, s->items[i].dev))
				rename_one(&s->items[i], e.name, dev, size);
}

/* the key for e: its file in root, the --key-file, or NULL (ask) */
static const char *key_for(const struct stack *s, const char *root,
			   const struct crypttab_entry *e, char *buf,
			   size_t size)
{
	if (crypttab_key_is_file(e->key) &&
	    path_join(buf, size, root, e->key) && access(buf, R_OK) == 0)
		return buf;
	return s->key_file;
}

int crypt_open_for(struct stack *s, const char *root, const char *source,
		   const char *target)
{
	static char text[CRYPTTAB_MAX];
	char path[4096], key[4096], why[300];
	struct crypttab_entry e = { 0 };
	blkid_cache cache = NULL;
	const char *p = text, *name;
	char *dev = NULL;
	int rc = 0;

	if (strncmp(source, "/dev/mapper/", 12) ||
	    !path_join(path, sizeof(path), root, "/etc/crypttab") ||
	    read_text(path, text, sizeof(text)) <= 0)
		return 0;
	name = source + 12;
	while (crypttab_next(&p, &e))
		if (!strcmp(e.name, name))
			break;
	if (strcmp(e.name, name) || crypttab_has(e.options, "swap") ||
	    crypttab_has(e.options, "tmp"))
		return 0;
	blkid_get_cache(&cache, "/dev/null");
	dev = fstab_device(e.source, &cache);
	if (!dev)
		printf("lifeboat: crypttab: %s's %s is not present\n", name,
		       e.source);
	else if (held(strrchr(dev, '/') + 1))
		printf("lifeboat: crypttab: %s (%s) is open under another "
		       "name\n",
		       name, dev);
	else if (!skipped(s, dev) &&
		 path_fmt(why, sizeof(why), " (crypttab) for %s", target))
		rc = open_luks(s, dev, name,
			       key_for(s, root, &e, key, sizeof(key)), why);
	free(dev);
	if (cache)
		blkid_put_cache(cache);
	return rc;
}
