// SPDX-License-Identifier: GPL-2.0
/*
 * Uevents, read from a kobject-uevent netlink socket bound before each
 * action. kobject_uevent() queues to the socket before the sysfs write
 * returns, so draining afterwards sees every event, in order, with no
 * sleeps. A parent's change event comes from a work item after the
 * write returns: the test waits for it with poll(), for at most 20 s,
 * and compares its whole environment (less SEQNUM); every change event
 * of the parent must be the next one expected, so an event too many, or
 * one not coalesced, fails the step where it shows.
 */
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdlib.h>
#include "kselftest_harness.h"
#include "lib/sysfs.h"

#define MAX_EVENTS 64

struct uevent {
	char action[16];
	char devpath[256];
	char env[2048];		/* "K=V\n"... */
};

static int uevent_open(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int buf = 4 << 20;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Drain the socket: the kernel's messages are "action@devpath\0K=V\0..." */
static int uevent_drain(int fd, struct uevent *ev, int max)
{
	char buf[8192];
	int n = 0;
	ssize_t len;

	while (n < max && (len = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		char *p = buf, *at = strchr(buf, '@');
		size_t off;

		buf[len] = '\0';
		if (!at || strncmp(buf, "libudev", 7) == 0)
			continue;
		*at = '\0';
		snprintf(ev[n].action, sizeof(ev[n].action), "%.15s", buf);
		snprintf(ev[n].devpath, sizeof(ev[n].devpath), "%.255s", at + 1);
		ev[n].env[0] = '\0';
		off = 0;
		p = at + 1 + strlen(at + 1) + 1;
		while (p < buf + len && off < sizeof(ev[n].env) - 1) {
			off += snprintf(ev[n].env + off, sizeof(ev[n].env) - off,
					"%s\n", p);
			p += strlen(p) + 1;
		}
		n++;
	}
	return n;
}

/* Index of the first event with @action on exactly @devpath, from @from. */
static int find(struct uevent *ev, int n, int from, const char *action,
		const char *devpath)
{
	for (int i = from; i < n; i++)
		if (!strcmp(ev[i].action, action) && !strcmp(ev[i].devpath, devpath))
			return i;
	return -1;
}

static int has_env(struct uevent *ev, const char *kv)
{
	char needle[256];

	snprintf(needle, sizeof(needle), "%s\n", kv);
	return !!strstr(ev->env, needle);
}

static int has_env_prefix(struct uevent *ev, const char *k)
{
	return !!strstr(ev->env, k);
}

TEST(parent_and_mdev_events)
{
	struct uevent ev[MAX_EVENTS];
	char create[256], devpath[256], uuid[37];
	int fd, n, i, add, reg;

	fd = uevent_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sysfs_write("/sys/bus/msample/new_device", "51 4"));
	n = uevent_drain(fd, ev, MAX_EVENTS);
	add = find(ev, n, 0, "add", "/devices/msample51");
	reg = find(ev, n, 0, "change", "/devices/msample51");
	ASSERT_LE(0, add);
	ASSERT_LT(add, reg);
	EXPECT_TRUE(has_env(&ev[reg], "MDEV_STATE=registered"));

	random_uuid(uuid);
	snprintf(create, sizeof(create),
		 "/sys/class/mdev_bus/msample51/mdev_supported_types/msample-2/create");
	ASSERT_EQ(0, sysfs_write(create, uuid));
	n = uevent_drain(fd, ev, MAX_EVENTS);
	snprintf(devpath, sizeof(devpath), "/devices/msample51/%s", uuid);
	add = find(ev, n, 0, "add", devpath);
	ASSERT_LE(0, add);
	/* Exactly one add, and it comes last: after the ports' ttys. */
	EXPECT_EQ(-1, find(ev, n, add + 1, "add", devpath));
	for (i = add + 1; i < n; i++)
		EXPECT_NE(0, strcmp(ev[i].action, "add")) TH_LOG("late add %s", ev[i].devpath);
	EXPECT_TRUE(has_env(&ev[add], "SUBSYSTEM=mdev"));
	EXPECT_TRUE(has_env(&ev[add], "MDEV_TYPE=msample-2"));
	EXPECT_TRUE(has_env(&ev[add], "MDEV_PARENT=msample51"));
	EXPECT_TRUE(has_env(&ev[add], "DRIVER=msample"));
	EXPECT_TRUE(has_env_prefix(&ev[add], "MDEV_ALIAS="));

	snprintf(create, sizeof(create), "/sys/bus/mdev/devices/%s/remove", uuid);
	ASSERT_EQ(0, sysfs_write(create, "1"));
	n = uevent_drain(fd, ev, MAX_EVENTS);
	i = find(ev, n, 0, "remove", devpath);
	ASSERT_LE(0, i);
	EXPECT_TRUE(has_env(&ev[i], "MDEV_TYPE=msample-2"));
	EXPECT_TRUE(has_env(&ev[i], "MDEV_PARENT=msample51"));

	ASSERT_EQ(0, sysfs_write("/sys/bus/msample/del_device", "51"));
	n = uevent_drain(fd, ev, MAX_EVENTS);
	reg = find(ev, n, 0, "change", "/devices/msample51");
	i = find(ev, n, 0, "remove", "/devices/msample51");
	ASSERT_LE(0, reg);
	EXPECT_TRUE(has_env(&ev[reg], "MDEV_STATE=unregistered"));
	EXPECT_LT(reg, i);
	close(fd);
}

/*
 * The environment of the next change event on @devpath that is not an
 * MDEV_STATE one, without SEQNUM; events of other devices are skipped.
 * Returns 0, or -1 after 20 s without one.
 */
static int next_change(int fd, const char *devpath, char *env, size_t size)
{
	static struct uevent ev[MAX_EVENTS];
	static int n, next;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	for (;;) {
		for (; next < n; next++) {
			char *seq, *end;

			if (strcmp(ev[next].action, "change") ||
			    strcmp(ev[next].devpath, devpath) ||
			    has_env_prefix(&ev[next], "MDEV_STATE="))
				continue;
			seq = strstr(ev[next].env, "SEQNUM=");
			if (seq) {
				end = strchr(seq, '\n');
				memmove(seq, end ? end + 1 : seq + strlen(seq),
					strlen(end ? end + 1 : "") + 1);
			}
			snprintf(env, size, "%s", ev[next].env);
			next++;
			return 0;
		}
		if (poll(&pfd, 1, 20000) != 1)
			return -1;
		n = uevent_drain(fd, ev, MAX_EVENTS);
		next = 0;
	}
}

static void devlink_cmd(struct __test_metadata *_metadata, const char *cmd)
{
	char line[256];

	snprintf(line, sizeof(line), "devlink %s >/dev/null", cmd);
	ASSERT_EQ(0, system(line)) TH_LOG("%s", line);
}

#define SAMPLE_ENV(types)						\
	"ACTION=change\nDEVPATH=/devices/msample52\nSUBSYSTEM=msample\n"	\
	types "\nDRIVER=msample\n"

/*
 * The sample: a type's capacity changes when the other type takes from
 * the shared pool, when the pool is resized (both types, one event), and
 * at a reload (the types come back). A type's own mdevs send no change.
 */
TEST(change_events_sample)
{
	char path[256], u1[37], u2[37], env[2048];
	const char *types = "/sys/class/mdev_bus/msample52/mdev_supported_types";
	int fd;

	fd = uevent_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sysfs_write("/sys/bus/msample/new_device", "52 4"));

	random_uuid(u2);
	snprintf(path, sizeof(path), "%s/msample-2/create", types);
	ASSERT_EQ(0, sysfs_write(path, u2));
	ASSERT_EQ(0, next_change(fd, "/devices/msample52", env, sizeof(env)));
	EXPECT_STREQ(SAMPLE_ENV("MDEV_TYPES=msample-1=2"), env);

	random_uuid(u1);
	snprintf(path, sizeof(path), "%s/msample-1/create", types);
	ASSERT_EQ(0, sysfs_write(path, u1));
	ASSERT_EQ(0, next_change(fd, "/devices/msample52", env, sizeof(env)));
	EXPECT_STREQ(SAMPLE_ENV("MDEV_TYPES=msample-2=0"), env);

	/* One event for both types. */
	devlink_cmd(_metadata,
		    "dev param set msample/msample52 name max_ports value 8 cmode runtime");
	ASSERT_EQ(0, next_change(fd, "/devices/msample52", env, sizeof(env)));
	EXPECT_STREQ(SAMPLE_ENV("MDEV_TYPES=msample-1=5 msample-2=2"), env);

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", u1);
	ASSERT_EQ(0, sysfs_write(path, "1"));
	ASSERT_EQ(0, next_change(fd, "/devices/msample52", env, sizeof(env)));
	EXPECT_STREQ(SAMPLE_ENV("MDEV_TYPES=msample-2=3"), env);

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", u2);
	ASSERT_EQ(0, sysfs_write(path, "1"));
	ASSERT_EQ(0, next_change(fd, "/devices/msample52", env, sizeof(env)));
	EXPECT_STREQ(SAMPLE_ENV("MDEV_TYPES=msample-1=8"), env);

	/* The size set for the reload; the types go and come back: one event. */
	devlink_cmd(_metadata, "resource set msample/msample52 path /ports size 6");
	devlink_cmd(_metadata, "dev reload msample/msample52");
	ASSERT_EQ(0, next_change(fd, "/devices/msample52", env, sizeof(env)));
	EXPECT_STREQ(SAMPLE_ENV("MDEV_TYPES=msample-1=6 msample-2=3"), env);

	/*
	 * The same size again changes nothing: no event before the next,
	 * which names msample-1 alone (msample-2 still has 3).
	 */
	devlink_cmd(_metadata,
		    "dev param set msample/msample52 name max_ports value 6 cmode runtime");
	devlink_cmd(_metadata,
		    "dev param set msample/msample52 name max_ports value 7 cmode runtime");
	ASSERT_EQ(0, next_change(fd, "/devices/msample52", env, sizeof(env)));
	EXPECT_STREQ(SAMPLE_ENV("MDEV_TYPES=msample-1=7"), env);

	ASSERT_EQ(0, sysfs_write("/sys/bus/msample/del_device", "52"));
	close(fd);
}

#define TP_ENV(types)							\
	"ACTION=change\nDEVPATH=/devices/platform/mdevfw_tp0\n"		\
	"SUBSYSTEM=platform\n" types					\
	"\nDRIVER=mdevfw_tp_pf\nMODALIAS=platform:mdevfw_tp0\n"

/*
 * The test parent (pool of 4, loaded by uevents.sh): types added and
 * removed at runtime; a type outside the pool (a: at most 2) moves no
 * other type; a type whose vendor counts it (b) is re-checked, and sends
 * nothing when it did not move, and one event when the vendor says it did.
 */
TEST(change_events_types)
{
	const char *tp = "/devices/platform/mdevfw_tp0";
	char uuid[37], line[64], env[2048];
	int fd;

	fd = uevent_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sysfs_write("/sys/devices/platform/mdevfw_tp0/types", "+c:1"));
	ASSERT_EQ(0, next_change(fd, tp, env, sizeof(env)));
	EXPECT_STREQ(TP_ENV("MDEV_TYPES=mdevfw_tp_pf-c=4"), env);
	ASSERT_EQ(0, sysfs_write("/sys/devices/platform/mdevfw_tp0/types", "+d:2"));
	ASSERT_EQ(0, next_change(fd, tp, env, sizeof(env)));
	EXPECT_STREQ(TP_ENV("MDEV_TYPES=mdevfw_tp_pf-d=2"), env);

	random_uuid(uuid);
	snprintf(line, sizeof(line), "+c %s", uuid);
	ASSERT_EQ(0, sysfs_write("/sys/devices/platform/mdevfw_tp0/mdevs", line));
	ASSERT_EQ(0, next_change(fd, tp, env, sizeof(env)));
	EXPECT_STREQ(TP_ENV("MDEV_TYPES=mdevfw_tp_pf-d=1"), env);
	snprintf(line, sizeof(line), "-%s", uuid);
	ASSERT_EQ(0, sysfs_write("/sys/devices/platform/mdevfw_tp0/mdevs", line));
	ASSERT_EQ(0, next_change(fd, tp, env, sizeof(env)));
	EXPECT_STREQ(TP_ENV("MDEV_TYPES=mdevfw_tp_pf-d=2"), env);

	/* Outside the pool: no event of its own; the next one is -c's. */
	random_uuid(uuid);
	snprintf(line, sizeof(line), "+a %s", uuid);
	ASSERT_EQ(0, sysfs_write("/sys/devices/platform/mdevfw_tp0/mdevs", line));
	ASSERT_EQ(0, sysfs_write("/sys/devices/platform/mdevfw_tp0/types", "-c"));
	ASSERT_EQ(0, next_change(fd, tp, env, sizeof(env)));
	EXPECT_STREQ(TP_ENV("MDEV_TYPES_REMOVED=mdevfw_tp_pf-c"), env);
	snprintf(line, sizeof(line), "-%s", uuid);
	ASSERT_EQ(0, sysfs_write("/sys/devices/platform/mdevfw_tp0/mdevs", line));
	ASSERT_EQ(0, sysfs_write("/sys/devices/platform/mdevfw_tp0/types", "-d"));
	ASSERT_EQ(0, next_change(fd, tp, env, sizeof(env)));
	EXPECT_STREQ(TP_ENV("MDEV_TYPES_REMOVED=mdevfw_tp_pf-d"), env);

	/* What the vendor counts itself, it says changed. */
	ASSERT_EQ(0, sysfs_write("/sys/module/mdevfw_testparent/parameters/b_avail", "5"));
	ASSERT_EQ(0, sysfs_write("/sys/devices/platform/mdevfw_tp0/types", "!"));
	ASSERT_EQ(0, next_change(fd, tp, env, sizeof(env)));
	EXPECT_STREQ(TP_ENV("MDEV_TYPES=mdevfw_tp_pf-b=5"), env);
	ASSERT_EQ(0, sysfs_write("/sys/module/mdevfw_testparent/parameters/b_avail", "3"));
	close(fd);
}

/* Appends @fmt (with one %02d) for @from..@to - 1, separated by spaces. */
static void join(char *buf, size_t size, const char *fmt, int from, int to)
{
	size_t len = strlen(buf);

	for (int i = from; i < to; i++) {
		if (i > from && len < size)
			len += snprintf(buf + len, size - len, " ");
		if (len < size)
			len += snprintf(buf + len, size - len, fmt, i);
	}
}

static void tp_env(char *buf, size_t size, const char *lists)
{
	snprintf(buf, size, TP_ENV("%s"), lists);
}

#define TP_TYPES "/sys/devices/platform/mdevfw_tp0/types"
#define BUDGET_N 30

/*
 * Both lists of a change event share one budget of 1024 bytes, which
 * leaves room for the rest of the 2 KiB environment. 30 types added in
 * one event take 929 bytes and fit; 30 removed beside 30 added do not:
 * the removed list ends with what fits (3 names), and
 * MDEV_TYPES_TRUNCATED=1 says so. A removed type is named once, and only
 * if an event announced it: one added and removed again before the work
 * ran is not named.
 */
TEST(change_events_budget)
{
	const char *tp = "/devices/platform/mdevfw_tp0";
	char ops[4096], lists[2048], want[2048], env[2048];
	char *removed;
	int fd;

	fd = uevent_open();
	ASSERT_LE(0, fd);

	ops[0] = '\0';
	join(ops, sizeof(ops), "+old_typename_%02d", 0, BUDGET_N);
	ASSERT_EQ(0, sysfs_write(TP_TYPES, ops));
	snprintf(lists, sizeof(lists), "MDEV_TYPES=");
	join(lists, sizeof(lists), "mdevfw_tp_pf-old_typename_%02d=2", 0, BUDGET_N);
	ASSERT_EQ(strlen("MDEV_TYPES=") + 929, strlen(lists));
	tp_env(want, sizeof(want), lists);
	ASSERT_EQ(0, next_change(fd, tp, env, sizeof(env)));
	EXPECT_STREQ(want, env);

	ops[0] = '\0';
	join(ops, sizeof(ops), "-old_typename_%02d", 0, BUDGET_N);
	strcat(ops, " ");
	join(ops, sizeof(ops), "+new_typename_%02d", 0, BUDGET_N);
	ASSERT_EQ(0, sysfs_write(TP_TYPES, ops));
	snprintf(lists, sizeof(lists), "MDEV_TYPES=");
	join(lists, sizeof(lists), "mdevfw_tp_pf-new_typename_%02d=2", 0, BUDGET_N);
	strcat(lists, "\nMDEV_TYPES_REMOVED=");
	removed = lists + strlen(lists);
	join(removed, sizeof(lists) - (removed - lists),
	     "mdevfw_tp_pf-old_typename_%02d", 0, 3);
	ASSERT_GE((size_t)1024, 929 + strlen(removed));
	strcat(lists, "\nMDEV_TYPES_TRUNCATED=1");
	tp_env(want, sizeof(want), lists);
	ASSERT_EQ(0, next_change(fd, tp, env, sizeof(env)));
	EXPECT_STREQ(want, env);

	/* Never announced: not named. Named once, though two went. */
	ASSERT_EQ(0, sysfs_write(TP_TYPES, "+tmp_typename -tmp_typename"));
	ASSERT_EQ(0, sysfs_write(TP_TYPES,
				 "-new_typename_00 +new_typename_00 -new_typename_00"));
	ASSERT_EQ(0, next_change(fd, tp, env, sizeof(env)));
	EXPECT_STREQ(TP_ENV("MDEV_TYPES_REMOVED=mdevfw_tp_pf-new_typename_00"), env);

	ops[0] = '\0';
	join(ops, sizeof(ops), "-new_typename_%02d", 1, BUDGET_N);
	ASSERT_EQ(0, sysfs_write(TP_TYPES, ops));
	snprintf(lists, sizeof(lists), "MDEV_TYPES_REMOVED=");
	join(lists, sizeof(lists), "mdevfw_tp_pf-new_typename_%02d", 1, BUDGET_N);
	tp_env(want, sizeof(want), lists);
	ASSERT_EQ(0, next_change(fd, tp, env, sizeof(env)));
	EXPECT_STREQ(want, env);
	close(fd);
}

TEST_HARNESS_MAIN
