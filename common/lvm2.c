// SPDX-License-Identifier: GPL-2.0
#include "lvm2.h"

#include <stdint.h>
#include <string.h>

#define SECTOR 512
#define LABEL_SCAN_SECTORS 4
#define PV_HEADER_UUID 32 /* then device_size_xl, then the disk_locn lists */
#define MDA_HEADER_SIZE 512
#define MDA_MAGIC " LVM2 x[5A%r0N*>"
#define RAW_LOCN_IGNORED 0x1
/* enough for the longest name, " {" and a newline */
#define FIRST_LINE (LVM2_VG_NAME_MAX + 4)

/* The PV header's offset in the label sector at s, or 0: not a label. */
static uint32_t label_at(const uint8_t *sec, unsigned s)
{
	uint32_t off;

	if (memcmp(sec, "LABELONE", 8) || ondisk_le64(sec + 8) != s ||
	    memcmp(sec + 24, "LVM2 001", 8))
		return 0;
	off = ondisk_le32(sec + 20);
	/* the header and at least one list end must lie in the sector */
	if (off < 32 || off > SECTOR - PV_HEADER_UUID - 8 - 16)
		return 0;
	return off;
}

/*
 * The first metadata area's offset from the PV header at pv (sector end at
 * end): its disk_locn lists are data areas, a zero entry, metadata areas,
 * a zero entry. 0: none.
 */
static uint64_t first_mda(const uint8_t *pv, const uint8_t *end)
{
	const uint8_t *l = pv + PV_HEADER_UUID + 8;
	int list = 0;

	for (; l + 16 <= end; l += 16) {
		uint64_t off = ondisk_le64(l);

		if (!off) {
			if (++list == 2)
				return 0;
			continue;
		}
		if (list == 1)
			return off;
	}
	return 0;
}

static int valid_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '_' || c == '.' ||
	       c == '-';
}

/* "NAME {" at the start of text: NAME into buf; 0 or -1. */
static int first_line_name(const char *text, size_t n, char *buf, size_t len)
{
	size_t i = 0;

	while (i < n && i < LVM2_VG_NAME_MAX && valid_name_char(text[i]))
		i++;
	/* lvm refuses a leading '-', "." and ".." */
	if (!i || i + 2 > n || text[i] != ' ' || text[i + 1] != '{' ||
	    text[0] == '-' || (i == 1 && text[0] == '.') ||
	    (i == 2 && !memcmp(text, "..", 2)) || len == 0)
		return -1;
	if (i >= len)
		i = len - 1;
	memcpy(buf, text, i);
	buf[i] = '\0';
	return 0;
}

/*
 * The newest metadata text of the mda at off: its first FIRST_LINE bytes
 * (fewer when the text is shorter), which may wrap round the circular
 * buffer to just after the mda header. Their count, or -1.
 */
static int metadata_start(const struct ondisk *d, uint64_t off, char *text)
{
	uint8_t h[MDA_HEADER_SIZE];
	uint64_t size, at, first;
	size_t n;

	if (ondisk_read(d, off, h, sizeof(h)) || memcmp(h + 4, MDA_MAGIC, 16) ||
	    ondisk_le32(h + 20) != 1 || ondisk_le64(h + 24) != off)
		return -1;
	size = ondisk_le64(h + 32);
	at = ondisk_le64(h + 40);
	n = ondisk_le64(h + 48) < FIRST_LINE ? (size_t)ondisk_le64(h + 48) :
					       FIRST_LINE;
	if (!at || !n || (ondisk_le32(h + 60) & RAW_LOCN_IGNORED) ||
	    size <= MDA_HEADER_SIZE || at < MDA_HEADER_SIZE || at >= size)
		return -1;
	first = size - at < n ? size - at : n;
	if (ondisk_read(d, off + at, text, (size_t)first))
		return -1;
	if (first < n && ondisk_read(d, off + MDA_HEADER_SIZE, text + first,
				     n - (size_t)first))
		return -1;
	return (int)n;
}

int lvm2_vg_name(const struct ondisk *d, char *buf, size_t len)
{
	uint8_t label[SECTOR * LABEL_SCAN_SECTORS];
	char text[FIRST_LINE];

	if (ondisk_read(d, 0, label, sizeof(label)))
		return -1;
	for (unsigned s = 0; s < LABEL_SCAN_SECTORS; s++) {
		const uint8_t *sec = label + s * SECTOR;
		uint32_t pv = label_at(sec, s);
		uint64_t mda;
		int n;

		if (!pv)
			continue;
		mda = first_mda(sec + pv, sec + SECTOR);
		if (!mda)
			return -1;
		n = metadata_start(d, mda, text);
		return n < 0 ? -1 : first_line_name(text, (size_t)n, buf, len);
	}
	return -1;
}
