// SPDX-License-Identifier: GPL-2.0
/*
 * wr FILE DATA [LEN]: write DATA (or its first LEN bytes, which may run
 * past DATA into NULs) to FILE in one write(2), and print OK or the errno
 * name. Shell redirections cannot say which errno a write got.
 *
 * With WR_FAIL_NTH=N in the environment, the Nth allocation the write
 * makes fails (/proc/self/fail-nth, set just before it), and " injected"
 * follows the result if the failure was indeed injected. With
 * WR_FAIL_SERVE=1 it writes once per N read from standard input
 * (failnth.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "failnth.h"

struct wr {
	const char *file;
	char buf[8192];
	size_t len;
};

static int wr_one(const char *nth, void *ctx)
{
	struct wr *w = ctx;
	int fd, err, nth_fd, injected;
	ssize_t n;

	fd = open(w->file, O_WRONLY);
	if (fd < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	nth_fd = failnth_arm_nth(nth);
	if (nth_fd == -2)
		return 2;
	n = write(fd, w->buf, w->len);
	err = errno;
	injected = failnth_disarm(nth_fd);
	if (nth_fd >= 0)
		close(nth_fd);
	close(fd);
	if (injected < 0)
		return 2;
	if (n < 0) {
		printf("%s%s\n", strerrorname_np(err), injected ? " injected" : "");
		return 1;
	}
	if ((size_t)n != w->len) {
		printf("SHORT %zd/%zu\n", n, w->len);
		return 1;
	}
	printf("OK%s\n", injected ? " injected" : "");
	return 0;
}

int main(int argc, char **argv)
{
	static struct wr w;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: wr FILE DATA [LEN]\n");
		return 2;
	}
	w.file = argv[1];
	w.len = strlen(argv[2]);
	if (w.len >= sizeof(w.buf))
		w.len = sizeof(w.buf) - 1;
	memcpy(w.buf, argv[2], w.len);
	if (argc == 4)
		w.len = strtoul(argv[3], NULL, 0);
	if (w.len > sizeof(w.buf))
		w.len = sizeof(w.buf);
	return failnth_main(wr_one, &w);
}
