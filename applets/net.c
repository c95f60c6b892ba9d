// SPDX-License-Identifier: GPL-2.0
/*
 * lifeboat net: what the network is doing, in one screen: every interface
 * with its state and addresses, the routes, the DNS servers. Read-only.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifeboat.h"
#include "util.h"

static void attr(const char *iface, const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;

	buf[0] = '\0';
	/* an attribute whose path does not fit is shown as empty */
	if (!path_fmt(path, sizeof(path), "/sys/class/net/%s/%s", iface, name))
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	(void)fclose(f); /* read only */
}

static void addresses(const struct ifaddrs *all, const char *iface)
{
	char text[INET6_ADDRSTRLEN];
	int printed = 0;

	for (const struct ifaddrs *a = all; a; a = a->ifa_next) {
		const void *addr;
		int family, bits = 0;

		if (!a->ifa_addr || strcmp(a->ifa_name, iface))
			continue;
		family = a->ifa_addr->sa_family;
		if (family == AF_INET)
			addr = &((struct sockaddr_in *)a->ifa_addr)->sin_addr;
		else if (family == AF_INET6)
			addr = &((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr;
		else
			continue;
		if (a->ifa_netmask) {
			const unsigned char *m =
				family == AF_INET ?
					(const unsigned char *)&(
						(struct sockaddr_in *)
							a->ifa_netmask)
						->sin_addr :
					(const unsigned char *)&(
						(struct sockaddr_in6 *)
							a->ifa_netmask)
						->sin6_addr;
			for (int i = 0; i < (family == AF_INET ? 4 : 16); i++)
				bits += __builtin_popcount(m[i]);
		}
		inet_ntop(family, addr, text, sizeof(text));
		printf("%s %s/%d", printed++ ? "," : "", text, bits);
	}
	if (!printed)
		printf(" no address");
}

static void routes(void)
{
	char line[256], iface[32];
	unsigned long dest, gw, mask;
	unsigned flags;
	FILE *f = fopen("/proc/net/route", "re");

	if (!f)
		return;
	/* read only: closing cannot lose anything */
	if (!fgets(line, sizeof(line), f)) { /* the header */
		(void)fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		struct in_addr d, g;
		char ds[INET_ADDRSTRLEN], gs[INET_ADDRSTRLEN];

		if (sscanf(line, "%31s %lx %lx %x %*s %*s %*s %lx", iface,
			   &dest, &gw, &flags, &mask) != 5)
			continue;
		d.s_addr = (in_addr_t)dest;
		g.s_addr = (in_addr_t)gw;
		inet_ntop(AF_INET, &d, ds, sizeof(ds));
		inet_ntop(AF_INET, &g, gs, sizeof(gs));
		if (!dest && !mask)
			printf("  default via %s dev %s\n", gs, iface);
		else
			printf("  %s/%d dev %s%s%s\n", ds,
			       __builtin_popcountl(mask), iface,
			       gw ? " via " : "", gw ? gs : "");
	}
	(void)fclose(f);
}

int cmd_net(int argc, char **argv)
{
	struct ifaddrs *all = NULL;
	struct dirent **names;
	char line[256];
	int n, dns = 0, ethernet = 0;
	FILE *f;

	(void)argv;
	if (argc != 1) {
		(void)fprintf(stderr, "usage: lifeboat net\n");
		return EXIT_USAGE;
	}
	if (getifaddrs(&all) < 0) {
		perror("lifeboat: net: getifaddrs");
		return EXIT_SYSTEM;
	}
	printf("Interfaces:\n");
	n = scandir("/sys/class/net", &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char state[32], mac[32], type[8];

		if (name[0] != '.') {
			attr(name, "type", type, sizeof(type));
			ethernet += !strcmp(type, "1"); /* ARPHRD_ETHER */
			attr(name, "operstate", state, sizeof(state));
			attr(name, "address", mac, sizeof(mac));
			printf("  %-8s %-8s %-17s", name, state, mac);
			addresses(all, name);
			printf("\n");
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	if (!ethernet)
		printf("  no network interface found\n");
	freeifaddrs(all);
	printf("Routes (IPv4):\n");
	routes();
	printf("DNS:\n");
	f = fopen("/etc/resolv.conf", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char server[64];

		if (sscanf(line, "nameserver %63s", server) == 1) {
			printf("  %s\n", server);
			dns++;
		}
	}
	if (f)
		(void)fclose(f); /* read only */
	if (!dns)
		printf("  none yet\n");
	return 0;
}
