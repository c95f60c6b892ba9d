/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network configuration from the kernel's ip= syntax:
 *   ip=dhcp | ip=off | ip=none
 *   ip=<client>:<server>:<gw>:<netmask>:<hostname>:<device>:<autoconf>:<dns0>:<dns1>
 * A malformed value is reported and gives DHCP, so a typo never leaves a
 * rescue machine without network.
 */
#ifndef LIFEBOAT_NETCFG_H
#define LIFEBOAT_NETCFG_H

#include <stddef.h>

/* An interface name with its NUL (IFNAMSIZ). */
#define NETCFG_NAME_SIZE 16
/* The interfaces the banner's network line looks at, at the most. */
#define NETCFG_IFACES_MAX 8

enum net_mode { NET_DHCP, NET_STATIC, NET_OFF };

struct net_config {
	enum net_mode mode;
	char device[NETCFG_NAME_SIZE]; /* "" = every ethernet interface (DHCP), or the first */
	char address[16]; /* dotted quad */
	int prefix; /* from the netmask */
	char gateway[16]; /* "" = none */
	char hostname[64]; /* "" = keep */
	char dns[2][16];
};

/* Parse; 0 when well formed, else -1 with a reason in err and c = DHCP. */
int netcfg_parse(const char *value, struct net_config *c, char *err,
		 size_t errlen);

/* Shell-sourceable NET_* lines for the network script. */
int netcfg_write(const struct net_config *c, const char *path);

/* Ethernet interfaces (ROOT/sys/class/net/X/type == 1, not lo), sorted. */
int netcfg_interfaces(const char *root, char names[][NETCFG_NAME_SIZE],
		      int max);

#endif
