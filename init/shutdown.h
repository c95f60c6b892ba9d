/*
 * Halt, power off, reboot: end every process, save the disks, say goodbye
 * on the consoles and ask the kernel.
 */
#ifndef LB_SHUTDOWN_H
#define LB_SHUTDOWN_H

#include "console.h"
#include "jobs.h"

enum shutdown_kind { SHUTDOWN_HALT, SHUTDOWN_POWEROFF, SHUTDOWN_REBOOT };

/* SIGTERM first; whoever is still there after this gets SIGKILL. */
#define SHUTDOWN_GRACE_MS 3000

/* "power off", as in the final console line "lifeboat: power off" */
const char *shutdown_name(enum shutdown_kind kind);

/*
 * The whole shutdown. The caller has stopped respawning shells. job: what
 * the boot's jobs ended with, or NULL: its line is the consoles' last, and
 * its status QEMU's exit status at power off (isa-debug-exit). Returns only
 * if the kernel refused (in a container, say); the caller should then give
 * the consoles their shells back.
 */
void shutdown_system(enum shutdown_kind kind,
		     char consoles[][CONSOLE_NAME_SIZE], int count,
		     const struct job_result *job);

#endif
