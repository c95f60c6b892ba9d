// SPDX-License-Identifier: GPL-2.0
#include "netcfg.h"
#include "util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIELDS 10

static void set_err(char *err, size_t len, const char *what, const char *v)
{
	/* cut on purpose: a garbage value is shown by its start */
	(void)snprintf(err, len, "%s '%.40s'%s", what, v,
		       strlen(v) > 40 ? "..." : "");
}

static int is_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

static int mask_prefix(const char *s)
{
	struct in_addr a;
	unsigned long m;
	int p = 0;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	m = ntohl(a.s_addr);
	while (m & 0x80000000UL) {
		p++;
		m = (m << 1) & 0xffffffffUL;
	}
	return m ? -1 : p; /* holes in the mask are not a mask */
}

/* No netmask given: the class of the address, as the kernel does. */
static int class_prefix(const char *addr)
{
	unsigned first = (unsigned)atoi(addr);

	if (first < 128)
		return 8;
	if (first < 192)
		return 16;
	return 24;
}

static int copy_field(char *dst, size_t len, const char *src)
{
	if (strlen(src) >= len)
		return -1;
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static int valid_name(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' ||
		      *s == '_'))
			return 0;
	return 1;
}

int netcfg_parse(const char *value, struct net_config *c, char *err,
		 size_t errlen)
{
	char buf[512], *f[FIELDS], *p;
	int n = 0, i;

	memset(c, 0, sizeof(*c));
	c->mode = NET_DHCP;
	err[0] = '\0';
	if (!value || !*value)
		return 0;
	if (!strcmp(value, "off") || !strcmp(value, "none")) {
		c->mode = NET_OFF;
		return 0;
	}
	if (!strcmp(value, "dhcp") || !strcmp(value, "on") ||
	    !strcmp(value, "any") || !strcmp(value, "both") ||
	    !strcmp(value, "bootp"))
		return 0;
	if (strlen(value) >= sizeof(buf)) {
		set_err(err, errlen, "ip= is too long:", value);
		return -1;
	}
	memcpy(buf, value, strlen(value) + 1);
	for (p = buf, f[n++] = p; *p && n < FIELDS; p++)
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	if (strchr(f[n - 1], ':')) {
		set_err(err, errlen, "ip= has too many fields:", value);
		return -1;
	}
	for (i = n; i < FIELDS; i++)
		f[i] = "";

	if (*f[5] && (copy_field(c->device, sizeof(c->device), f[5]) ||
		      !valid_name(f[5]))) {
		set_err(err, errlen, "ip=: bad device", f[5]);
		goto dhcp;
	}
	if (*f[4] && (copy_field(c->hostname, sizeof(c->hostname), f[4]) ||
		      !valid_name(f[4]))) {
		set_err(err, errlen, "ip=: bad hostname", f[4]);
		goto dhcp;
	}
	if (!strcmp(f[6], "off") || !strcmp(f[6], "none")) {
		if (!*f[0]) {
			c->mode = NET_OFF;
			return 0;
		}
	} else if (*f[6] && strcmp(f[6], "dhcp") && strcmp(f[6], "on") &&
		   strcmp(f[6], "any") && strcmp(f[6], "both") &&
		   strcmp(f[6], "bootp")) {
		set_err(err, errlen, "ip=: unknown autoconf", f[6]);
		goto dhcp;
	} else if (*f[6] || !*f[0]) {
		return 0; /* DHCP, perhaps on one device */
	}

	if (!is_ipv4(f[0])) {
		set_err(err, errlen, "ip=: bad client address", f[0]);
		goto dhcp;
	}
	copy_field(c->address, sizeof(c->address), f[0]);
	if (*f[1] && !is_ipv4(f[1])) {
		set_err(err, errlen, "ip=: bad server address", f[1]);
		goto dhcp;
	}
	if (*f[2]) {
		if (!is_ipv4(f[2])) {
			set_err(err, errlen, "ip=: bad gateway", f[2]);
			goto dhcp;
		}
		copy_field(c->gateway, sizeof(c->gateway), f[2]);
	}
	c->prefix = *f[3] ? mask_prefix(f[3]) : class_prefix(f[0]);
	if (c->prefix < 0) {
		set_err(err, errlen, "ip=: bad netmask", f[3]);
		goto dhcp;
	}
	for (i = 0; i < 2; i++) {
		if (!*f[7 + i])
			continue;
		if (!is_ipv4(f[7 + i])) {
			set_err(err, errlen, "ip=: bad DNS server", f[7 + i]);
			goto dhcp;
		}
		copy_field(c->dns[i], sizeof(c->dns[i]), f[7 + i]);
	}
	c->mode = NET_STATIC;
	return 0;
dhcp:
	memset(c, 0, sizeof(*c));
	c->mode = NET_DHCP;
	return -1;
}

int netcfg_write(const struct net_config *c, const char *path)
{
	static const char *modes[] = { "dhcp", "static", "off" };
	char tmp[PATH_MAX];
	FILE *f;
	int rc;

	/* every field was validated to hold no shell metacharacters */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	f = fopen(tmp, "we");
	if (!f)
		return -1;
	rc = fprintf(f,
		     "NET_MODE=%s\nNET_DEVICE='%s'\nNET_ADDRESS='%s'\n"
		     "NET_PREFIX='%d'\nNET_GATEWAY='%s'\nNET_HOSTNAME='%s'\n"
		     "NET_DNS='%s%s%s'\n",
		     modes[c->mode], c->device, c->address, c->prefix,
		     c->gateway, c->hostname, c->dns[0],
		     c->dns[1][0] ? " " : "", c->dns[1]);
	if (fclose(f) != 0 || rc < 0)
		return -1;
	return rename(tmp, path);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int netcfg_interfaces(const char *root, char names[][NETCFG_NAME_SIZE], int max)
{
	char path[PATH_MAX], buf[16];
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (!path_join(path, sizeof(path), root, "/sys/class/net"))
		return 0;
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "lo") ||
		    strlen(e->d_name) >= NETCFG_NAME_SIZE)
			continue;
		if (snprintf(path, sizeof(path), "%s/sys/class/net/%s/type",
			     root, e->d_name) >= (int)sizeof(path) ||
		    read_text(path, buf, sizeof(buf)) <= 0)
			continue;
		if (atoi(buf) != 1) /* ARPHRD_ETHER */
			continue;
		memcpy(names[n++], e->d_name, strlen(e->d_name) + 1);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_name);
	return n;
}
