#include "options.h"
#include "aptsources.h"
#include "jobs.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A boot line of 1000 typos must not flood a 115200 baud console. */
#define WARNINGS_SHOWN 8
/* x86 allows 2048 bytes; leave room for other architectures. */
#define CMDLINE_MAX 16384
/*
 * x86's COMMAND_LINE_SIZE - 1: a boot line this long was most likely cut
 * by the kernel (the boot protocol truncates silently), and the options
 * past the cut are lost. Say so, or a missing ssh_key= is a mystery.
 */
#define CMDLINE_KERNEL_MAX 2047

enum opt_kind { OPT_FLAG, OPT_TEXT, OPT_LIST };

struct opt_def {
	const char *name;
	enum opt_kind kind;
	size_t offset; /* of the bool, the char[] or the char[][] */
	size_t size; /* of one value, NUL included */
	int max; /* OPT_LIST: how many values fit */
	size_t count_offset; /* OPT_LIST: the int counting them */
	bool (*valid)(const char *value, size_t len);
	const char *expect; /* what a valid value looks like, for warnings */
	bool secret; /* never shown in a warning */
};

static bool valid_hostname(const char *v, size_t len);
static bool valid_nameserver(const char *v, size_t len);

#define FLAG(n, field)                                       \
	{                                                    \
		.name = n, .kind = OPT_FLAG,                 \
		.offset = offsetof(struct lb_options, field) \
	}
#define TEXT(n, field, check, what)                              \
	{                                                        \
		.name = n, .kind = OPT_TEXT,                     \
		.offset = offsetof(struct lb_options, field),    \
		.size = sizeof(((struct lb_options *)0)->field), \
		.valid = check, .expect = what                   \
	}
/* A TEXT whose value no warning shows: the console may be shared. */
#define SECRET(n, field)                                         \
	{                                                        \
		.name = n, .kind = OPT_TEXT,                     \
		.offset = offsetof(struct lb_options, field),    \
		.size = sizeof(((struct lb_options *)0)->field), \
		.secret = true                                   \
	}
#define LIST(n, field, counter, check, what)                          \
	{                                                             \
		.name = n, .kind = OPT_LIST,                          \
		.offset = offsetof(struct lb_options, field),         \
		.size = sizeof(((struct lb_options *)0)->field[0]),   \
		.max = ARRAY_SIZE(((struct lb_options *)0)->field),   \
		.count_offset = offsetof(struct lb_options, counter), \
		.valid = check, .expect = what                        \
	}

/* Every option Lifeboat understands; README.md documents them. */
static const struct opt_def opt_defs[] = {
	TEXT("hostname", hostname, valid_hostname,
	     "letters, digits, '-' and '.', at most 63"),
	FLAG("readonly", readonly),
	TEXT("ip", ip, NULL, NULL),
	LIST("nameserver", nameservers, nameserver_count, valid_nameserver,
	     "an IP address"),
	FLAG("sshd", sshd),
	SECRET("passwd", passwd),
	LIST("ssh_key", ssh_keys, ssh_key_count, NULL, NULL),
	TEXT("mirror", mirror, apt_mirror_valid,
	     "an http:// or https:// URL without spaces or quotes"),
	FLAG("lifeboat.debug", debug),
	LIST("lifeboat.run", run, run_count, NULL, NULL),
	TEXT("lifeboat.then", then, jobs_then_valid,
	     "poweroff, reboot or shell"),
	TEXT("lifeboat.timeout", timeout, jobs_timeout_valid,
	     "seconds, or a number with s, m or h, at most 7 days"),
};

/*
 * Parameters of the kernel and of common boot loaders that reach
 * /proc/cmdline. Anything with a '.' is a module or subsystem parameter
 * (scsi_mod.scan=, net.ifnames=) and is foreign too, unless it is ours.
 */
static const char foreign[] =
	"BOOTIF BOOT_IMAGE acpi add_efi_memmap amd_iommu apic audit "
	"clocksource console consoleblank crashkernel debug earlycon "
	"earlyprintk edd efi elevator hugepages ignore_loglevel init "
	"initcall_debug initrd intel_iommu iommu irqpoll isolcpus "
	"keep_bootcon lockdown loglevel lsm maxcpus mem memmap mitigations "
	"nmi_watchdog noapic noefi nohz noinitrd nokaslr nolapic nomodeset "
	"nopti nosmp nosplash nowatchdog nr_cpus numa panic pci pcie_aspm "
	"pti quiet ramdisk_size rdinit reboot resume ro root rootdelay "
	"rootflags rootfstype rootwait rw security selinux splash swiotlb "
	"threadirqs transparent_hugepage tsc vga video";

bool option_is_foreign(const char *name, size_t len)
{
	static const char ours[] = "lifeboat.";

	if (len >= sizeof(ours) - 1 && !memcmp(name, ours, sizeof(ours) - 1))
		return false;
	if (memchr(name, '.', len))
		return true;
	for (const char *w = foreign; *w;) {
		size_t wlen = strcspn(w, " ");

		if (wlen == len && !memcmp(w, name, len))
			return true;
		w += wlen;
		w += *w == ' ';
	}
	return false;
}

static bool valid_hostname(const char *v, size_t len)
{
	size_t label = 0;

	if (len == 0 || len >= LB_HOSTNAME_SIZE)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (c == '.') {
			if (label == 0 || v[i - 1] == '-')
				return false;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '-') {
			if (c == '-' && label == 0)
				return false;
			label++;
		} else {
			return false;
		}
	}
	return label > 0 && v[len - 1] != '-';
}

static bool valid_nameserver(const char *v, size_t len)
{
	if (len == 0)
		return false;
	/* IPv4, IPv6, and a %zone for link-local IPv6 */
	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == ':' ||
		      c == '%' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

struct parser {
	struct lb_options *o;
	int shown;
};

static void warn(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn(struct parser *p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	p->o->warnings++;
	if (p->shown >= WARNINGS_SHOWN)
		return;
	p->shown++;
	va_start(ap, fmt);
	/* a warning cut short still names the option */
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lb_warn("boot option %s", msg);
}

static bool has_control_chars(const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return false;
}

static bool parse_bool(const char *v, size_t len, bool *out)
{
	static const char *const yes[] = { "1", "yes", "y", "on", "true" };
	static const char *const no[] = { "0", "no", "n", "off", "false" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strlen(yes[i]) == len && !memcmp(yes[i], v, len)) {
			*out = true;
			return true;
		}
		if (strlen(no[i]) == len && !memcmp(no[i], v, len)) {
			*out = false;
			return true;
		}
	}
	return false;
}

static void apply(struct parser *p, const struct opt_def *d, const char *val,
		  size_t len)
{
	char *base = (char *)p->o + d->offset;
	char *dst = base;
	int *count = NULL;

	if (d->kind == OPT_FLAG) {
		bool *flag = (bool *)(void *)base;

		if (!val)
			*flag = true;
		else if (!parse_bool(val, len, flag))
			warn(p, "%s=: expected 1/0, yes/no or on/off; ignored",
			     d->name);
		return;
	}
	if (d->secret && val && len == 0) {
		warn(p, "%s= is empty: an empty password is never set; ignored",
		     d->name);
		return;
	}
	if (!val || len == 0) {
		warn(p, "%s= needs a value; ignored", d->name);
		return;
	}
	if (len >= d->size) {
		warn(p, "%s= is too long (%zu bytes, at most %zu); ignored",
		     d->name, len, d->size - 1);
		return;
	}
	if (d->secret && has_control_chars(val, len)) {
		warn(p, "%s= holds control characters; ignored", d->name);
		return;
	}
	if (has_control_chars(val, len) || (d->valid && !d->valid(val, len))) {
		char shown[48];

		printable(shown, sizeof(shown), val, len < 24 ? len : 24);
		warn(p, "%s=%s%s is not valid%s%s; ignored", d->name, shown,
		     len > 24 ? "..." : "", d->expect ? ", expected " : "",
		     d->expect ? d->expect : "");
		return;
	}
	if (d->kind == OPT_LIST) {
		count = (int *)(void *)((char *)p->o + d->count_offset);
		if (*count >= d->max) {
			warn(p,
			     "%s= given more than %d times; the rest ignored",
			     d->name, d->max);
			return;
		}
		dst = base + (size_t)*count * d->size;
		(*count)++;
	}
	memcpy(dst, val, len);
	dst[len] = '\0';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

/*
 * One parameter the way the kernel's next_arg() splits them: whitespace
 * outside double quotes ends it, the first '=' separates name and value,
 * and quotes around the value (or the whole parameter) are dropped.
 */
static void parse_one(struct parser *p, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	const char *name = s, *val = NULL;
	size_t nlen = eq ? (size_t)(eq - s) : len, vlen = 0;
	bool quoted = false;

	if (nlen > 0 && name[0] == '"') {
		name++;
		nlen--;
		quoted = true;
	}
	if (eq) {
		val = eq + 1;
		vlen = (size_t)(s + len - val);
		if (vlen > 0 && val[0] == '"') {
			val++;
			vlen--;
			quoted = true;
		}
		if (quoted && vlen > 0 && val[vlen - 1] == '"')
			vlen--;
	} else if (quoted && nlen > 0 && name[nlen - 1] == '"') {
		nlen--;
	}
	if (nlen == 2 && !memcmp(name, "--", 2))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(opt_defs); i++) {
		const struct opt_def *d = &opt_defs[i];

		if (strlen(d->name) == nlen && !memcmp(d->name, name, nlen)) {
			apply(p, d, val, vlen);
			return;
		}
	}
	if ((nlen == 8 && !memcmp(name, "loglevel", 8)) ||
	    (nlen == 5 && !memcmp(name, "debug", 5)) ||
	    (nlen == 15 && !memcmp(name, "ignore_loglevel", 15)))
		p->o->kernel_loglevel = true;
	if (!option_is_foreign(name, nlen)) {
		char shown[48];

		printable(shown, sizeof(shown), name, nlen < 24 ? nlen : 24);
		warn(p, "'%s%s' is unknown; ignored", shown,
		     nlen > 24 ? "..." : "");
	}
}

void options_apply(struct lb_options *o, const char *name, const char *value)
{
	struct parser p = { .o = o };

	for (size_t i = 0; i < ARRAY_SIZE(opt_defs); i++) {
		if (!strcmp(opt_defs[i].name, name)) {
			apply(&p, &opt_defs[i], value, strlen(value));
			return;
		}
	}
}

void options_scrub_secrets(char **envp)
{
	for (; envp && *envp; envp++) {
		char *eq = strchr(*envp, '=');

		if (!eq)
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(opt_defs); i++) {
			const char *name = opt_defs[i].name;
			size_t nlen = strlen(name);

			if (opt_defs[i].secret &&
			    (size_t)(eq - *envp) == nlen &&
			    !memcmp(*envp, name, nlen))
				explicit_bzero(eq + 1, strlen(eq + 1));
		}
	}
}

void options_defaults(struct lb_options *o)
{
	memset(o, 0, sizeof(*o));
	memcpy(o->hostname, LB_DEFAULT_HOSTNAME, sizeof(LB_DEFAULT_HOSTNAME));
}

int options_parse(struct lb_options *o, const char *cmdline)
{
	struct parser p = { .o = o };
	const char *s = cmdline;

	for (;;) {
		bool in_quote = false;
		size_t i = 0;

		while (is_space(*s))
			s++;
		if (!*s)
			break;
		for (; s[i]; i++) {
			if (is_space(s[i]) && !in_quote)
				break;
			if (s[i] == '"')
				in_quote = !in_quote;
		}
		parse_one(&p, s, i);
		s += i;
	}
	if (p.shown < o->warnings)
		lb_warn("boot options: %d more warnings not shown",
			o->warnings - p.shown);
	return o->warnings;
}

int options_read(struct lb_options *o, const char *root)
{
	static char cmdline[CMDLINE_MAX];
	char path[256];
	ssize_t n;

	options_defaults(o);
	if (!path_join(path, sizeof(path), root, "/proc/cmdline") ||
	    (n = read_text(path, cmdline, sizeof(cmdline))) < 0) {
		lb_warn("cannot read /proc/cmdline: %s; using defaults",
			strerror(errno));
		o->warnings = 1;
		return 1;
	}
	/* A NUL would end the line early; the rest may still be ours. */
	for (ssize_t i = 0; i < n; i++)
		if (cmdline[i] == '\0')
			cmdline[i] = ' ';
	options_parse(o, cmdline);
	if (n > 0 && cmdline[n - 1] == '\n')
		n--;
	if (n >= CMDLINE_KERNEL_MAX) {
		lb_warn("the boot line is %zd bytes, the kernel's limit: "
			"options past it were cut off",
			n);
		o->warnings++;
	}
	return o->warnings;
}

/* A small buffered writer: the options file must not need malloc. */
struct out {
	int fd;
	bool failed;
	size_t len;
	char buf[1024];
};

static void out_flush(struct out *w)
{
	if (!w->failed && write_all(w->fd, w->buf, w->len) < 0)
		w->failed = true;
	w->len = 0;
}

static void out_putc(struct out *w, char c)
{
	if (w->len == sizeof(w->buf))
		out_flush(w);
	w->buf[w->len++] = c;
}

static void out_puts(struct out *w, const char *s)
{
	while (*s)
		out_putc(w, *s++);
}

static void out_quoted(struct out *w, const char *s)
{
	out_putc(w, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			out_puts(w, "'\\''");
		else
			out_putc(w, *s);
	}
	out_putc(w, '\'');
}

static void out_var(struct out *w, const char *key, const char *value)
{
	out_puts(w, key);
	out_putc(w, '=');
	out_quoted(w, value);
	out_putc(w, '\n');
}

static void out_int(struct out *w, const char *key, int v)
{
	char num[16];

	(void)snprintf(num, sizeof(num), "%d", v); /* an int fits */
	out_puts(w, key);
	out_putc(w, '=');
	out_puts(w, num);
	out_putc(w, '\n');
}

static void out_list(struct out *w, const char *key, int count, const char *v,
		     size_t stride)
{
	char name[64];

	/* a cut name would be another variable: fail the file instead */
	if (snprintf(name, sizeof(name), "%s_COUNT", key) >=
	    (int)sizeof(name)) {
		errno = ENAMETOOLONG;
		w->failed = true;
		return;
	}
	out_int(w, name, count);
	for (int i = 0; i < count; i++) {
		if (snprintf(name, sizeof(name), "%s_%d", key, i + 1) >=
		    (int)sizeof(name)) {
			errno = ENAMETOOLONG;
			w->failed = true;
			return;
		}
		out_var(w, name, v + (size_t)i * stride);
	}
}

/* The nameservers, space-separated: each holds less than its size, so all fit. */
static void join_nameservers(const struct lb_options *o,
			     char buf[LB_NAMESERVERS_MAX * LB_NAMESERVER_SIZE])
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < o->nameserver_count; i++) {
		size_t l = strlen(o->nameservers[i]);

		if (n)
			buf[n++] = ' ';
		memcpy(buf + n, o->nameservers[i], l + 1);
		n += l;
	}
}

int options_write(const struct lb_options *o, const char *path)
{
	struct out w = { .fd = -1 };
	char tmp[4096];
	char servers[LB_NAMESERVERS_MAX * LB_NAMESERVER_SIZE];
	int err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	w.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY,
		    0600);
	if (w.fd < 0)
		return -1;

	join_nameservers(o, servers);
	out_puts(&w, "# Lifeboat boot options from the kernel command line, "
		     "written by /init.\n");
	/* what the scripts read: net-up, udhcpc's script, ssh-boot */
	out_var(&w, "LB_HOSTNAME", o->hostname);
	out_var(&w, "LB_NAMESERVERS", servers);
	out_int(&w, "LB_SSHD", o->sshd);
	out_var(&w, "LB_PASSWD", o->passwd);
	out_list(&w, "LB_SSH_KEY", o->ssh_key_count, o->ssh_keys[0],
		 sizeof(o->ssh_keys[0]));
	out_flush(&w);

	if (w.failed) {
		err = errno;
		close(w.fd);
		unlink(tmp);
		errno = err;
		return -1;
	}
	if (close(w.fd) < 0 || rename(tmp, path) < 0) {
		err = errno;
		unlink(tmp);
		errno = err;
		return -1;
	}
	return 0;
}
