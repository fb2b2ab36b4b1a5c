// SPDX-License-Identifier: GPL-2.0
/*
 * Runs a command and waits, with a bound, for a uevent it causes, perhaps
 * after it has returned (a removal finished by a kernel work item):
 *
 *   uevwait MS ACTION MATCH CMD [ARG...]
 *
 * The kobject-uevent socket is bound before CMD starts, so no event is
 * missed. CMD inherits stdin, stdout, stderr and every other open file.
 * Exit status: CMD's if it failed; else 0 once an event "ACTION@DEVPATH"
 * came whose DEVPATH ends with MATCH, or 3 (with a message on stderr) if
 * none came within MS milliseconds of CMD's start.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd, status, rcvbuf = 4 << 20;
	char buf[8192], want[128];
	long end;
	pid_t pid;

	if (argc < 5) {
		fprintf(stderr, "usage: uevwait MS ACTION MATCH CMD [ARG...]\n");
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("uevwait: uevent socket");
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	snprintf(want, sizeof(want), "%s@", argv[2]);
	end = now_ms() + atol(argv[1]);

	pid = fork();
	if (pid < 0)
		return 2;
	if (!pid) {
		execvp(argv[4], argv + 4);
		perror("uevwait: exec");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 2;
	if (!WIFEXITED(status))
		return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (WEXITSTATUS(status))
		return WEXITSTATUS(status);

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = end - now_ms();
		size_t len, mlen;
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) != 1)
			break;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			if (errno == ENOBUFS)
				continue;
			perror("uevwait: recv");
			return 2;
		}
		buf[n] = '\0';
		/* The header, "action@devpath", is the first string. */
		len = strlen(buf);
		mlen = strlen(argv[3]);
		if (!strncmp(buf, want, strlen(want)) && len >= mlen &&
		    !strcmp(buf + len - mlen, argv[3]))
			return 0;
	}
	fprintf(stderr, "uevwait: no %s of %s within %s ms\n", argv[2], argv[3],
		argv[1]);
	return 3;
}
