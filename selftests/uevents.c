// SPDX-License-Identifier: GPL-2.0
/*
 * Uevents, read from a kobject-uevent netlink socket bound before each
 * action. kobject_uevent() queues to the socket before the sysfs write
 * returns, so draining afterwards sees every event, in order, with no
 * sleeps.
 */
#include <linux/netlink.h>
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

TEST_HARNESS_MAIN
