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
int cmd_net_json(void);

/* net.c's readers, shared with the --json output (netjson.c) */
#include <netinet/in.h>
#include <stddef.h>

#define NET_ROUTES_MAX 64
#define NET_DNS_MAX 8

struct net_route {
	struct in_addr dest, gateway;
	int prefix;
	char dev[32];
};

/* ROOT/sys/class/net/IFACE/NAME's first line into buf ("" when none). */
void net_attr(const char *iface, const char *name, char *buf, size_t len);
/*
 * An address of iface from getifaddrs(): its text and prefix length, and
 * AF_INET or AF_INET6; 0 when a is another interface's or another family.
 */
struct ifaddrs;
int net_address(const struct ifaddrs *a, const char *iface, char *text,
		size_t len, int *bits);
/* The IPv4 routes of /proc/net/route; how many. */
int net_routes(struct net_route *r, int max);
/* The nameservers of /etc/resolv.conf; how many. */
int net_dns(char servers[][64], int max);

#endif
