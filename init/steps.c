// SPDX-License-Identifier: GPL-2.0
#include "steps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "disks.h"
#include "disktable.h"
#include "log.h"
#include "netcfg.h"
#include "settle.h"
#include "util.h"

#define NET_SCRIPT "/usr/libexec/lifeboat/net-up"
#define SSH_SCRIPT "/usr/libexec/lifeboat/ssh-boot"
#define NET_FILE LB_RUN_DIR "/net"

/*
 * Run a helper in the background, in its own session, with no terminal: the
 * prompt never waits for it and PID 1 reaps it like any orphan.
 */
int spawn_background(const char *root, const char *path)
{
	char full[256];
	pid_t pid;

	if (!path_join(full, sizeof(full), root, path) ||
	    access(full, X_OK) < 0) {
		lb_warn("cannot run %s: %s", path, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		lb_warn("cannot start %s: %s", path, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		child_reset();
		setsid();
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(full, path, (char *)NULL);
		_exit(111);
	}
	lb_info("started %s (pid %d)", path, (int)pid);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* readonly: every disk but the medium at sdh read-only at the block layer. */
static int set_readonly(const char *root, const struct disk *d)
{
	char path[256];
	int fd, on = 1, rc;

	if (!path_fmt(path, sizeof(path), "%s/dev/%.31s", root, d->name)) {
		lb_warn("readonly: cannot open %s/dev/%.31s: %s", root, d->name,
			strerror(errno));
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		lb_warn("readonly: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	rc = ioctl(fd, BLKROSET, &on);
	if (rc < 0)
		lb_warn("readonly: cannot set %s read-only: %s", path,
			strerror(errno));
	close(fd);
	return rc;
}

int step_disks(struct lb_context *ctx)
{
	struct boot_state *st = &ctx->state;
	int64_t start = now_ms();
	static struct settle settle;
	int64_t named, settled;
	int pending, n;

	/*
	 * The kernel has usually named every disk before /init runs; a slow
	 * controller gets a short, bounded wait, never a fixed sleep. Looked
	 * at every 2 ms: each look is a few sysfs reads, and the prompt waits
	 * for the last disk, so half a long nap is lost on average.
	 */
	while ((pending = disks_pending(ctx->root)) > 0 &&
	       now_ms() - start < DISK_WAIT_MS)
		sleep_ms(2);
	if (pending > 0)
		lb_warn("%d disk(s) still not ready after %d ms; going on",
			pending, DISK_WAIT_MS);
	named = now_ms();
	disks_read_medium_id(ctx->root, st->medium_id, sizeof(st->medium_id));
	/*
	 * The partition tables, read by the kernel meanwhile (settle.h): the
	 * children wait for them while sysfs is read, which reads no disk and
	 * so cannot hold PID 1 up; then the partitions that are there now.
	 */
	disks_settle_start(ctx->root, &settle);
	n = disks_scan_whole(ctx->root, st->disks, MAX_DISKS);
	(void)disks_settle_wait(&settle, st->disks, n, SETTLE_WAIT_MS);
	disks_scan_parts(ctx->root, st->disks, n);
	settled = now_ms();
	for (int i = 0; i < n; i++)
		lb_info("disk %s slot %d, %llu bytes", st->disks[i].name,
			st->disks[i].slot, st->disks[i].bytes);
	st->disk_count = n;
	lb_info("disks: %d found in %lld ms (named %lld, partition tables "
		"%lld)",
		n, (long long)(now_ms() - start), (long long)(named - start),
		(long long)(settled - named));
	return 0;
}

/* What the table's probe found the medium to be, in the log. */
static void log_medium(const struct boot_state *st)
{
	for (int i = 0; i < st->disk_count; i++) {
		const struct disk *d = &st->disks[i];

		if (d->flags & DISK_MEDIUM)
			lb_info("disk %s is the medium", d->name);
		if (d->flags & DISK_FOREIGN_7)
			lb_info("disk %s is in the medium's slot, not the "
				"medium",
				d->name);
		if ((d->flags & DISK_MEDIUM) && d->slot != MEDIUM_SLOT)
			lb_warn("the Lifeboat medium is %s, not sdh: its slot "
				"name is in use by the machine's disks",
				d->name);
	}
}

/*
 * readonly: every disk but the medium in its own slot. The label is public
 * and a customer's disk may carry a copy of the ISO; a disk at sdh whose
 * probe did not answer is not known to be the medium, so it is set too.
 */
static int apply_readonly(struct lb_context *ctx)
{
	struct boot_state *st = &ctx->state;
	int rc = 0;

	for (int i = 0; i < st->disk_count; i++) {
		struct disk *d = &st->disks[i];

		if ((d->flags & DISK_MEDIUM) && d->slot == MEDIUM_SLOT)
			continue;
		if (set_readonly(ctx->root, d) < 0)
			rc = -1;
		else
			d->flags |= DISK_READONLY;
	}
	lb_info("disks set read-only%s", rc ? ", not all" : "");
	return rc;
}

/*
 * The banner's table: one bounded probe of every disk, in children, which
 * also finds the medium by its label; then readonly, so that the table
 * says which disks it set.
 */
int step_disk_table(struct lb_context *ctx)
{
	struct boot_state *st = &ctx->state;
	int64_t start = now_ms();
	int rc = 0;

	st->row_count = disktable_collect(ctx->root, st->disks, st->disk_count,
					  st->rows, DISKTABLE_ROWS_MAX);
	st->row_count = disktable_fill(ctx->root, st->rows, st->row_count, 1,
				       st->medium_id);
	disktable_mark_medium(st->disks, st->disk_count, st->rows,
			      st->row_count, st->medium_id);
	log_medium(st);
	if (ctx->opts.readonly) {
		rc = apply_readonly(ctx);
		disktable_flags(st->disks, st->rows, st->row_count);
	}
	free(st->disk_table);
	st->disk_table = disktable_text(st->rows, st->row_count);
	lb_info("disk table probed in %lld ms", (long long)(now_ms() - start));
	return rc;
}

/*
 * The banner's network line, for n interfaces of which first is the first;
 * cut, it still says what the network does.
 */
static void network_line(char *buf, size_t size, const struct net_config *c,
			 const char *first, int n)
{
	const char *dev = c->device[0] ? c->device : first;

	if (c->mode == NET_OFF)
		(void)snprintf(buf, size, "Network: off (ip=off)");
	else if (n == 0)
		(void)snprintf(buf, size,
			       "Network: none (no network interface found)");
	else if (c->mode == NET_STATIC)
		(void)snprintf(buf, size, "Network: %s/%d on %s", c->address,
			       c->prefix, dev);
	else
		(void)snprintf(buf, size,
			       "Network: DHCP on %s%s (the address is shown "
			       "when it arrives)",
			       dev, !c->device[0] && n > 1 ? " and more" : "");
}

int step_network(struct lb_context *ctx)
{
	struct boot_state *st = &ctx->state;
	struct net_config c;
	char err[160], path[256], ifaces[NETCFG_IFACES_MAX][NETCFG_NAME_SIZE];
	int n;

	if (netcfg_parse(ctx->opts.ip, &c, err, sizeof(err)) < 0)
		lb_warn("%s; using DHCP", err);
	if (!path_join(path, sizeof(path), ctx->root, NET_FILE) ||
	    netcfg_write(&c, path) < 0)
		lb_warn("cannot write " NET_FILE ": %s", strerror(errno));
	n = netcfg_interfaces(ctx->root, ifaces, NETCFG_IFACES_MAX);
	network_line(st->network, sizeof(st->network), &c, n ? ifaces[0] : "",
		     n);
	lb_info("%s", st->network);
	/* loopback and nameserver= need the script even without a NIC */
	return spawn_background(ctx->root, NET_SCRIPT);
}

int step_ssh(struct lb_context *ctx)
{
	const struct lb_options *o = &ctx->opts;

	if (!o->sshd && !o->passwd[0] && !o->ssh_key_count)
		return 0;
	return spawn_background(ctx->root, SSH_SCRIPT);
}
