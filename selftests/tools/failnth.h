/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arming /proc/self/fail-nth around one system call, for wr and dlfail:
 * with WR_FAIL_NTH=N in the environment the Nth allocation of the call
 * fails, and nothing before or after it is counted.
 */
#ifndef _FAILNTH_H
#define _FAILNTH_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Arms fail-nth from WR_FAIL_NTH: its fd, -1 without it, -2 on error. */
static inline int failnth_arm(void)
{
	const char *nth = getenv("WR_FAIL_NTH");
	int fd;

	if (!nth)
		return -1;
	fd = open("/proc/self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fd < 0 || write(fd, nth, strlen(nth)) < 0) {
		printf("no fail-nth\n");
		return -2;
	}
	return fd;
}

/* Disarms it: 1 if the failure was injected, 0 if not, -1 on error. */
static inline int failnth_disarm(int fd)
{
	char left[16] = "";
	int injected;

	if (fd < 0)
		return 0;
	/* 0 means the failure was injected; disarm it either way. */
	injected = pread(fd, left, sizeof(left) - 1, 0) > 0 && atoi(left) == 0;
	if (write(fd, "0", 1) < 0)
		return -1;
	return injected;
}

#endif /* _FAILNTH_H */
