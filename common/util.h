/*
 * Small helpers for /init and the lifeboat applet. Paths are always built
 * from a root prefix ("" on the real system, a temp dir in the unit tests)
 * so that the boot logic can run on the host against a fake /proc and /sys.
 */
#ifndef LB_UTIL_H
#define LB_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* root + path into buf; false (and buf empty) if it does not fit. */
bool path_join(char *buf, size_t size, const char *root, const char *path);

/* A printf-built path into buf; false (buf empty, ENAMETOOLONG) if cut. */
bool path_fmt(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Read a whole file of at most size - 1 bytes into buf and NUL-terminate it.
 * Returns the number of bytes read, or -1 with errno set: EFBIG when the
 * file holds more than fits (buf is then empty, never a cut text).
 */
ssize_t read_text(const char *path, char *buf, size_t size);

/*
 * Read a whole file of any length into a malloc'd, NUL-terminated buffer
 * (its length in *len unless NULL); NULL with errno set on failure.
 */
char *read_all(const char *path, size_t *len);

/* Write all of s to path (created with mode, truncated); 0 or -1/errno. */
int write_text(const char *path, const char *s, mode_t mode);

/* write() until done or a real error; 0 or -1/errno. */
int write_all(int fd, const void *buf, size_t len);

/* Milliseconds since boot (CLOCK_BOOTTIME), the clock of boot.log. */
int64_t now_ms(void);

/*
 * Copy at most max bytes of src (len bytes, need not be NUL-terminated) into
 * dst as printable ASCII, escaping other bytes as \xNN, so that garbage from
 * the boot line cannot mess up the console a warning is printed on.
 */
void printable(char *dst, size_t size, const char *src, size_t len);

/*
 * In a child of PID 1: reset the signal mask and dispositions and the OOM
 * score that PID 1 keeps for itself. Every child must call it, before exec
 * or before work of its own. -1 (errno set) if the OOM score stayed.
 */
int child_reset(void);

/* opendir() of root + path; NULL (errno set) when it fails or does not fit. */
DIR *opendir_at(const char *root, const char *path);

/* src into dst (len bytes), cut to fit: a column of a table. */
void copy_text(char *dst, size_t len, const char *src);

/* A printf-built text into buf (len bytes), cut to fit. */
void cut_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Can the first 4 KiB of the device at path be read (the partition table,
 * the superblocks of ext4, XFS, LUKS)? 0 when they can, or when the device
 * cannot be opened (that is said elsewhere); else the read's errno (EIO).
 */
int dev_start_error(const char *path);

/* Strip one trailing newline in place. */
void chomp(char *s);

#endif
