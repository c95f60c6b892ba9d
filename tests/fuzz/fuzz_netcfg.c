/* The value of ip= (netcfg_parse), with a roomy and a tiny error buffer. */
#include "fuzz.h"
#include "netcfg.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_config c;
	char err[128], tiny[4];
	char *value = fuzz_cstring(data, size);
	int rc = netcfg_parse(value, &c, err, sizeof(err));

	FUZZ_TERMINATED(err);
	FUZZ_TERMINATED(c.device);
	FUZZ_TERMINATED(c.address);
	FUZZ_TERMINATED(c.gateway);
	FUZZ_TERMINATED(c.hostname);
	FUZZ_TERMINATED(c.dns[0]);
	FUZZ_TERMINATED(c.dns[1]);
	if (rc != 0 && (rc != -1 || c.mode != NET_DHCP || !err[0]))
		abort();
	if (c.mode == NET_STATIC && (c.prefix < 0 || c.prefix > 32))
		abort();
	netcfg_parse(value, &c, tiny, sizeof(tiny));
	FUZZ_TERMINATED(tiny);
	free(value);
	return 0;
}
