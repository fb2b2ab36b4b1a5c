// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz every writable file of ours with random input: random bytes, with
 * and without NULs, lengths 1 to 4096 (a zero-length write never reaches
 * the handler; longer ones are cut at a page), near-valid inputs and
 * truncated valid ones. Every write must succeed or fail with one of the
 * errnos its file documents; the runner checks the kernel log stays
 * clean. Seeded and bounded by count.
 */
#include <ctype.h>
#include <stdlib.h>
#include "kselftest_harness.h"
#include "lib/sysfs.h"

#define ITERS 2000
/*
 * Seconds for each test: the harness's default of 30 ran out for
 * new_and_del_device on UML with the machine's two cores oversubscribed.
 * Three of them stay inside the runner's 300 for the whole binary.
 */
#define FUZZ_TIMEOUT 90
#define PARENT "msample7"
#define TYPE1 "/sys/class/mdev_bus/" PARENT "/mdev_supported_types/msample-1/"
#define MDEVS "/sys/bus/mdev/devices/"

static unsigned long long rng = 0x6d64657666772121ULL;

static unsigned int rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)rng;
}

/*
 * Fill @buf with a random input of a random shape and return its length:
 * raw bytes (NULs included), text of a file's alphabet, or a valid input
 * cut short or with junk after it.
 */
static size_t make_input(char *buf, size_t max, const char *alphabet,
			 const char *valid)
{
	size_t len = 1 + rnd() % max, i;
	size_t vlen = strlen(valid);

	switch (rnd() % 4) {
	case 0:		/* raw bytes */
		for (i = 0; i < len; i++)
			buf[i] = rnd();
		break;
	case 1:		/* the alphabet, no NULs */
		len = 1 + rnd() % 64;
		for (i = 0; i < len; i++)
			buf[i] = alphabet[rnd() % strlen(alphabet)];
		break;
	case 2:		/* a valid input cut short */
		len = 1 + rnd() % vlen;
		memcpy(buf, valid, len);
		break;
	default:	/* a valid input with something after it */
		len = vlen + 1 + rnd() % 8;
		memcpy(buf, valid, vlen);
		for (i = vlen; i < len; i++)
			buf[i] = "\n\0 x-\r9"[rnd() % 7];
		break;
	}
	return len;
}

static int write_raw(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static int allowed(int ret, const int *ok)
{
	for (; *ok != 1; ok++)
		if (ret == *ok)
			return 1;
	return 0;
}

FIXTURE(parent) {
	char valid_uuid[37];
};

FIXTURE_SETUP(parent)
{
	ASSERT_EQ(0, sysfs_write("/sys/bus/msample/new_device", "7 1024"));
	random_uuid(self->valid_uuid);
}

FIXTURE_TEARDOWN(parent)
{
	EXPECT_EQ(0, sysfs_write("/sys/bus/msample/del_device", "7"));
}

TEST_F_TIMEOUT(parent, create, FUZZ_TIMEOUT)
{
	static const int ok[] = { 0, -EINVAL, -EEXIST, -EUSERS, 1 };
	char buf[4096], path[128];
	int i, ret, created = 0, rejected = 0, bad = 0;

	for (i = 0; i < ITERS; i++) {
		size_t len = make_input(buf, sizeof(buf), "0123456789abcdefABCDEF-\n",
					self->valid_uuid);

		ret = write_raw(TYPE1 "create", buf, len);
		if (!allowed(ret, ok)) {
			TH_LOG("create: %d for %zu bytes", ret, len);
			bad++;
		}
		if (ret == -EINVAL)
			rejected++;
		if (!ret) {
			/* A valid UUID: take it out again, by its name. */
			char uuid[37];

			memcpy(uuid, buf, 36);
			uuid[36] = '\0';
			for (int k = 0; k < 36; k++)
				uuid[k] = tolower(uuid[k]);
			snprintf(path, sizeof(path), MDEVS "%s/remove", uuid);
			EXPECT_EQ(0, sysfs_write(path, "1"));
			created++;
		}
	}
	TH_LOG("create: %d inputs, %d created and removed, %d refused as malformed",
	       ITERS, created, rejected);
	EXPECT_EQ(0, bad);
	/* A create that took nothing, or refused nothing, fuzzed nothing. */
	EXPECT_GT(created, 0);
	EXPECT_GT(rejected, 0);
}

TEST_F_TIMEOUT(parent, remove_and_loopback, FUZZ_TIMEOUT)
{
	static const int remove_ok[] = { 0, -EINVAL, 1 };
	static const int attr_ok[] = { 0, -EINVAL, 1 };
	char buf[4096], path[128], rpath[128];
	int i, ret, bad = 0, removed = 0, set = 0;

	snprintf(path, sizeof(path), MDEVS "%s/loopback", self->valid_uuid);
	snprintf(rpath, sizeof(rpath), MDEVS "%s/remove", self->valid_uuid);
	ASSERT_EQ(0, sysfs_write(TYPE1 "create", self->valid_uuid));
	for (i = 0; i < ITERS; i++) {
		size_t len = make_input(buf, sizeof(buf), "01yYnN\n +-x0x1", "1\n");

		ret = write_raw(path, buf, len);
		if (!allowed(ret, attr_ok)) {
			TH_LOG("loopback: %d for %zu bytes", ret, len);
			bad++;
		}
		if (!ret)
			set++;
		len = make_input(buf, sizeof(buf), "0123456789xX+-\n ", "0");
		ret = write_raw(rpath, buf, len);
		if (!allowed(ret, remove_ok)) {
			TH_LOG("remove: %d for %zu bytes", ret, len);
			bad++;
		}
		if (!ret && !path_exists(rpath)) {
			/* A nonzero number removed it: make it again. */
			removed++;
			ASSERT_EQ(0, sysfs_write(TYPE1 "create", self->valid_uuid));
		}
	}
	TH_LOG("remove: %d inputs each, %d removed and re-created, %d loopback writes taken",
	       ITERS, removed, set);
	EXPECT_EQ(0, bad);
	EXPECT_GT(removed, 0);
	EXPECT_GT(set, 0);
}

/* The bus's files, outside any parent. */
FIXTURE(bus) {
};

FIXTURE_SETUP(bus)
{
}

FIXTURE_TEARDOWN(bus)
{
}

TEST_F_TIMEOUT(bus, new_and_del_device, FUZZ_TIMEOUT)
{
	static const int new_ok[] = { 0, -EINVAL, -EEXIST, 1 };
	static const int del_ok[] = { 0, -EINVAL, -ENOENT, 1 };
	char buf[4096], dev[64];
	int i, ret, bad = 0, made = 0, news = 0, dels = 0;

	for (i = 0; i < ITERS; i++) {
		size_t len = make_input(buf, sizeof(buf), "0123456789\n -+x", "8 4");

		ret = write_raw("/sys/bus/msample/new_device", buf, len);
		if (!allowed(ret, new_ok)) {
			TH_LOG("new_device: %d for %zu bytes", ret, len);
			bad++;
		}
		if (!ret)
			news++;
		len = make_input(buf, sizeof(buf), "0123456789\n -+x", "8");
		ret = write_raw("/sys/bus/msample/del_device", buf, len);
		if (!allowed(ret, del_ok)) {
			TH_LOG("del_device: %d for %zu bytes", ret, len);
			bad++;
		}
		if (!ret)
			dels++;
	}
	/* Whatever was made, delete it: every msample device left. */
	{
		FILE *f = popen("ls /sys/bus/msample/devices", "r");

		while (f && fscanf(f, "msample%63s\n", dev) == 1) {
			made++;
			EXPECT_EQ(0, sysfs_write("/sys/bus/msample/del_device", dev));
		}
		if (f)
			pclose(f);
	}
	TH_LOG("new/del_device: %d inputs each, %d made, %d deleted, %d left to delete",
	       ITERS, news, dels, made);
	EXPECT_EQ(0, bad);
	EXPECT_GT(news, 0);
	EXPECT_GT(dels, 0);
}

TEST_HARNESS_MAIN
