// SPDX-License-Identifier: GPL-2.0
/*
 * wr FILE DATA [LEN]: write DATA (or its first LEN bytes, which may run
 * past DATA into NULs) to FILE in one write(2), and print OK or the errno
 * name. Shell redirections cannot say which errno a write got.
 *
 * With WR_FAIL_NTH=N in the environment, the Nth allocation the write
 * makes fails (/proc/self/fail-nth, set just before it), and " injected"
 * follows the result if the failure was indeed injected.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "failnth.h"

int main(int argc, char **argv)
{
	char buf[8192] = { 0 };
	int fd, err, nth_fd, injected;
	size_t len;
	ssize_t n;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: wr FILE DATA [LEN]\n");
		return 2;
	}
	len = strlen(argv[2]);
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, argv[2], len);
	if (argc == 4)
		len = strtoul(argv[3], NULL, 0);
	if (len > sizeof(buf))
		len = sizeof(buf);
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	nth_fd = failnth_arm();
	if (nth_fd == -2)
		return 2;
	n = write(fd, buf, len);
	err = errno;
	injected = failnth_disarm(nth_fd);
	if (injected < 0)
		return 2;
	if (n < 0) {
		printf("%s%s\n", strerrorname_np(err), injected ? " injected" : "");
		return 1;
	}
	if ((size_t)n != len) {
		printf("SHORT %zd/%zu\n", n, len);
		return 1;
	}
	close(fd);
	printf("OK%s\n", injected ? " injected" : "");
	return 0;
}
