/* Consoles from /sys/class/tty/console/active, and keeping shells on them. */
#include "check.h"
#include "fakeroot.h"

#include "console.h"
#include "log.h"
#include "supervise.h"

#include <sys/wait.h>

static char names[CONSOLES_MAX][CONSOLE_NAME_SIZE];

static const char *list(const char *active)
{
	static char joined[CONSOLES_MAX * CONSOLE_NAME_SIZE];
	char buf[PATH_MAX];
	const char *root = fakeroot_new(buf, sizeof(buf));
	int n;

	if (active)
		fakeroot_write(root, "/sys/class/tty/console/active", active);
	n = console_list(root, names, CONSOLES_MAX);
	joined[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(joined, " ");
		strcat(joined, names[i]);
	}
	fakeroot_free(root);
	return joined;
}

static void test_active_consoles(void)
{
	CHECK_STR(list("ttyS0\n"), "ttyS0");
	/* tty0 is "the current VT": the shell goes to tty1 */
	CHECK_STR(list("tty0 ttyS0\n"), "tty1 ttyS0");
	CHECK_STR(list("ttyS0 tty0 tty1 ttyS0\n"), "ttyS0 tty1");
	CHECK_STR(list("hvc0 ttyAMA0 ttyS1"), "hvc0 ttyAMA0 ttyS1");
	/* missing, empty or useless: /dev/console */
	CHECK_STR(list(NULL), "console");
	CHECK_STR(list(""), "console");
	CHECK_STR(list("\n"), "console");
	CHECK_STR(list("../../etc/passwd /dev/sda tty\x01 "
		       "averyveryveryverylongconsolename0"),
		  "console");
	CHECK_STR(list("  ../x  ttyS2  "), "ttyS2");
	CHECK_STR(list("t0 t1 t2 t3 t4 t5 t6 t7 t8 t9"),
		  "t0 t1 t2 t3 t4 t5 t6 t7");
}

static void test_term(void)
{
	CHECK_STR(console_term("ttyS0"), "vt102");
	CHECK_STR(console_term("ttyS12"), "vt102");
	CHECK_STR(console_term("tty1"), "linux");
	CHECK_STR(console_term("tty63"), "linux");
	CHECK_STR(console_term("hvc0"), "vt102");
	CHECK_STR(console_term("ttyAMA0"), "vt102");
	CHECK_STR(console_term("console"), "vt102");
}

static void test_sane_tty(void)
{
	struct termios t;

	memset(&t, 0xff, sizeof(t));
	t.c_cflag = B115200 | CS8;
	tty_make_sane(&t);
	CHECK((t.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG));
	CHECK(t.c_iflag & ICRNL);
	CHECK(!(t.c_iflag & INLCR));
	CHECK((t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR));
	CHECK(t.c_cc[VINTR] == 3 && t.c_cc[VERASE] == 127);
	/* the speed set by the boot loader stays */
	CHECK(cfgetospeed(&t) == B115200);
	CHECK(t.c_cflag & CLOCAL);
}

static void test_delays(void)
{
	for (int i = 0; i <= QUICK_EXITS_FREE; i++)
		CHECK_INT(respawn_delay_ms(i), 0);
	CHECK_INT(respawn_delay_ms(6), 1000);
	CHECK_INT(respawn_delay_ms(7), 2000);
	CHECK_INT(respawn_delay_ms(10), 5000);
	CHECK_INT(respawn_delay_ms(1000000), 5000);
}

static pid_t next_pid = 100;
static int spawn_fail;

static const struct boot_state *spawn_state;
static bool spawn_boot_table;

static pid_t fake_spawn(const char *name, const struct boot_state *st,
			bool boot_table)
{
	(void)name;
	spawn_state = st;
	spawn_boot_table = boot_table;
	if (spawn_fail) {
		errno = EAGAIN;
		return -1;
	}
	return next_pid++;
}

static void test_supervisor(void)
{
	static struct supervisor sv;
	char two[2][CONSOLE_NAME_SIZE] = { "tty1", "ttyS0" };
	int64_t t = 5000;
	int status = 0;

	static struct boot_state st;

	supervisor_init(&sv, two, 2, fake_spawn, &st);
	CHECK_INT(supervisor_next_due(&sv, t), 0);
	CHECK_INT(supervisor_start_due(&sv, t), 2);
	/* the first shells show what the boot learnt, its table included */
	CHECK(spawn_state == &st && spawn_boot_table);
	CHECK_INT(sv.slots[0].pid, 100);
	CHECK_INT(sv.slots[1].pid, 101);
	CHECK_INT(supervisor_next_due(&sv, t), -1);
	CHECK_INT(supervisor_start_due(&sv, t), 0);

	/* an orphan is not ours */
	CHECK(!supervisor_exited(&sv, 4242, status, t));

	/* a shell that lived long is replaced at once */
	t += 60000;
	CHECK(supervisor_exited(&sv, 101, status, t));
	CHECK_INT(sv.slots[1].quick_exits, 0);
	CHECK_INT(supervisor_next_due(&sv, t), 0);
	CHECK_INT(supervisor_start_due(&sv, t), 1);
	/* after a shell ended, the disks may have changed: probe them again */
	CHECK(spawn_state == &st && !spawn_boot_table);

	/* /bin/sh missing: five quick restarts, then a growing delay */
	unsigned int warnings = log_count(LB_WARN);
	for (int i = 1; i <= 12; i++) {
		pid_t pid = sv.slots[1].pid;

		t += 10;
		CHECK(supervisor_exited(&sv, pid, 127 << 8, t));
		CHECK_INT(sv.slots[1].quick_exits, i);
		CHECK_INT(supervisor_next_due(&sv, t), respawn_delay_ms(i));
		if (i == 12)
			CHECK_STR(log_last(),
				  "shell on ttyS0 exited 12 times quickly; "
				  "retrying in 5 s");
		/* not before it is due */
		if (respawn_delay_ms(i) > 0)
			CHECK_INT(supervisor_start_due(&sv, t), 0);
		t += respawn_delay_ms(i);
		CHECK_INT(supervisor_start_due(&sv, t), 1);
	}
	CHECK_INT(log_count(LB_WARN) - warnings, 12 - QUICK_EXITS_FREE);
	/* one that then lives long enough resets the count */
	t += 2000;
	CHECK(supervisor_exited(&sv, sv.slots[1].pid, 0, t));
	CHECK_INT(sv.slots[1].quick_exits, 0);

	/* fork failing: retried a second later */
	spawn_fail = 1;
	CHECK_INT(supervisor_start_due(&sv, t), 0);
	CHECK_INT(supervisor_next_due(&sv, t), 1000);
	spawn_fail = 0;
	CHECK_INT(supervisor_start_due(&sv, t + 1000), 1);

	/* shutting down: nothing is restarted */
	sv.stopped = true;
	CHECK(supervisor_exited(&sv, sv.slots[0].pid, SIGTERM, t));
	CHECK_INT(supervisor_start_due(&sv, t + 100000), 0);
	CHECK_INT(supervisor_next_due(&sv, t), -1);

	/* the kernel refused to power off: every console gets a shell */
	supervisor_restart_all(&sv);
	CHECK(!sv.stopped);
	CHECK_INT(supervisor_start_due(&sv, t), 2);
}

int main(void)
{
	test_active_consoles();
	test_term();
	test_sane_tty();
	test_delays();
	test_supervisor();
	return check_done();
}
