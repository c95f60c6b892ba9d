// SPDX-License-Identifier: GPL-2.0
/* crypttab(5) lines as Ubuntu's installer and people write them. */
#include <string.h>

#include "check.h"
#include "crypttab.h"

static void test_entries(void)
{
	const char *text =
		"# <target name> <source device> <key file> "
		"<options>\n"
		"\n"
		"dm_crypt-0 UUID=5a1e-0e2a none luks\n"
		"  data\t/dev/sdb1   /etc/keys/data.key  luks,discard\n"
		"short\n"
		"home PARTUUID=abcd\n"
		"cswap /dev/sda5 /dev/urandom swap,cipher=aes-xts-plain64";
	struct crypttab_entry e;

	CHECK_INT(crypttab_next(&text, &e), 1);
	CHECK_STR(e.name, "dm_crypt-0");
	CHECK_STR(e.source, "UUID=5a1e-0e2a");
	CHECK_STR(e.key, "none");
	CHECK_STR(e.options, "luks");
	CHECK_INT(crypttab_key_is_file(e.key), 0);
	CHECK_INT(crypttab_next(&text, &e), 1);
	CHECK_STR(e.name, "data");
	CHECK_STR(e.source, "/dev/sdb1");
	CHECK_STR(e.key, "/etc/keys/data.key");
	CHECK_INT(crypttab_key_is_file(e.key), 1);
	CHECK_INT(crypttab_has(e.options, "discard"), 1);
	CHECK_INT(crypttab_has(e.options, "swap"), 0);
	/* "short" has no source: skipped */
	CHECK_INT(crypttab_next(&text, &e), 1);
	CHECK_STR(e.name, "home");
	CHECK_STR(e.key, "none");
	CHECK_STR(e.options, "");
	CHECK_INT(crypttab_next(&text, &e), 1);
	CHECK_STR(e.name, "cswap");
	CHECK_INT(crypttab_key_is_file(e.key), 0);
	CHECK_INT(crypttab_has(e.options, "swap"), 1);
	CHECK_INT(crypttab_has(e.options, "cipher"), 1);
	CHECK_INT(crypttab_has(e.options, "ciph"), 0);
	CHECK_INT(crypttab_next(&text, &e), 0);
	CHECK_INT(crypttab_next(&text, &e), 0);
}

static void test_too_long(void)
{
	char line[600];
	const char *text = line;
	struct crypttab_entry e;

	memset(line, 'x', 300);
	(void)strcpy(line + 300, " /dev/sda\nok /dev/sdb\n");
	CHECK_INT(crypttab_next(&text, &e), 1);
	CHECK_STR(e.name, "ok");
	CHECK_INT(crypttab_next(&text, &e), 0);
}

int main(void)
{
	test_entries();
	test_too_long();
	return check_done();
}
