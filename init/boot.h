/*
 * The boot sequence up to the consoles, as one table of steps. Later work
 * (disks, network, SSH) adds a step to boot_steps[] in boot.c; a step that
 * fails is a warning and the boot goes on.
 */
#ifndef LB_BOOT_H
#define LB_BOOT_H

#include "options.h"
#include "state.h"
#include "sysops.h"

#define LB_RUN_DIR "/run/lifeboat"
#define LB_BOOT_LOG LB_RUN_DIR "/boot.log"
#define LB_OPTIONS_FILE LB_RUN_DIR "/options"

struct lb_context {
	const char *root; /* "" on the real system; a temp dir in tests */
	const struct sys_ops *ops;
	struct lb_options opts; /* filled by the "boot options" step */
	struct boot_state state; /* what the later steps learn */
};

struct boot_step {
	const char *name;
	/* 0 when done; otherwise the step has logged why it failed */
	int (*run)(struct lb_context *ctx);
};

extern const struct boot_step boot_steps[];

/* Run every step of boot_steps in order. Returns how many failed. */
int boot_run(struct lb_context *ctx);

#endif
