// SPDX-License-Identifier: GPL-2.0
/*
 * Races on one parent's sysfs files, with exact outcomes:
 * two concurrent removes, a remove written after the device is gone,
 * create during unregistration, and create through a file opened before
 * the parent went away. Bounded by count; no sleeps.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "kselftest_harness.h"
#include "lib/sysfs.h"

#define MDEVS "/sys/bus/mdev/devices/"

static void parent_path(char *buf, size_t len, int id, const char *leaf)
{
	snprintf(buf, len,
		 "/sys/class/mdev_bus/msample%d/mdev_supported_types/msample-1/%s",
		 id, leaf);
}

struct racer {
	pthread_barrier_t *barrier;
	const char *devdir;
	int fd;
	int ret;
	int still_there;	/* the device, right after write() returned */
};

static void *write_one(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->barrier);
	r->ret = fd_write(r->fd, "1");
	r->still_there = path_exists(r->devdir);
	return NULL;
}

TEST(concurrent_removes)
{
	char create[256], remove[256], devdir[256], uuid[37], id[8];
	pthread_barrier_t barrier;
	struct racer r[2];
	pthread_t t[2];
	int late, i;

	snprintf(id, sizeof(id), "%d 8", 41);
	ASSERT_EQ(0, sysfs_write("/sys/bus/msample/new_device", id));
	parent_path(create, sizeof(create), 41, "create");
	random_uuid(uuid);
	ASSERT_EQ(0, sysfs_write(create, uuid));
	snprintf(remove, sizeof(remove), MDEVS "%s/remove", uuid);
	snprintf(devdir, sizeof(devdir), MDEVS "%s", uuid);

	/* Two writers race; a third file is written after both are done. */
	pthread_barrier_init(&barrier, NULL, 2);
	for (i = 0; i < 2; i++) {
		r[i].barrier = &barrier;
		r[i].devdir = devdir;
		r[i].fd = open(remove, O_WRONLY);
		ASSERT_LE(0, r[i].fd);
	}
	late = open(remove, O_WRONLY);
	ASSERT_LE(0, late);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, write_one, &r[i]));
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	/*
	 * One removes. A writer that overlaps it waits until the device is
	 * gone and succeeds, as upstream; one that comes after finds the
	 * file dead (-ENODEV). Whoever succeeded saw the device gone.
	 */
	TH_LOG("results %d %d", r[0].ret, r[1].ret);
	EXPECT_TRUE(r[0].ret == 0 || r[1].ret == 0);
	for (i = 0; i < 2; i++) {
		EXPECT_TRUE(r[i].ret == 0 || r[i].ret == -ENODEV);
		if (!r[i].ret)
			EXPECT_FALSE(r[i].still_there);
	}
	EXPECT_EQ(-ENODEV, fd_write(late, "1"));
	EXPECT_FALSE(path_exists(devdir));
	for (i = 0; i < 2; i++)
		close(r[i].fd);
	close(late);
	ASSERT_EQ(0, sysfs_write("/sys/bus/msample/del_device", "41"));
}

TEST(create_through_stale_file)
{
	char create[256], uuid[37];
	int fd;

	ASSERT_EQ(0, sysfs_write("/sys/bus/msample/new_device", "42 4"));
	parent_path(create, sizeof(create), 42, "create");
	fd = open(create, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sysfs_write("/sys/bus/msample/del_device", "42"));
	random_uuid(uuid);
	EXPECT_EQ(-ENODEV, fd_write(fd, uuid));
	EXPECT_FALSE(path_exists(create));
	close(fd);
}

struct creator {
	int id;
	atomic_int ok;
	int enodev, enoent, other, last_other;
	pthread_barrier_t *barrier;
};

static void *create_loop(void *arg)
{
	struct creator *c = arg;
	char create[256], uuid[37];
	int i, ret;

	parent_path(create, sizeof(create), c->id, "create");
	pthread_barrier_wait(c->barrier);
	for (i = 0; i < 400; i++) {
		random_uuid(uuid);
		ret = sysfs_write(create, uuid);
		if (!ret)
			c->ok++;
		else if (ret == -ENODEV)
			c->enodev++;
		else if (ret == -ENOENT)
			c->enoent++;
		else if (ret == -EUSERS)
			; /* the pool of 64 is full: fine */
		else
			c->other++, c->last_other = ret;
		if (ret == -ENOENT)
			break;
	}
	return NULL;
}

/*
 * Creates in flight while the parent is deleted. On a uniprocessor the
 * two may never overlap in one round, so rounds repeat (a bounded count)
 * until one create met the unregistration inside the kernel (ENODEV: it
 * passed the file's open and found the parent going away), and the test
 * asserts that it did.
 */
TEST(create_during_unregister)
{
	int round, ok = 0, enodev = 0, enoent = 0;

	for (round = 1; round <= 50 && !enodev; round++) {
		pthread_barrier_t barrier;
		struct creator c = { .id = 43 };
		pthread_t t;

		ASSERT_EQ(0, sysfs_write("/sys/bus/msample/new_device", "43 64"));
		pthread_barrier_init(&barrier, NULL, 2);
		c.barrier = &barrier;
		ASSERT_EQ(0, pthread_create(&t, NULL, create_loop, &c));
		pthread_barrier_wait(&barrier);
		/* Let some creates land first, so the delete meets live mdevs. */
		for (int spins = 0; atomic_load(&c.ok) < 5 && spins < 1000000; spins++)
			sched_yield();
		ASSERT_EQ(0, sysfs_write("/sys/bus/msample/del_device", "43"));
		pthread_join(t, NULL);
		pthread_barrier_destroy(&barrier);
		EXPECT_LE(5, atomic_load(&c.ok));
		EXPECT_EQ(0, c.other) TH_LOG("unexpected errno %d", -c.last_other);
		/* Once del_device returned, nothing of the parent is left. */
		EXPECT_FALSE(path_exists("/sys/devices/msample43"));
		EXPECT_FALSE(path_exists("/sys/class/mdev_bus/msample43"));
		ok += atomic_load(&c.ok);
		enodev += c.enodev;
		enoent += c.enoent;
	}
	TH_LOG("%d rounds: creates %d ok, %d ENODEV (raced), %d ENOENT (after)",
	       round - 1, ok, enodev, enoent);
	EXPECT_LT(0, enodev) TH_LOG("no create ever met the unregistration");
}

TEST_HARNESS_MAIN
