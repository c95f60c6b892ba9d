#include "umount.h"
#include "earlyfs.h"
#include "log.h"
#include "procmounts.h"
#include "util.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

/* The next space-separated field of a line; false at its end. */
static bool next_field(const char **p, const char *end, const char **start,
		       size_t *len)
{
	while (*p < end && **p == ' ')
		(*p)++;
	if (*p >= end)
		return false;
	*start = *p;
	while (*p < end && **p != ' ')
		(*p)++;
	*len = (size_t)(*p - *start);
	return true;
}

static bool parse_line(const char *line, const char *end, struct umount_step *s)
{
	const char *p = line, *f;
	size_t len;

	if (!next_field(&p, end, &f, &len)) /* source */
		return false;
	if (!next_field(&p, end, &f, &len) ||
	    !mounts_unescape(s->target, sizeof(s->target), f, len) ||
	    s->target[0] != '/')
		return false;
	if (!next_field(&p, end, &f, &len) || len >= sizeof(s->fstype))
		return false;
	memcpy(s->fstype, f, len);
	s->fstype[len] = '\0';

	if (!strcmp(s->target, "/"))
		s->action = UMOUNT_REMOUNT_RO;
	else if (earlyfs_is_api_mount(s->target, s->fstype))
		s->action = UMOUNT_SKIP;
	else
		s->action = UMOUNT_UNMOUNT;
	return true;
}

/* Is path strictly below dir? ("/a/b" is below "/a", "/ab" is not) */
static bool is_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return path[0] == '/' && path[1] != '\0';
	return !strncmp(path, dir, n) && path[n] == '/';
}

int shutdown_plan(const char *mounts_text, struct umount_step *steps, int max,
		  int *left)
{
	struct umount_step scratch;
	int usable = 0, skip, n = 0, dropped = 0;

	/*
	 * Two passes: with more mounts than room, keep the newest; the oldest
	 * are /init's own, which stay mounted anyway.
	 */
	for (int pass = 0; pass < 2; pass++) {
		const char *p = mounts_text;

		skip = usable > max ? usable - max : 0;
		while (*p) {
			const char *end = strchr(p, '\n');

			if (!end)
				end = p + strlen(p);
			if (end == p) {
				p = *end ? end + 1 : end;
				continue;
			}
			if (pass == 0) {
				if (parse_line(p, end, &scratch))
					usable++;
				else
					dropped++;
			} else if (n < max && parse_line(p, end, &steps[n])) {
				if (skip > 0)
					skip--;
				else
					n++;
			}
			p = *end ? end + 1 : end;
		}
	}
	if (left)
		*left = usable - n;
	else
		dropped += usable - n;
	if (dropped)
		lb_warn("%d lines of /proc/self/mounts not usable; "
			"not unmounted",
			dropped);

	/* The last mounted goes first. */
	for (int i = 0, j = n - 1; i < j; i++, j--) {
		struct umount_step t = steps[i];

		steps[i] = steps[j];
		steps[j] = t;
	}

	/*
	 * A mount made below another one before it (mount --move, or a
	 * chroot's /dev mounted before its disk was moved) would still go
	 * after it. Pull each such mount in front of its parent; taking the
	 * first one found each time makes this terminate.
	 */
	for (int i = 0; i < n; i++) {
		for (int j = i + 1; j < n; j++) {
			struct umount_step t;

			if (!is_below(steps[j].target, steps[i].target))
				continue;
			t = steps[j];
			memmove(&steps[i + 1], &steps[i],
				(size_t)(j - i) * sizeof(steps[0]));
			steps[i] = t;
			j = i; /* look again below the new steps[i] */
		}
	}
	return n;
}

static int remount_ro(const struct sys_ops *ops, const char *target)
{
	return ops->mount(NULL, target, NULL, MS_REMOUNT | MS_RDONLY, NULL);
}

int umount_run(const struct umount_step *steps, int n,
	       const struct sys_ops *ops, enum umount_result *results)
{
	enum umount_result local[UMOUNT_STEPS_MAX];
	int errs[UMOUNT_STEPS_MAX];
	enum umount_result *res = results ? results : local;
	bool progress = true;
	int bad = 0;

	if (n > UMOUNT_STEPS_MAX)
		n = UMOUNT_STEPS_MAX;
	for (int i = 0; i < n; i++) {
		res[i] = steps[i].action == UMOUNT_UNMOUNT ? UMOUNT_FAILED :
							     UMOUNT_LEFT;
		errs[i] = 0;
	}

	/*
	 * Several passes: a filesystem busy because of another mount (a loop
	 * device's backing file, a bind mount) may go once that one is gone.
	 */
	for (int pass = 0; progress && pass <= n; pass++) {
		progress = false;
		for (int i = 0; i < n; i++) {
			if (steps[i].action != UMOUNT_UNMOUNT ||
			    res[i] != UMOUNT_FAILED)
				continue;
			if (ops->umount2(steps[i].target, 0) == 0) {
				res[i] = UMOUNT_DONE;
				progress = true;
				lb_info("unmounted %s", steps[i].target);
			} else {
				errs[i] = errno;
			}
		}
	}

	for (int i = 0; i < n; i++) {
		const char *t = steps[i].target;

		if (steps[i].action == UMOUNT_REMOUNT_RO) {
			/* the initramfs root often refuses; nothing to save */
			if (remount_ro(ops, t) == 0)
				res[i] = UMOUNT_READONLY;
			continue;
		}
		if (res[i] != UMOUNT_FAILED)
			continue;
		if (remount_ro(ops, t) == 0) {
			res[i] = UMOUNT_READONLY;
			lb_warn("cannot unmount %s: %s; remounted read-only", t,
				strerror(errs[i]));
		} else if (ops->umount2(t, MNT_DETACH) == 0) {
			res[i] = UMOUNT_DETACHED;
			bad++;
			lb_error("cannot unmount %s or make it read-only: %s; "
				 "detached, it may need a fsck",
				 t, strerror(errs[i]));
		} else {
			bad++;
			lb_error("cannot unmount %s: %s", t, strerror(errs[i]));
		}
	}
	return bad;
}
