// SPDX-License-Identifier: GPL-2.0
/*
 * lifeboat net --json: what `lifeboat net` shows, as one JSON document for
 * scripts and tests (README "Machine-readable state" is the schema).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lifeboat.h"

#define NET_JSON_SCHEMA 1

static void addresses_json(struct json *j, const struct ifaddrs *all,
			   const char *iface)
{
	char text[INET6_ADDRSTRLEN];
	int family, bits;

	json_open(j, '[');
	for (const struct ifaddrs *a = all; a; a = a->ifa_next) {
		family = net_address(a, iface, text, sizeof(text), &bits);
		if (!family)
			continue;
		json_open(j, '{');
		json_kv_text(j, "family", family == AF_INET ? "inet" : "inet6");
		json_kv_text(j, "address", text);
		json_kv_int(j, "prefix", bits);
		json_close(j, '}');
	}
	json_close(j, ']');
}

static void interfaces_json(struct json *j, const struct ifaddrs *all)
{
	struct dirent **names;
	int n = scandir("/sys/class/net", &names, NULL, alphasort);

	json_open(j, '[');
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char state[32], mac[32], type[8];

		if (name[0] != '.') {
			net_attr(name, "type", type, sizeof(type));
			net_attr(name, "operstate", state, sizeof(state));
			net_attr(name, "address", mac, sizeof(mac));
			json_open(j, '{');
			json_kv_text(j, "name", name);
			/* ARPHRD_ETHER, ARPHRD_LOOPBACK, or the number */
			json_kv_text(j, "type",
				     !strcmp(type, "1")	  ? "ether" :
				     !strcmp(type, "772") ? "loopback" :
							    type);
			json_kv_text(j, "state", state);
			json_kv_text(j, "mac", mac);
			json_key(j, "addresses");
			addresses_json(j, all, name);
			json_close(j, '}');
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	json_close(j, ']');
}

static void route_json(struct json *j, const struct net_route *r)
{
	char dest[INET_ADDRSTRLEN + 4], gw[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &r->dest, dest, INET_ADDRSTRLEN);
	inet_ntop(AF_INET, &r->gateway, gw, sizeof(gw));
	json_open(j, '{');
	json_kv_text(j, "family", "inet");
	if (r->prefix == 0 && r->dest.s_addr == 0) {
		json_kv_text(j, "destination", "default");
	} else {
		size_t l = strlen(dest);

		(void)snprintf(dest + l, sizeof(dest) - l, "/%d", r->prefix);
		json_kv_text(j, "destination", dest);
	}
	json_kv_text(j, "gateway", r->gateway.s_addr ? gw : "");
	json_kv_text(j, "dev", r->dev);
	json_close(j, '}');
}

int cmd_net_json(void)
{
	struct ifaddrs *all = NULL;
	struct net_route routes[NET_ROUTES_MAX];
	char servers[NET_DNS_MAX][64];
	struct json j;
	int n;

	if (getifaddrs(&all) < 0) {
		perror("lifeboat: net: getifaddrs");
		return EXIT_SYSTEM;
	}
	json_init(&j, stdout);
	json_open(&j, '{');
	json_kv_int(&j, "schema", NET_JSON_SCHEMA);
	json_key(&j, "interfaces");
	interfaces_json(&j, all);
	freeifaddrs(all);
	json_key(&j, "routes");
	json_open(&j, '[');
	n = net_routes(routes, NET_ROUTES_MAX);
	for (int i = 0; i < n; i++)
		route_json(&j, &routes[i]);
	json_close(&j, ']');
	json_key(&j, "dns");
	json_open(&j, '[');
	n = net_dns(servers, NET_DNS_MAX);
	for (int i = 0; i < n; i++)
		json_string(&j, servers[i]);
	json_close(&j, ']');
	json_close(&j, '}');
	return 0;
}
