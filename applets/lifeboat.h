/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lifeboat applet's subcommands and exit codes: 0 ok, 1 the job failed,
 * 100 usage, 111 system error.
 */
#ifndef LIFEBOAT_APPLET_H
#define LIFEBOAT_APPLET_H

#define EXIT_JOB 1
#define EXIT_USAGE 100
#define EXIT_SYSTEM 111

int cmd_mount(int argc, char **argv);
int cmd_umount(int argc, char **argv);
int cmd_chroot(int argc, char **argv);
int cmd_net(int argc, char **argv);

#endif
