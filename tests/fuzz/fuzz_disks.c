/*
 * What the kernel says about a disk under /sys/block/sda: size, model (no
 * longer read; the input keeps its shape),
 * the SCSI VPD page 0x80 (binary: the serial), the device link's address;
 * then the disk table made of it. The input is "size\nmodel\nhctl\n" and
 * the rest is the VPD page.
 */
#include "disks.h"
#include "disktable.h"
#include "fuzz.h"
#include "util.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

/* A harness that cannot build its paths tests nothing: stop. */
static void path_of(char *buf, size_t size, const char *rel)
{
	if (!path_fmt(buf, size, "%s/%s", root, rel))
		abort();
}

static void put(const char *rel, const void *data, size_t len)
{
	char path[160];
	FILE *f;

	path_of(path, sizeof(path), rel);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		abort();
}

static void cleanup(void)
{
	static const char *const rel[] = {
		"sys/block/sda/device", "sys/block/sda/size",
		"sys/block/sda/ro",	"dev/hctl/vpd_pg80",
		"dev/hctl/model",	"sys/class/scsi_host/host0/proc_name",
	};
	static const char *const dirs[] = {
		"dev/hctl",
		"dev",
		"sys/block/sda",
		"sys/block",
		"sys/class/scsi_host/host0",
		"sys/class/scsi_host",
		"sys/class",
		"sys",
		"proc/self",
		"proc",
		"",
	};
	char path[160];

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		path_of(path, sizeof(path), rel[i]);
		unlink(path);
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		path_of(path, sizeof(path), dirs[i]);
		rmdir(path);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const dirs[] = {
		"",
		"sys",
		"sys/block",
		"sys/block/sda",
		"sys/class",
		"sys/class/scsi_host",
		"sys/class/scsi_host/host0",
		"dev",
		"dev/hctl",
		"proc",
		"proc/self",
	};
	char path[160];
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	if (!path_fmt(root, sizeof(root), "%s/lifeboat-fuzz-disks.%d",
		      access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm",
		      (int)getpid()))
		abort();
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		path_of(path, sizeof(path), dirs[i]);
		mkdir(path, 0700);
	}
	put("sys/class/scsi_host/host0/proc_name", "virtio_scsi", 11);
	put("sys/block/sda/ro", "0\n", 2);
	(void)atexit(cleanup); /* without it, only a temp dir is left */
	return 0;
}

/* The next '\n'-ended field of the input; the rest if there is none. */
static const uint8_t *field(const uint8_t **p, const uint8_t *end, size_t *len)
{
	const uint8_t *start = *p;
	const uint8_t *nl = memchr(start, '\n', (size_t)(end - start));

	*len = (size_t)((nl ? nl : end) - start);
	*p = nl ? nl + 1 : end;
	return start;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct disk disks[MAX_DISKS];
	static struct disk_row rows[64];
	const uint8_t *p = data, *end = data + size, *f;
	char link[160], target[200], dev[120], file[140];
	const uint8_t *model;
	size_t len, model_len;
	int n, r;
	bool named;
	FILE *out;

	f = field(&p, end, &len);
	put("sys/block/sda/size", f, len);
	model = field(&p, end, &model_len);
	f = field(&p, end, &len);
	if (len > 100)
		len = 100;
	/* the device directory, named by the address: "<root>/dev/<hctl>" */
	if (!len || memchr(f, '/', len) || memchr(f, '\0', len) ||
	    (len <= 2 && f[0] == '.'))
		named = path_fmt(dev, sizeof(dev), "dev/hctl");
	else
		named = path_fmt(dev, sizeof(dev), "dev/%.*s", (int)len,
				 (const char *)f);
	if (!named)
		abort();
	path_of(target, sizeof(target), dev);
	mkdir(target, 0700);
	path_of(link, sizeof(link), "sys/block/sda/device");
	unlink(link);
	if (symlink(target, link) < 0)
		abort();
	if (!path_fmt(file, sizeof(file), "%s/model", dev))
		abort();
	put(file, model, model_len);
	if (!path_fmt(file, sizeof(file), "%s/vpd_pg80", dev))
		abort();
	put(file, p, (size_t)(end - p));

	n = disks_scan(root, disks, MAX_DISKS);
	if (n < 0 || n > 1)
		abort();
	for (int i = 0; i < n; i++) {
		FUZZ_TERMINATED(disks[i].serial);
		if (disks[i].slot < -1 || disks[i].slot >= DISK_SLOTS)
			abort();
	}
	r = disktable_collect(root, disks, n, rows, 64);
	/* with a medium id: the disk may sit in the medium's slot */
	r = disktable_fill(root, rows, r, 0, "LIFEBOAT_0123ABCD");
	out = fopen("/dev/null", "w");
	if (!out)
		abort();
	disktable_format(out, rows, r);
	(void)fclose(out); /* /dev/null: only the formatting is tested */
	if (strcmp(dev, "dev/hctl")) {
		if (!path_fmt(file, sizeof(file), "%s/model", dev))
			abort();
		path_of(target, sizeof(target), file);
		unlink(target);
		if (!path_fmt(file, sizeof(file), "%s/vpd_pg80", dev))
			abort();
		path_of(target, sizeof(target), file);
		unlink(target);
		path_of(target, sizeof(target), dev);
		rmdir(target);
	}
	return 0;
}
