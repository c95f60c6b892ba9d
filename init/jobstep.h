/* SPDX-License-Identifier: GPL-2.0 */
/* The boot steps of the jobs at boot (jobs.h) and of fw_cfg's options. */
#ifndef LB_JOBSTEP_H
#define LB_JOBSTEP_H

#include "boot.h"

/* fw_cfg's options (fwcfg.h), before anything reads the options. */
int step_firmware(struct lb_context *ctx);
/* The jobs of this boot, once the disks are in the table: the runner. */
int step_jobs(struct lb_context *ctx);

#endif
