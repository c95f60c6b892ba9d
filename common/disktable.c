// SPDX-License-Identifier: GPL-2.0
#include "disktable.h"
#include "format.h"
#include "osrelease.h"
#include "procmounts.h"
#include "util.h"
#include "warn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Where mounts (a /proc/self/mounts) says /dev/NAME is mounted. */
static void mountpoint_in(FILE *mounts, const char *name, char *buf, size_t len)
{
	char line[1024], dev[PATH_MAX], src[512], field[512], dir[512];

	buf[0] = '\0';
	/* a cut device name could match another disk's mounts: not mounted */
	if (!path_join(dev, sizeof(dev), "/dev/", name))
		return;
	while (fgets(line, sizeof(line), mounts)) {
		if (sscanf(line, "%511s %511s", src, field) != 2)
			continue;
		if (strcmp(src, dev))
			continue;
		/* shown unescaped; the field fits dir whole */
		(void)mounts_unescape(dir, sizeof(dir), field, strlen(field));
		if (buf[0]) {
			/* more than one place: say so, keep the first */
			size_t l = strlen(buf);

			if (l + 2 < len)
				copy_text(buf + l, len - l, ",+");
			break;
		}
		copy_text(buf, len, dir);
	}
}

static FILE *open_mounts(const char *root)
{
	char path[PATH_MAX];

	if (!path_join(path, sizeof(path), root, "/proc/self/mounts"))
		return NULL;
	return fopen(path, "re");
}

void disktable_mountpoint(const char *root, const char *name, char *buf,
			  size_t len)
{
	FILE *f = open_mounts(root);

	buf[0] = '\0';
	if (!f)
		return;
	mountpoint_in(f, name, buf, len);
	(void)fclose(f); /* read only: nothing to lose */
}

struct mounts_copy {
	char *text;
	size_t len;
};

/*
 * One copy of ROOT/proc/self/mounts for every row's look-ups, the probes'
 * children's too: under QEMU TCG each open and read of it costs about a
 * millisecond. NULL (each look-up reads the file) when it cannot be made.
 */
static FILE *mounts_copy(const char *root, struct mounts_copy *c)
{
	FILE *in = open_mounts(root), *out;
	char buf[4096];
	size_t n;
	bool failed;

	c->text = NULL;
	c->len = 0;
	if (!in)
		return NULL;
	out = open_memstream(&c->text, &c->len);
	if (!out) {
		(void)fclose(in);
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		(void)fwrite(buf, 1, n, out);
	failed = ferror(in) || ferror(out);
	(void)fclose(in);
	if (fclose(out) || failed || !c->len) {
		free(c->text);
		c->text = NULL;
		return NULL;
	}
	return fmemopen(c->text, c->len, "r");
}

static void flags_text(const struct disk *d, char *buf, size_t len)
{
	buf[0] = '\0';
	if (d->flags & DISK_MEDIUM)
		strncat(buf, "lifeboat-medium ", len - strlen(buf) - 1);
	if (d->flags & DISK_FOREIGN_7)
		strncat(buf, "not-the-medium ", len - strlen(buf) - 1);
	if (d->flags & DISK_READONLY)
		strncat(buf, "read-only ", len - strlen(buf) - 1);
	if (d->flags & DISK_EMPTY)
		strncat(buf, "empty ", len - strlen(buf) - 1);
	if (d->flags & DISK_NO_ANSWER)
		strncat(buf, "no-answer ", len - strlen(buf) - 1);
	if (d->ioerrs) {
		char n[32];

		(void)snprintf(n, sizeof(n), "ioerr:%lu ", d->ioerrs);
		strncat(buf, n, len - strlen(buf) - 1);
	}
	if (d->bus == BUS_VIRTIO_BLK)
		strncat(buf, "virtio-blk ", len - strlen(buf) - 1);
	/* a disk off the slots says which controller it is on */
	if (d->bus != BUS_VIRTIO_BLK && d->bus != BUS_VIRTIO_SCSI &&
	    d->controller[0]) {
		strncat(buf, d->controller, len - strlen(buf) - 1);
		strncat(buf, " ", len - strlen(buf) - 1);
	} else if ((d->flags & DISK_NOT_SLOT) && d->bus != BUS_VIRTIO_BLK) {
		strncat(buf, "no-slot ", len - strlen(buf) - 1);
	}
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
}

/* A disk or partition row without its filesystem fields. */
static struct disk_row *new_row(struct disk_row *row, const char *name)
{
	memset(row, 0, sizeof(*row));
	copy_text(row->name, sizeof(row->name), name);
	copy_text(row->dev, sizeof(row->dev), name);
	row->slot = -1;
	return row;
}

static int stack_rows(const char *root, struct disk_row *rows, int max)
{
	static struct stack_dev s[STACKS_MAX];
	int i, n = stacks_scan(root, s, STACKS_MAX);

	for (i = 0; i < n && i < max; i++) {
		struct disk_row *row = new_row(&rows[i], s[i].name);

		copy_text(row->dev, sizeof(row->dev), s[i].dev);
		if (s[i].dm_name[0])
			cut_fmt(row->alias[0], sizeof(row->alias[0]),
				"mapper/%s", s[i].dm_name);
		if (s[i].kind == STACK_LV)
			copy_text(row->alias[1], sizeof(row->alias[1]),
				  s[i].name);
		copy_text(row->state, sizeof(row->state), s[i].note);
		row->stack = 1;
		row->disk = -1;
		row->bytes = s[i].bytes;
	}
	return i;
}

/* A partition's size in sectors; 0 when sysfs does not say. */
static unsigned long long part_sectors(const char *root, const char *disk,
				       const char *part)
{
	char path[PATH_MAX], buf[64];
	unsigned long long sectors;

	if (!path_fmt(path, sizeof(path), "%s/sys/block/%s/%s/size", root, disk,
		      part) ||
	    read_text(path, buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%llu", &sectors) != 1)
		return 0;
	return sectors;
}

int disktable_collect(const char *root, const struct disk *disks, int n,
		      struct disk_row *rows, int max)
{
	int i, p, r = 0;

	for (i = 0; i < n && r < max; i++) {
		const struct disk *d = &disks[i];
		struct disk_row *row = new_row(&rows[r++], d->name);

		row->disk = i;
		row->slot = d->slot;
		row->bytes = d->bytes;
		copy_text(row->serial, sizeof(row->serial), d->serial);
		flags_text(d, row->flags, sizeof(row->flags));
		row->no_answer = !!(d->flags & DISK_NO_ANSWER);
		for (p = 0; p < d->nparts && r < max; p++) {
			row = new_row(&rows[r++], d->parts[p]);
			row->disk = i;
			row->is_part = 1;
			row->no_answer = !!(d->flags & DISK_NO_ANSWER);
			row->bytes = part_sectors(root, d->name, d->parts[p]) *
				     512ULL;
		}
	}
	return r + stack_rows(root, rows + r, max - r);
}

/*
 * An empty disk has nothing to probe; a partition is probed whatever it says;
 * a disk that did not answer /init's wait would only hold its prober up.
 */
static int wants_probe(const struct disk_row *row)
{
	return (row->is_part || row->bytes) && !row->no_answer;
}

/*
 * One child a row, all at once: the probes wait on disk reads, and a disk's
 * page cache is dropped when its last reader closes it, so doing them side
 * by side, once, is what keeps the banner quick. PID 1 runs this, so it
 * never waits on a disk itself: a row whose child cannot be started, fails
 * or is still reading after PROBE_WAIT_MS shows type "?" (the child is
 * killed and reaped later with the other orphans).
 */
#define PROBE_WAIT_MS 3000

static void unknown(struct disk_row *row)
{
	memset(&row->fs, 0, sizeof(row->fs));
	copy_text(row->fs.type, sizeof(row->fs.type), "?");
}

/* Not probed: its disk's reads stall. */
static void no_answer(struct disk_row *row)
{
	unknown(row);
	copy_text(row->fs.note, sizeof(row->fs.note),
		  "does not answer: reads stall (see lifeboat, failing disks)");
}

/*
 * A stack is mounted by any of its names: /dev/dm-0, /dev/mapper/rl-root.
 * From mounts, the copy, when there is one.
 */
static void mountpoint_of(const char *root, FILE *mounts,
			  const struct disk_row *row, char *m, size_t len)
{
	const char *names[] = { row->dev, row->alias[0], row->alias[1] };

	m[0] = '\0';
	for (size_t a = 0; !m[0] && a < ARRAY_SIZE(names); a++) {
		if (!names[a][0])
			continue;
		if (!mounts) {
			disktable_mountpoint(root, names[a], m, len);
			continue;
		}
		rewind(mounts);
		mountpoint_in(mounts, names[a], m, len);
	}
}

/*
 * The system a mounted row holds, from its os-release where it is mounted
 * (the first place, when several): read in the probe's child, as a disk
 * that does not answer holds up whoever reads it.
 */
static void row_os(const char *root, FILE *mounts, const struct disk_row *row,
		   struct disk_fs *fs)
{
	char m[sizeof(fs->mounted)], dir[PATH_MAX], *more;

	fs->os[0] = '\0';
	mountpoint_of(root, mounts, row, m, sizeof(m));
	more = strstr(m, ",+");
	if (more)
		*more = '\0';
	if (m[0] && path_join(dir, sizeof(dir), root, m))
		(void)osrelease_name(dir, fs->os, sizeof(fs->os));
}

/* What a row holds: its filesystem, and once mounted its system. */
static void probe_row(const char *root, FILE *mounts,
		      const struct disk_row *row, struct disk_fs *fs)
{
	disktable_probe(root, row->dev, fs);
	row_os(root, mounts, row, fs);
}

/* A child probing row's device, its answer on the returned pipe; -1: none. */
static int probe_start(const char *root, FILE *mounts,
		       const struct disk_row *row, pid_t *pid)
{
	int p[2];

	*pid = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	*pid = fork();
	if (*pid == 0) {
		struct disk_fs fs;

		close(p[0]);
		/* PID 1's OOM shield and blocked signals are not for it */
		(void)child_reset();
		probe_row(root, mounts, row, &fs);
		_exit(write(p[1], &fs, sizeof(fs)) == sizeof(fs) ? 0 : 1);
	}
	close(p[1]);
	if (*pid < 0) {
		close(p[0]);
		return -1;
	}
	return p[0];
}

/* Take the answers that come by deadline; the pipes read are closed, -1. */
static void probe_collect(struct disk_row *rows, struct pollfd *pfd,
			  const pid_t *pids, int n, int left, int64_t deadline)
{
	while (left > 0) {
		int64_t wait = deadline - now_ms();
		int ready;

		if (wait <= 0)
			break;
		ready = poll(pfd, (nfds_t)n, (int)wait);
		if (ready < 0 && errno != EINTR)
			break;
		for (int i = 0; ready > 0 && i < n; i++) {
			ssize_t got;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			got = read(pfd[i].fd, &rows[i].fs, sizeof(rows[i].fs));
			if (got < 0 && errno == EINTR)
				continue;
			if (got != (ssize_t)sizeof(rows[i].fs))
				unknown(&rows[i]);
			close(pfd[i].fd);
			pfd[i].fd = -1;
			left--;
			ready--;
			while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
				;
		}
	}
}

/* A LUKS volume's state, the array an md member is in: from sysfs. */
static void held(const char *root, struct disk_row *row)
{
	char holder[STACKS_NAME_MAX];
	int luks = !strcmp(row->fs.type, "crypto_LUKS");

	if (row->stack || (!luks && strcmp(row->fs.type, "linux_raid_member")))
		return;
	if (stacks_holder(root, row->dev, holder, sizeof(holder)))
		copy_text(row->state, sizeof(row->state),
			  luks ? "locked" : "not in an active array");
	else
		cut_fmt(row->state, sizeof(row->state), "%s%s",
			luks ? "open as /dev/mapper/" : "in ", holder);
}

static void probe_forked(const char *root, FILE *mounts, struct disk_row *rows,
			 int n, const bool *pick, int64_t deadline)
{
	struct pollfd pfd[DISKTABLE_ROWS_MAX];
	pid_t pids[DISKTABLE_ROWS_MAX];
	int i, left = 0;

	for (i = 0; i < n; i++) {
		pids[i] = -1;
		pfd[i].fd = -1;
		pfd[i].events = POLLIN;
		if (!pick[i])
			continue;
		/* a second round after a hung disk used up the time: none */
		if (now_ms() < deadline)
			pfd[i].fd =
				probe_start(root, mounts, &rows[i], &pids[i]);
		if (pfd[i].fd < 0)
			unknown(&rows[i]);
		else
			left++;
	}
	probe_collect(rows, pfd, pids, n, left, deadline);
	for (i = 0; i < n; i++) {
		if (pfd[i].fd < 0)
			continue;
		lb_warn("probing %s took over %d ms; its filesystem is shown "
			"as ?",
			rows[i].name, PROBE_WAIT_MS);
		kill(pids[i], SIGKILL);
		close(pfd[i].fd);
		unknown(&rows[i]);
	}
}

static void probe_rows(const char *root, FILE *mounts, struct disk_row *rows,
		       int n, int parallel, const bool *pick, int64_t deadline)
{
	if (parallel) {
		probe_forked(root, mounts, rows, n, pick, deadline);
		return;
	}
	for (int i = 0; i < n; i++)
		if (pick[i])
			probe_row(root, mounts, &rows[i], &rows[i].fs);
}

int disktable_disk_row(const struct disk_row *rows, int i)
{
	for (int j = i - 1; j >= 0; j--)
		if (!rows[j].is_part && !rows[j].stack &&
		    rows[j].disk == rows[i].disk)
			return j;
	return -1;
}

/* A partition of the disk in the medium's slot, when there is a medium. */
static bool at_medium_slot(const struct disk_row *rows, int i,
			   const char *medium_id)
{
	int d = rows[i].is_part ? disktable_disk_row(rows, i) : -1;

	return medium_id && medium_id[0] && d >= 0 &&
	       rows[d].slot == MEDIUM_SLOT;
}

/*
 * The medium's own partitions (its ISO image and EFI image, sdh1 and sdh2)
 * are Lifeboat's, not the machine's: two probes more at every boot, about
 * 20 ms under TCG. So a partition of the disk in the medium's slot waits for
 * that disk's probe: the medium's are left out (the medium is one row), a
 * customer's disk's are probed then, by the same deadline.
 */
int disktable_fill(const char *root, struct disk_row *rows, int n, int parallel,
		   const char *medium_id)
{
	bool now[DISKTABLE_ROWS_MAX], later[DISKTABLE_ROWS_MAX];
	int64_t deadline = now_ms() + PROBE_WAIT_MS;
	struct mounts_copy copy;
	FILE *mounts = mounts_copy(root, &copy);
	int i, kept;

	/* disktable_collect() makes at most this many */
	if (n > DISKTABLE_ROWS_MAX)
		n = DISKTABLE_ROWS_MAX;
	for (i = 0; i < n; i++) {
		if (rows[i].no_answer)
			no_answer(&rows[i]);
		later[i] = wants_probe(&rows[i]) &&
			   at_medium_slot(rows, i, medium_id);
		now[i] = wants_probe(&rows[i]) && !later[i];
	}
	probe_rows(root, mounts, rows, n, parallel, now, deadline);
	for (i = 0; i < n; i++)
		now[i] = later[i] &&
			 !disktable_is_medium_row(
				 &rows[disktable_disk_row(rows, i)], medium_id);
	probe_rows(root, mounts, rows, n, parallel, now, deadline);
	for (i = kept = 0; i < n; i++) {
		if (later[i] && !now[i])
			continue;
		if (kept != i)
			rows[kept] = rows[i];
		mountpoint_of(root, mounts, &rows[kept], rows[kept].fs.mounted,
			      sizeof(rows[kept].fs.mounted));
		held(root, &rows[kept]);
		kept++;
	}
	if (mounts)
		(void)fclose(mounts);
	free(copy.text);
	return kept;
}

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

/* Blanks between the MOUNTED column's text and the flags (the column is 12). */
static int flags_pad(const struct disk_row *r)
{
	size_t len = strlen(dash(r->fs.mounted));

	return len < 12 ? (int)(13 - len) : 1;
}

/* An indented line below a row, cut to 80 columns. */
static void below(FILE *out, const char *text)
{
	if (text[0])
		(void)fprintf(out, "%*s%.*s\n", DISKTABLE_NOTE_INDENT, "",
			      DISKTABLE_NOTE_MAX, text);
}

static void format_row(FILE *out, const struct disk_row *r)
{
	char size[16], slot[16], name[STACKS_NAME_MAX + 2], uuid[10];

	format_size(size, sizeof(size), r->bytes);
	/* both fit: an int in 16 bytes, a row name and a blank in name */
	if (r->slot >= 0)
		(void)snprintf(slot, sizeof(slot), "%d", r->slot);
	else
		copy_text(slot, sizeof(slot),
			  r->is_part || r->stack ? "" : "-");
	(void)snprintf(name, sizeof(name), "%s%s", r->is_part ? " " : "",
		       r->name);
	/* a long name ("ubuntu-vg/ubuntu-lv") on a line of its own */
	if (strlen(name) > 7) {
		(void)fprintf(out, "  %.76s\n", name);
		name[0] = '\0';
	}
	/* the whole UUID is in `lifeboat disks -l`/blkid; 8 chars tell */
	copy_text(uuid, 9, dash(r->fs.uuid));
	(void)fprintf(
		out, "  %-7s %-4s %6s  %-13.13s %-11.11s %-17.17s %-9s %s",
		name, slot, size, r->is_part || r->stack ? "" : dash(r->serial),
		dash(r->fs.type), dash(r->fs.label), uuid, dash(r->fs.mounted));
	/* no trailing blanks: a row without flags fits 80 columns */
	if (r->flags[0])
		(void)fprintf(out, "%*s%s", flags_pad(r), "", r->flags);
	(void)fputc('\n', out);
	below(out, r->fs.note);
	below(out, r->state);
	if (r->fs.os[0]) {
		char holds[DISKTABLE_NOTE_MAX + 1];

		cut_fmt(holds, sizeof(holds), "holds %s", r->fs.os);
		below(out, holds);
	}
}

void disktable_format(FILE *out, const struct disk_row *rows, int n)
{
	/*
	 * Write errors stay in out: disktable_text() sees them at fclose(),
	 * the lifeboat applet when it flushes stdout at the end.
	 */
	if (n == 0) {
		(void)fprintf(out, "  no disks found\n");
		return;
	}
	(void)fprintf(out, "  %-7s %-4s %6s  %-13s %-11s %-17s %-9s %-12s %s\n",
		      "DISK", "SLOT", "SIZE", "SERIAL", "FS", "LABEL", "UUID",
		      "MOUNTED", "FLAGS");
	for (int i = 0; i < n; i++)
		format_row(out, &rows[i]);
}

bool disktable_is_medium_row(const struct disk_row *row, const char *medium_id)
{
	return !row->is_part && medium_id && medium_id[0] &&
	       !strcmp(row->fs.type, "iso9660") &&
	       !strcmp(row->fs.label, medium_id);
}

void disktable_mark_medium(struct disk *disks, int n, struct disk_row *rows,
			   int r, const char *medium_id)
{
	int i, medium = -1;

	for (i = 0; i < r; i++) {
		if (!disktable_is_medium_row(&rows[i], medium_id))
			continue;
		if (medium < 0 || (rows[i].slot == MEDIUM_SLOT &&
				   rows[medium].slot != MEDIUM_SLOT))
			medium = i;
	}
	for (i = 0; i < r; i++) {
		struct disk *d;

		if (rows[i].is_part || rows[i].disk < 0 || rows[i].disk >= n)
			continue;
		d = &disks[rows[i].disk];
		d->flags &= ~(DISK_MEDIUM | DISK_FOREIGN_7);
		if (i == medium)
			d->flags |= DISK_MEDIUM;
		else if (d->slot == MEDIUM_SLOT)
			d->flags |= DISK_FOREIGN_7;
	}
	disktable_flags(disks, rows, r);
}

void disktable_flags(const struct disk *disks, struct disk_row *rows, int r)
{
	for (int i = 0; i < r; i++)
		if (!rows[i].is_part && !rows[i].stack)
			flags_text(&disks[rows[i].disk], rows[i].flags,
				   sizeof(rows[i].flags));
}

int disktable_rows(const char *root, const char *medium_id,
		   struct disk_row **rows)
{
	static struct disk disks[MAX_DISKS];
	static struct disk_row all[DISKTABLE_ROWS_MAX];
	int n = disks_scan(root, disks, MAX_DISKS);
	int r = disktable_collect(root, disks, n, all, DISKTABLE_ROWS_MAX);

	/* the same bounded probe as the first banner's: a hung disk shows ? */
	r = disktable_fill(root, all, r, 1, medium_id);
	disktable_mark_medium(disks, n, all, r, medium_id);
	*rows = all;
	return r;
}

void disktable_print(FILE *out, const char *root, const char *medium_id)
{
	struct disk_row *rows;
	int r = disktable_rows(root, medium_id, &rows);

	disktable_format(out, rows, r);
}

char *disktable_text(const struct disk_row *rows, int r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool failed;

	if (!f)
		return NULL;
	disktable_format(f, rows, r);
	failed = ferror(f) != 0;
	if (fclose(f) != 0 || failed) {
		free(text);
		return NULL;
	}
	return text;
}
