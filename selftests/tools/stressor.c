// SPDX-License-Identifier: GPL-2.0
/*
 * One loop of the stress test (selftests/stress.sh), in C because a fork
 * costs about 10 ms in UML:
 *
 *   stressor NAME SECS COUNT create TYPE_DIR      create, then remove
 *   stressor NAME SECS COUNT open                 open/write/close a ttyMDEV
 *   stressor NAME SECS COUNT parent ID PORTS TYPE_DIR
 *                      del_device ID, new_device "ID PORTS", one create
 *                      that stays, then PARENT_WORK create/remove cycles
 *
 * It runs until SECS have passed or COUNT operations are done, and prints
 * one line per result, "NAME RESULT N", RESULT being OK or the errno name
 * of the operation's first failing step.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define MAX_RESULTS 64

static struct {
	int err;
	unsigned long n;
} results[MAX_RESULTS];

static void count(int err)
{
	int i;

	for (i = 0; i < MAX_RESULTS; i++) {
		if (!results[i].n || results[i].err == err) {
			results[i].err = err;
			results[i].n++;
			return;
		}
	}
}

/* Writes @s to @path in one write(2): 0 or -errno. */
static int wr(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static void new_uuid(char *buf)
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		abort();
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	sprintf(buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		b[10], b[11], b[12], b[13], b[14], b[15]);
}

static int op_create(const char *type_dir)
{
	char path[512], uuid[37];
	int err;

	new_uuid(uuid);
	snprintf(path, sizeof(path), "%s/create", type_dir);
	err = wr(path, uuid);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
	return wr(path, "1");
}

/* The first ttyMDEV there is, opened without becoming our terminal. */
static int op_open(void)
{
	struct dirent *de;
	char path[300] = "";
	DIR *dir;
	int fd;

	dir = opendir("/sys/class/tty");
	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, "ttyMDEV", 7)) {
			snprintf(path, sizeof(path), "/dev/%s", de->d_name);
			break;
		}
	closedir(dir);
	if (!path[0])
		return -ENXIO;
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (write(fd, "x\n", 2) < 0 && errno != EAGAIN) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

/* Create/remove cycles after each parent re-create. */
#define PARENT_WORK	40

static int op_parent(const char *id, const char *ports, const char *type_dir)
{
	char buf[64], path[512], uuid[37];
	int err, i;

	err = wr("/sys/bus/msample/del_device", id);
	if (err)
		return err;
	snprintf(buf, sizeof(buf), "%s %s", id, ports);
	err = wr("/sys/bus/msample/new_device", buf);
	if (err)
		return err;
	/* An mdev that stays, for the open loop. */
	new_uuid(uuid);
	snprintf(path, sizeof(path), "%s/create", type_dir);
	err = wr(path, uuid);
	if (err)
		return err;
	/* Work on the new parent, so the other loops find it most of the time. */
	for (i = 0; i < PARENT_WORK; i++) {
		err = op_create(type_dir);
		if (err)
			return err;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n, max, ok = 0;
	struct timespec now;
	time_t end, last;
	int i, err;

	if (argc < 5) {
		fprintf(stderr, "usage: stressor NAME SECS COUNT create|open|parent ...\n");
		return 2;
	}
	signal(SIGHUP, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &now);
	end = now.tv_sec + atoi(argv[2]);
	/* Not a success yet when the time is up: go on, twice as long at most. */
	last = now.tv_sec + 3 * atoi(argv[2]);
	max = strtoul(argv[3], NULL, 0);
	for (n = 0; n < max; n++) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec >= (ok ? end : last))
			break;
		if (!strcmp(argv[4], "create") && argc == 6)
			err = op_create(argv[5]);
		else if (!strcmp(argv[4], "open"))
			err = op_open();
		else if (!strcmp(argv[4], "parent") && argc == 8)
			err = op_parent(argv[5], argv[6], argv[7]);
		else
			return 2;
		count(err);
		ok += !err;
	}
	for (i = 0; i < MAX_RESULTS && results[i].n; i++)
		printf("%s %s %lu\n", argv[1],
		       results[i].err ? strerrorname_np(-results[i].err) : "OK",
		       results[i].n);
	return 0;
}
