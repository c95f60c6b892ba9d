// SPDX-License-Identifier: GPL-2.0
/* The kernel's ip= syntax, and what a typo gives (DHCP, with a reason). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fakeroot.h"
#include "netcfg.h"
#include "util.h"

static struct net_config c;
static char err[256];

static void test_modes(void)
{
	CHECK_INT(netcfg_parse("", &c, err, sizeof(err)), 0);
	CHECK_INT(c.mode, NET_DHCP);
	CHECK_INT(netcfg_parse("dhcp", &c, err, sizeof(err)), 0);
	CHECK_INT(c.mode, NET_DHCP);
	CHECK_INT(netcfg_parse("off", &c, err, sizeof(err)), 0);
	CHECK_INT(c.mode, NET_OFF);
	CHECK_INT(netcfg_parse("none", &c, err, sizeof(err)), 0);
	CHECK_INT(c.mode, NET_OFF);
	CHECK_INT(netcfg_parse(":::::eth1:dhcp", &c, err, sizeof(err)), 0);
	CHECK_INT(c.mode, NET_DHCP);
	CHECK_STR(c.device, "eth1");
	CHECK_INT(netcfg_parse(":::::eth1:off", &c, err, sizeof(err)), 0);
	CHECK_INT(c.mode, NET_OFF);
}

static void test_static(void)
{
	CHECK_INT(netcfg_parse("192.168.7.2::192.168.7.1:255.255.255.0:"
			       "box:eth1:off:1.1.1.1:9.9.9.9",
			       &c, err, sizeof(err)),
		  0);
	CHECK_INT(c.mode, NET_STATIC);
	CHECK_STR(c.address, "192.168.7.2");
	CHECK_INT(c.prefix, 24);
	CHECK_STR(c.gateway, "192.168.7.1");
	CHECK_STR(c.hostname, "box");
	CHECK_STR(c.device, "eth1");
	CHECK_STR(c.dns[0], "1.1.1.1");
	CHECK_STR(c.dns[1], "9.9.9.9");
	CHECK_INT(netcfg_parse("10.1.2.3", &c, err, sizeof(err)), 0);
	CHECK_INT(c.mode, NET_STATIC);
	CHECK_INT(c.prefix, 8);
	CHECK_INT(netcfg_parse("10.1.2.3:::255.255.252.0", &c, err,
			       sizeof(err)),
		  0);
	CHECK_INT(c.prefix, 22);
}

static void test_malformed(void)
{
	static const char *bad[] = {
		"300.1.2.3",
		"10.0.0.1:::255.0.255.0",
		"10.0.0.1::notagateway",
		"10.0.0.1:::::eth0:sometimes",
		"10.0.0.1:::::eth0;reboot",
		"10.0.0.1::::$(reboot)",
		"10.0.0.1:::::::1.2.3",
		"1:2:3:4:5:6:7:8:9:10:11",
		"garbage",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK_INT(netcfg_parse(bad[i], &c, err, sizeof(err)), -1);
		CHECK_INT(c.mode, NET_DHCP);
		CHECK(err[0] != '\0');
		CHECK(c.device[0] == '\0' && c.address[0] == '\0');
	}
	char big[4096];

	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_INT(netcfg_parse(big, &c, err, sizeof(err)), -1);
	CHECK(strlen(err) < 100);
}

static void test_interfaces_and_write(void)
{
	char buf[256], names[8][16], path[PATH_MAX], text[512];
	const char *root = fakeroot_new(buf, sizeof(buf));
	FILE *f;
	size_t n;

	CHECK_INT(netcfg_interfaces(root, names, 8), 0);
	fakeroot_write(root, "/sys/class/net/lo/type", "772\n");
	fakeroot_write(root, "/sys/class/net/eth1/type", "1\n");
	fakeroot_write(root, "/sys/class/net/eth0/type", "1\n");
	fakeroot_write(root, "/sys/class/net/sit0/type", "776\n");
	CHECK_INT(netcfg_interfaces(root, names, 8), 2);
	CHECK_STR(names[0], "eth0");
	CHECK_STR(names[1], "eth1");

	netcfg_parse("10.0.0.2::10.0.0.1:255.255.255.0::eth0:none", &c, err,
		     sizeof(err));
	CHECK(path_join(path, sizeof(path), root, "/net"));
	CHECK_INT(netcfg_write(&c, path), 0);
	f = fopen(path, "r");
	n = fread(text, 1, sizeof(text) - 1, f);
	(void)fclose(f);
	text[n] = '\0';
	CHECK(strstr(text, "NET_MODE=static\n") != NULL);
	CHECK(strstr(text, "NET_ADDRESS='10.0.0.2'\n") != NULL);
	CHECK(strstr(text, "NET_PREFIX='24'\n") != NULL);
	CHECK(strstr(text, "NET_GATEWAY='10.0.0.1'\n") != NULL);
	fakeroot_free(root);
}

int main(void)
{
	test_modes();
	test_static();
	test_malformed();
	test_interfaces_and_write();
	return check_done();
}
