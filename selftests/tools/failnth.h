/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arming /proc/self/fail-nth around one system call, for wr and dlfail:
 * with WR_FAIL_NTH=N in the environment the Nth allocation of the call
 * fails, and nothing before or after it is counted. With WR_FAIL_SERVE=1
 * the tool makes the call once for each N read from standard input
 * (failnth_main()).
 */
#ifndef _FAILNTH_H
#define _FAILNTH_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Arms fail-nth for the NTH allocation: its fd, -1 without NTH, -2 on error. */
static inline int failnth_arm_nth(const char *nth)
{
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

/* Arms fail-nth from WR_FAIL_NTH: its fd, -1 without it, -2 on error. */
static inline int failnth_arm(void)
{
	return failnth_arm_nth(getenv("WR_FAIL_NTH"));
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

/*
 * A tool's main ends here with its one call, ONE(nth, ctx), which prints
 * one result line and returns the exit status (2: a setup error). With
 * WR_FAIL_SERVE=1 in the environment the tool instead serves attempts:
 * for each line of standard input, a number N, it makes the call once
 * with the Nth allocation failing and prints that result, until end of
 * input or a setup error. The faults test runs it as a coprocess, so its
 * hundreds of attempts cost one program start, not one each.
 */
static inline int failnth_main(int (*one)(const char *nth, void *ctx),
			       void *ctx)
{
	char line[32];
	int ret = 0;

	if (!getenv("WR_FAIL_SERVE"))
		return one(getenv("WR_FAIL_NTH"), ctx);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (ret != 2 && fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		ret = one(line, ctx);
	}
	return ret == 2 ? 2 : 0;
}

#endif /* _FAILNTH_H */
