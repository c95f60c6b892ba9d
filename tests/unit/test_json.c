/* The JSON writer and the disk table as JSON (lifeboat disks --json). */
#include "check.h"
#include "fakeroot.h"

#include "disktable.h"
#include "json.h"

#include <stdlib.h>

static char *text;
static size_t len;

static FILE *mem(void)
{
	free(text);
	text = NULL;
	return open_memstream(&text, &len);
}

static void test_writer(void)
{
	FILE *f = mem();
	struct json j;

	json_init(&j, f);
	json_open(&j, '{');
	json_kv_text(&j, "a", "q\"b\\s\n\t\x01\x7f");
	json_kv_text(&j, "empty", "");
	json_kv_int(&j, "n", -5);
	json_key(&j, "list");
	json_open(&j, '[');
	json_bool(&j, true);
	json_null(&j);
	json_open(&j, '{');
	json_close(&j, '}');
	json_close(&j, ']');
	json_kv_words(&j, "w", " read-only  lifeboat-medium ");
	/* valid UTF-8 passes; a stray byte, an overlong form, a surrogate not */
	json_kv_text(&j, "u",
		     "\xc3\xa9\xe2\x82\xac|\xff|\xc0\xaf|\xed\xa0\x80");
	json_close(&j, '}');
	CHECK_INT(fclose(f), 0);
	CHECK_STR(text,
		  "{\"a\":\"q\\\"b\\\\s\\n\\t\\u0001\\u007f\",\"empty\":"
		  "null,\"n\":-5,\"list\":[true,null,{}],\"w\":[\"read-"
		  "only\",\"lifeboat-medium\"],\"u\":\"\xc3\xa9\xe2\x82"
		  "\xac|\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd\"}\n");
}

static void test_disks(void)
{
	static struct disk_row rows[4];
	char buf[PATH_MAX];
	const char *root = fakeroot_new(buf, sizeof(buf));
	FILE *f;

	memset(rows, 0, sizeof(rows));
	strcpy(rows[0].name, "sda");
	strcpy(rows[0].dev, "sda");
	rows[0].slot = 0;
	rows[0].bytes = 1 << 20;
	strcpy(rows[0].serial, "S0");
	strcpy(rows[0].flags, "read-only");
	strcpy(rows[1].name, "sda1");
	strcpy(rows[1].dev, "sda1");
	rows[1].is_part = 1;
	rows[1].slot = -1;
	strcpy(rows[1].fs.type, "LVM2_member");
	strcpy(rows[2].name, "rl/root");
	strcpy(rows[2].dev, "dm-0");
	strcpy(rows[2].alias[0], "mapper/rl-root");
	strcpy(rows[2].alias[1], "rl/root");
	rows[2].stack = 1;
	rows[2].disk = -1;
	rows[2].slot = -1;
	strcpy(rows[2].fs.type, "xfs");
	strcpy(rows[2].fs.uuid, "0123-4567");
	fakeroot_write(root, "/sys/class/block/sda1/holders/dm-0", "");
	fakeroot_write(root, "/sys/class/block/dm-0/slaves/sda1", "");
	fakeroot_write(root, "/proc/self/mounts",
		       "/dev/mapper/rl-root /media/a\\040b xfs ro 0 0\n"
		       "/dev/sda2 /x ext4 rw 0 0\n"
		       "/dev/dm-0 /y xfs ro 0 0\n");
	f = mem();
	disktable_json(f, root, rows, 3);
	CHECK_INT(fclose(f), 0);
	CHECK_STR(
		text,
		"{\"schema\":1,\"disks\":["
		"{\"name\":\"sda\",\"dev\":\"/dev/sda\",\"type\":\"disk\","
		"\"slot\":0,\"size\":1048576,\"serial\":\"S0\",\"fs\":null,"
		"\"label\":null,\"uuid\":null,\"mounts\":[],\"parents\":[],"
		"\"children\":[\"sda1\"],\"flags\":[\"read-only\"],"
		"\"note\":null,\"state\":null,\"os\":null},"
		"{\"name\":\"sda1\",\"dev\":\"/dev/sda1\",\"type\":\"part\","
		"\"slot\":null,\"size\":0,\"serial\":null,\"fs\":"
		"\"LVM2_member\",\"label\":null,\"uuid\":null,\"mounts\":[],"
		"\"parents\":[\"sda\"],\"children\":[\"rl/root\"],\"flags\":"
		"[],\"note\":null,\"state\":null,\"os\":null},"
		"{\"name\":\"rl/root\",\"dev\":\"/dev/dm-0\",\"type\":\"lvm\","
		"\"slot\":null,\"size\":0,\"serial\":null,\"fs\":\"xfs\","
		"\"label\":null,\"uuid\":\"0123-4567\",\"mounts\":[\"/media/"
		"a b\",\"/y\"],\"parents\":[\"sda1\"],\"children\":[],"
		"\"flags\":[],\"note\":null,\"state\":null,\"os\":null}]}\n");
	fakeroot_free(root);
}

int main(void)
{
	test_writer();
	test_disks();
	free(text);
	return check_done();
}
