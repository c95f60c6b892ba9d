/*
 * Fake on-disk headers for the unit tests and the fuzz seeds: an LVM2 PV
 * (label, PV header, mda header, metadata text), a LUKS2 header with its
 * JSON, md superblocks. Laid out as lvm2, cryptsetup and mdadm write them.
 */
#ifndef LB_ONDISK_FAKE_H
#define LB_ONDISK_FAKE_H

#include <stdint.h>
#include <string.h>

static inline void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

#define FAKE_MDA 4096
#define FAKE_MDA_SIZE (1024 * 1024 - 4096)

/*
 * An LVM2 PV in disk (at least 8 KiB + text): the label in sector `sector`,
 * one data area, one metadata area at 4 KiB whose newest text sits at
 * `text_off` within it (wrapping when it runs past `mda_size`).
 */
static inline void fake_lvm2(uint8_t *disk, unsigned sector, uint64_t mda_size,
			     uint64_t text_off, const char *text)
{
	uint8_t *l = disk + 512 * sector, *pv, *h = disk + FAKE_MDA;
	size_t n = strlen(text), first;

	memcpy(l, "LABELONE", 8);
	put_le64(l + 8, sector);
	put_le32(l + 20, 32);
	memcpy(l + 24, "LVM2 001", 8);
	pv = l + 32;
	memset(pv, 'U', 32);
	put_le64(pv + 32, 64 << 20);
	put_le64(pv + 40, 1 << 20); /* data area */
	put_le64(pv + 56, 0); /* end of data areas */
	put_le64(pv + 72, FAKE_MDA); /* metadata area */
	put_le64(pv + 80, mda_size);
	put_le64(pv + 88, 0); /* end of metadata areas */
	memcpy(h + 4, " LVM2 x[5A%r0N*>", 16);
	put_le32(h + 20, 1);
	put_le64(h + 24, FAKE_MDA);
	put_le64(h + 32, mda_size);
	put_le64(h + 40, text_off);
	put_le64(h + 48, n);
	first = mda_size - text_off < n ? (size_t)(mda_size - text_off) : n;
	memcpy(h + text_off, text, first);
	memcpy(h + 512, text + first, n - first);
}

/* A LUKS2 primary header (16 KiB) with json in its JSON area. */
static inline void fake_luks2(uint8_t *disk, const char *json)
{
	memcpy(disk, "LUKS\xba\xbe\x00\x02", 8);
	put_be64(disk + 8, 16384);
	memcpy(disk + 4096, json, strlen(json));
}

#define FAKE_LUKS2_JSON                                                        \
	"{\"keyslots\":{\"0\":{\"type\":\"luks2\",\"key_size\":64,"            \
	"\"af\":{\"type\":\"luks1\",\"stripes\":4000,\"hash\":\"sha256\"},"    \
	"\"area\":{\"type\":\"raw\",\"offset\":\"32768\",\"size\":\"258048\"," \
	"\"encryption\":\"aes-xts-plain64\",\"key_size\":64},"                 \
	"\"kdf\":{\"type\":\"argon2id\",\"time\":4,\"memory\":1048576,"        \
	"\"cpus\":4,\"salt\":\"abc=\"}},"                                      \
	"\"1\":{\"type\":\"luks2\",\"kdf\":{\"type\":\"pbkdf2\","              \
	"\"hash\":\"sha256\",\"iterations\":1000,\"salt\":\"x\"}},"            \
	"\"2\":{\"kdf\":{\"memory\":262144,\"type\":\"argon2i\"}}},"           \
	"\"tokens\":{},\"segments\":{\"0\":{\"type\":\"crypt\","               \
	"\"offset\":\"16777216\",\"size\":\"dynamic\",\"iv_tweak\":\"0\","     \
	"\"encryption\":\"aes-xts-plain64\",\"sector_size\":512}},"            \
	"\"digests\":{\"0\":{\"type\":\"pbkdf2\",\"keyslots\":[\"0\",\"1\"],"  \
	"\"segments\":[\"0\"],\"hash\":\"sha256\",\"iterations\":1,"           \
	"\"salt\":\"s\",\"digest\":\"d\"}},"                                   \
	"\"config\":{\"json_size\":\"12288\",\"keyslots_size\":\"16744448\","  \
	"\"flags\":[],\"requirements\":{\"mandatory\":[]}},"                   \
	"\"memory\":99999999,\"x\":[1.5e3,-2,true,false,null,\"\\u00e9\"]}"

/* An md 1.2 superblock at 4 KiB: level, members. */
static inline void fake_md1(uint8_t *disk, uint64_t off, int level,
			    unsigned members)
{
	uint8_t *sb = disk + off;

	put_le32(sb, 0xa92b4efc);
	put_le32(sb + 4, 1);
	memcpy(sb + 32, "host:root", 9);
	put_le32(sb + 72, (uint32_t)level);
	put_le32(sb + 92, members);
}

#endif
