/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The volume group of an LVM2 physical volume, which libblkid does not give:
 * the label (LABELONE in one of sectors 0-3), its PV header's metadata
 * areas, the first one's mda header and the newest metadata text, whose
 * first line is "VGNAME {" (lvm2's lib/label/label.h and
 * lib/format_text/layout.h). Four reads at most, none over 2 KiB.
 */
#ifndef LB_LVM2_H
#define LB_LVM2_H

#include <stddef.h>

#include "ondisk.h"

/* LVM's longest VG name is 127 characters. */
#define LVM2_VG_NAME_MAX 127

/* The VG name into buf (cut to fit): 0, or -1 when none can be read. */
int lvm2_vg_name(const struct ondisk *d, char *buf, size_t len);

#endif
