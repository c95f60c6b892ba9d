// SPDX-License-Identifier: GPL-2.0
#include "netcfg.h"
#include "util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The fields of ip=, in the kernel's order (Documentation/.../nfsroot). */
enum ip_field {
	F_CLIENT,
	F_SERVER,
	F_GATEWAY,
	F_NETMASK,
	F_HOSTNAME,
	F_DEVICE,
	F_AUTOCONF,
	F_DNS0,
	F_DNS1,
	F_NTP0,
	FIELDS
};

/* Why v is refused, into err; -1, for the caller to return. */
static int set_err(char *err, size_t len, const char *what, const char *v)
{
	/* cut on purpose: a garbage value is shown by its start */
	(void)snprintf(err, len, "%s '%.40s'%s", what, v,
		       strlen(v) > 40 ? "..." : "");
	return -1;
}

/* The autoconf words that mean DHCP (the kernel's BOOTP and RARP too). */
static bool is_dhcp_word(const char *s)
{
	return !strcmp(s, "dhcp") || !strcmp(s, "on") || !strcmp(s, "any") ||
	       !strcmp(s, "both") || !strcmp(s, "bootp");
}

static bool is_off_word(const char *s)
{
	return !strcmp(s, "off") || !strcmp(s, "none");
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

/* buf's colon-separated fields into f ("" past the end); -1: too many. */
static int split_fields(char *buf, const char *f[FIELDS])
{
	char *p;
	int n = 0;

	for (p = buf, f[n++] = p; *p && n < FIELDS; p++)
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	if (strchr(f[n - 1], ':'))
		return -1;
	for (int i = n; i < FIELDS; i++)
		f[i] = "";
	return 0;
}

static int parse_names(const char *const f[FIELDS], struct net_config *c,
		       char *err, size_t errlen)
{
	if (*f[F_DEVICE] &&
	    (copy_field(c->device, sizeof(c->device), f[F_DEVICE]) ||
	     !valid_name(f[F_DEVICE])))
		return set_err(err, errlen, "ip=: bad device", f[F_DEVICE]);
	if (*f[F_HOSTNAME] &&
	    (copy_field(c->hostname, sizeof(c->hostname), f[F_HOSTNAME]) ||
	     !valid_name(f[F_HOSTNAME])))
		return set_err(err, errlen, "ip=: bad hostname", f[F_HOSTNAME]);
	return 0;
}

/* What autoconf and the client address ask for; -1 for an unknown word. */
static int wanted_mode(const char *const f[FIELDS], char *err, size_t errlen)
{
	if (is_off_word(f[F_AUTOCONF]))
		return *f[F_CLIENT] ? NET_STATIC : NET_OFF;
	if (*f[F_AUTOCONF] && !is_dhcp_word(f[F_AUTOCONF]))
		return set_err(err, errlen, "ip=: unknown autoconf",
			       f[F_AUTOCONF]);
	/* DHCP, perhaps on one device */
	return *f[F_AUTOCONF] || !*f[F_CLIENT] ? NET_DHCP : NET_STATIC;
}

static int parse_static(const char *const f[FIELDS], struct net_config *c,
			char *err, size_t errlen)
{
	if (!is_ipv4(f[F_CLIENT]))
		return set_err(err, errlen, "ip=: bad client address",
			       f[F_CLIENT]);
	copy_field(c->address, sizeof(c->address), f[F_CLIENT]);
	if (*f[F_SERVER] && !is_ipv4(f[F_SERVER]))
		return set_err(err, errlen, "ip=: bad server address",
			       f[F_SERVER]);
	if (*f[F_GATEWAY]) {
		if (!is_ipv4(f[F_GATEWAY]))
			return set_err(err, errlen, "ip=: bad gateway",
				       f[F_GATEWAY]);
		copy_field(c->gateway, sizeof(c->gateway), f[F_GATEWAY]);
	}
	c->prefix = *f[F_NETMASK] ? mask_prefix(f[F_NETMASK]) :
				    class_prefix(f[F_CLIENT]);
	if (c->prefix < 0)
		return set_err(err, errlen, "ip=: bad netmask", f[F_NETMASK]);
	for (int i = 0; i < 2; i++) {
		const char *dns = f[F_DNS0 + i];

		if (!*dns)
			continue;
		if (!is_ipv4(dns))
			return set_err(err, errlen, "ip=: bad DNS server", dns);
		copy_field(c->dns[i], sizeof(c->dns[i]), dns);
	}
	return NET_STATIC;
}

int netcfg_parse(const char *value, struct net_config *c, char *err,
		 size_t errlen)
{
	char buf[512];
	const char *f[FIELDS];
	int mode;

	memset(c, 0, sizeof(*c));
	c->mode = NET_DHCP;
	err[0] = '\0';
	if (!value || !*value || is_dhcp_word(value))
		return 0;
	if (is_off_word(value)) {
		c->mode = NET_OFF;
		return 0;
	}
	if (strlen(value) >= sizeof(buf))
		return set_err(err, errlen, "ip= is too long:", value);
	memcpy(buf, value, strlen(value) + 1);
	if (split_fields(buf, f) < 0)
		return set_err(err, errlen, "ip= has too many fields:", value);
	mode = parse_names(f, c, err, errlen) < 0 ? -1 :
						    wanted_mode(f, err, errlen);
	if (mode == NET_STATIC)
		mode = parse_static(f, c, err, errlen);
	if (mode < 0) {
		/* a malformed value gives DHCP, never half a configuration */
		memset(c, 0, sizeof(*c));
		c->mode = NET_DHCP;
		return -1;
	}
	c->mode = (enum net_mode)mode;
	return 0;
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
