/*
 * The boot options: everything Lifeboat reads from the kernel command line,
 * parsed once into one structure that the rest of /init reads, and written
 * to /run/lifeboat/options for the shell scripts (service ssh, the udhcpc
 * script).
 *
 * Sizes are fixed so that no boot line, however long or broken, can make
 * PID 1 allocate: a value that does not fit is refused with a warning and
 * the default stays.
 */
#ifndef LB_OPTIONS_H
#define LB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define LB_DEFAULT_HOSTNAME "lifeboat"
#define LB_HOSTNAME_SIZE 64 /* HOST_NAME_MAX + 1 */
#define LB_IP_SIZE 256
#define LB_NAMESERVERS_MAX 4
#define LB_NAMESERVER_SIZE 64
#define LB_PASSWD_SIZE 256
#define LB_SSH_KEYS_MAX 8
#define LB_SSH_KEY_SIZE 2048 /* an 8192-bit RSA key is ~1400 bytes */
#define LB_MIRROR_SIZE 256
#define LB_JOBS_MAX 8 /* lifeboat.run= */
#define LB_JOB_SIZE 1024
#define LB_THEN_SIZE 16
#define LB_TIMEOUT_SIZE 16

struct lb_options {
	char hostname[LB_HOSTNAME_SIZE]; /* hostname= */
	bool readonly; /* readonly: never write to the machine's disks */
	char ip[LB_IP_SIZE]; /* ip=, raw, for the network code */
	int nameserver_count; /* nameserver=, repeatable, raw */
	char nameservers[LB_NAMESERVERS_MAX][LB_NAMESERVER_SIZE];
	bool sshd; /* sshd: start the SSH server */
	char passwd[LB_PASSWD_SIZE]; /* passwd=: root password, raw */
	int ssh_key_count; /* ssh_key=, repeatable: authorized keys */
	char ssh_keys[LB_SSH_KEYS_MAX][LB_SSH_KEY_SIZE];
	char mirror[LB_MIRROR_SIZE]; /* mirror=: apt's Debian mirror, or "" */
	bool debug; /* lifeboat.debug: every log line on the console */
	/* loglevel=, debug or ignore_loglevel: the kernel's console level is the user's */
	bool kernel_loglevel;
	/* boot jobs (jobs.h): lifeboat.run= (a URL or a command), repeatable */
	int run_count;
	char run[LB_JOBS_MAX][LB_JOB_SIZE];
	char then[LB_THEN_SIZE]; /* lifeboat.then=: poweroff, reboot, shell */
	char timeout[LB_TIMEOUT_SIZE]; /* lifeboat.timeout=: 90, 90s, 5m, 2h */
	int warnings; /* how many problems the boot line had */
};

void options_defaults(struct lb_options *o);

/*
 * Overwrite in place the values of secret options (passwd=) in an
 * environment: the kernel hands them to init as environment variables, and
 * /proc/1/environ shows init's original environment block to anyone.
 */
void options_scrub_secrets(char **envp);

/*
 * Parse a kernel command line (as in /proc/cmdline) into o, which should
 * hold the defaults. Never fails: problems are logged as warnings (at most
 * a handful, then a count) and counted in o->warnings, which is returned.
 */
int options_parse(struct lb_options *o, const char *cmdline);

/* options_defaults + options_parse of root/proc/cmdline. */
int options_read(struct lb_options *o, const char *root);

/*
 * Write what the scripts read of o as shell-sourceable KEY='value' lines
 * (LB_HOSTNAME=...), each value one single-quoted word ('it'\''s'), mode
 * 0600 because of the password; atomically (temp file, rename).
 */
int options_write(const struct lb_options *o, const char *path);

/*
 * One option given outside the boot line (QEMU's fw_cfg, fwcfg.h), checked
 * and warned about like one of the line; name as on the line.
 */
void options_apply(struct lb_options *o, const char *name, const char *value);

/* Is this a parameter of the kernel or boot loader that we leave alone? */
bool option_is_foreign(const char *name, size_t len);

#endif
