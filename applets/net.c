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

void net_attr(const char *iface, const char *name, char *buf, size_t len)
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

int net_address(const struct ifaddrs *a, const char *iface, char *text,
		size_t len, int *bits)
{
	const void *addr, *mask = NULL;
	int family, n;

	if (!a->ifa_addr || strcmp(a->ifa_name, iface))
		return 0;
	family = a->ifa_addr->sa_family;
	if (family == AF_INET) {
		addr = &((struct sockaddr_in *)a->ifa_addr)->sin_addr;
		if (a->ifa_netmask)
			mask = &((struct sockaddr_in *)a->ifa_netmask)->sin_addr;
		n = 4;
	} else if (family == AF_INET6) {
		addr = &((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr;
		if (a->ifa_netmask)
			mask = &((struct sockaddr_in6 *)a->ifa_netmask)
					->sin6_addr;
		n = 16;
	} else {
		return 0;
	}
	*bits = 0;
	for (int i = 0; mask && i < n; i++)
		*bits += __builtin_popcount(((const unsigned char *)mask)[i]);
	inet_ntop(family, addr, text, (socklen_t)len);
	return family;
}

static void addresses(const struct ifaddrs *all, const char *iface)
{
	char text[INET6_ADDRSTRLEN];
	int printed = 0, bits;

	for (const struct ifaddrs *a = all; a; a = a->ifa_next)
		if (net_address(a, iface, text, sizeof(text), &bits))
			printf("%s %s/%d", printed++ ? "," : "", text, bits);
	if (!printed)
		printf(" no address");
}

int net_routes(struct net_route *r, int max)
{
	char line[256];
	unsigned long dest, gw, mask;
	unsigned flags;
	int n = 0;
	FILE *f = fopen("/proc/net/route", "re");

	if (!f)
		return 0;
	/* read only: closing cannot lose anything; the first line is the header */
	if (!fgets(line, sizeof(line), f)) {
		(void)fclose(f);
		return 0;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %lx %lx %x %*s %*s %*s %lx", r[n].dev,
			   &dest, &gw, &flags, &mask) != 5)
			continue;
		r[n].dest.s_addr = (in_addr_t)dest;
		r[n].gateway.s_addr = (in_addr_t)gw;
		r[n].prefix = __builtin_popcountl(mask);
		n++;
	}
	(void)fclose(f);
	return n;
}

int net_dns(char servers[][64], int max)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/etc/resolv.conf", "re");

	while (f && n < max && fgets(line, sizeof(line), f))
		if (sscanf(line, "nameserver %63s", servers[n]) == 1)
			n++;
	if (f)
		(void)fclose(f); /* read only */
	return n;
}

static void routes(void)
{
	struct net_route r[NET_ROUTES_MAX];
	int n = net_routes(r, NET_ROUTES_MAX);

	for (int i = 0; i < n; i++) {
		char ds[INET_ADDRSTRLEN], gs[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &r[i].dest, ds, sizeof(ds));
		inet_ntop(AF_INET, &r[i].gateway, gs, sizeof(gs));
		if (!r[i].dest.s_addr && !r[i].prefix)
			printf("  default via %s dev %s\n", gs, r[i].dev);
		else
			printf("  %s/%d dev %s%s%s\n", ds, r[i].prefix,
			       r[i].dev, r[i].gateway.s_addr ? " via " : "",
			       r[i].gateway.s_addr ? gs : "");
	}
}

int cmd_net(int argc, char **argv)
{
	struct ifaddrs *all = NULL;
	struct dirent **names;
	char servers[NET_DNS_MAX][64];
	int n, dns, ethernet = 0;

	if (argc == 2 && !strcmp(argv[1], "--json"))
		return cmd_net_json();
	if (argc != 1) {
		(void)fprintf(stderr, "usage: lifeboat net [--json]\n");
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
			net_attr(name, "type", type, sizeof(type));
			ethernet += !strcmp(type, "1"); /* ARPHRD_ETHER */
			net_attr(name, "operstate", state, sizeof(state));
			net_attr(name, "address", mac, sizeof(mac));
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
	dns = net_dns(servers, NET_DNS_MAX);
	for (int i = 0; i < dns; i++)
		printf("  %s\n", servers[i]);
	if (!dns)
		printf("  none yet\n");
	return 0;
}
