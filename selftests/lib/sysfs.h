/* SPDX-License-Identifier: GPL-2.0 */
/* Small sysfs helpers for the C selftests. */
#ifndef _MDEVFW_SELFTEST_SYSFS_H
#define _MDEVFW_SELFTEST_SYSFS_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Write @s in one write(2); 0 or -errno. */
static inline int sysfs_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* Write @s to an fd opened earlier; 0 or -errno. */
static inline int fd_write(int fd, const char *s)
{
	return write(fd, s, strlen(s)) < 0 ? -errno : 0;
}

static inline int path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* A random lower-case UUID. */
static inline void random_uuid(char out[37])
{
	int fd = open("/proc/sys/kernel/random/uuid", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, out, 36);

	out[n == 36 ? 36 : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

#endif
