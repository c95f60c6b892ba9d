// SPDX-License-Identifier: GPL-2.0
#include "fwcfg.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* 8 keys of LB_SSH_KEY_SIZE and their newlines */
#define FWCFG_TEXT_MAX (LB_SSH_KEYS_MAX * (LB_SSH_KEY_SIZE + 1) + 1)

bool fwcfg_path(char *buf, size_t size, const char *root, const char *name)
{
	return path_fmt(buf, size, "%s" FWCFG_BY_NAME "%s/raw", root, name);
}

bool fwcfg_has(const char *root, const char *name)
{
	char path[256];

	return fwcfg_path(path, sizeof(path), root, name) &&
	       access(path, R_OK) == 0;
}

/* fw_cfg file NAME into buf, NUL-terminated: true when there is one. */
static bool fwcfg_text(const char *root, const char *name, char *buf,
		       size_t size)
{
	char path[256];

	if (!fwcfg_path(path, sizeof(path), root, name) ||
	    access(path, F_OK) < 0)
		return false;
	if (read_text(path, buf, size) < 0) {
		lb_warn("cannot read fw_cfg %s: %s; ignored", name,
			strerror(errno));
		return false;
	}
	return true;
}

static void apply_keys(struct lb_options *o, char *text)
{
	for (char *line = strtok(text, "\r\n"); line;
	     line = strtok(NULL, "\r\n"))
		if (line[strspn(line, " \t")] && line[0] != '#')
			options_apply(o, "ssh_key", line);
}

void fwcfg_options(struct lb_options *o, const char *root)
{
	static char text[FWCFG_TEXT_MAX];
	static const struct {
		const char *file, *option;
		size_t offset;
	} singles[] = {
		{ "opt/lifeboat/then", "lifeboat.then",
		  offsetof(struct lb_options, then) },
		{ "opt/lifeboat/timeout", "lifeboat.timeout",
		  offsetof(struct lb_options, timeout) },
		{ "opt/lifeboat/passwd_hash", "passwd",
		  offsetof(struct lb_options, passwd) },
	};

	if (fwcfg_text(root, "opt/lifeboat/ssh_key", text, sizeof(text)))
		apply_keys(o, text);
	for (size_t i = 0; i < ARRAY_SIZE(singles); i++) {
		/* the boot line wins */
		if (((const char *)o + singles[i].offset)[0] ||
		    !fwcfg_text(root, singles[i].file, text, sizeof(text)))
			continue;
		text[strcspn(text, "\r\n")] = '\0';
		if (singles[i].offset == offsetof(struct lb_options, passwd) &&
		    text[0] != '$') {
			lb_warn("fw_cfg %s is not a crypt hash ($id$...); "
				"ignored",
				singles[i].file);
			continue;
		}
		options_apply(o, singles[i].option, text);
	}
	explicit_bzero(text, sizeof(text));
}
