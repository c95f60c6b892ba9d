/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's fw_cfg files, as the kernel shows them in sysfs
 * (CONFIG_FW_CFG_SYSFS): -fw_cfg name=opt/lifeboat/NAME,file=F on the host
 * is ROOT/sys/firmware/qemu_fw_cfg/by_name/opt/lifeboat/NAME/raw here. They
 * carry what should not go on the boot line, which anyone at the console
 * can read: a job, SSH keys, a password hash.
 */
#ifndef LB_FWCFG_H
#define LB_FWCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "options.h"

#define FWCFG_BY_NAME "/sys/firmware/qemu_fw_cfg/by_name/"

/* ROOT's path of fw_cfg file NAME; false when it does not fit. */
bool fwcfg_path(char *buf, size_t size, const char *root, const char *name);

/* Is there a fw_cfg file NAME? */
bool fwcfg_has(const char *root, const char *name);

/*
 * The options fw_cfg may give, into o: opt/lifeboat/ssh_key (authorized
 * keys, one a line, added to ssh_key=), opt/lifeboat/passwd_hash (a crypt
 * hash; only when passwd= is not on the boot line), opt/lifeboat/then and
 * opt/lifeboat/timeout (when lifeboat.then= / lifeboat.timeout= are not).
 * Each checked like its boot option; a bad one is a warning.
 */
void fwcfg_options(struct lb_options *o, const char *root);

#endif
