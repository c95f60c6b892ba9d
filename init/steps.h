/* SPDX-License-Identifier: GPL-2.0 */
/* Boot steps for the machine: disks, network and SSH (see boot.c). */
#ifndef LB_STEPS_H
#define LB_STEPS_H

#include "boot.h"

/* Longest wait for the disks the hardware exposes to get their names. */
#define DISK_WAIT_MS 2000

int step_disks(struct lb_context *ctx);
/* A helper in the background, its own session, no terminal: 0 or -1. */
int spawn_background(const char *root, const char *path);
int step_network(struct lb_context *ctx);
int step_ssh(struct lb_context *ctx);
/* The banner's disk table, probed once for the first shells. */
int step_disk_table(struct lb_context *ctx);

#endif
