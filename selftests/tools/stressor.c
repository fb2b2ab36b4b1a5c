// SPDX-License-Identifier: GPL-2.0
/*
 * One loop of the stress test (selftests/stress.sh), in C because a fork
 * costs about 10 ms in UML:
 *
 *   stressor NAME SECS COUNT create TYPE_DIR      create, then remove
 *   stressor NAME SECS COUNT open                 open/write/close a ttyMDEV
 *   stressor NAME SECS COUNT parent ID PORTS TYPE_DIR
 *                      del_device ID, new_device "ID PORTS", one create
 *                      that stays, then up to PARENT_WORK create/remove
 *                      cycles (the first refused one ends them)
 *
 * and the loops that hold an mdev's VFIO device across a front door
 * (locking.rst, invariant 10), through the group API where the kernel has
 * type1, else through iommufd and the device cdev; "unbound" holds the
 * cdev open without binding it, where the kernel has the cdev:
 *
 *   stressor NAME SECS COUNT vfio-cycle
 *                      open the first mdev's VFIO device there is (ENXIO
 *                      if there is none), close it
 *   stressor NAME SECS COUNT vfio-remove TYPE_DIR
 *                      create, hold with a request eventfd, sysfs remove
 *                      in a child: the kernel must signal the request;
 *                      then let go, and the remove must succeed
 *   stressor NAME SECS COUNT vfio-portdel DEV SFNUM UUID
 *                      devlink port add of SFNUM (whose mdev is UUID; in
 *                      legacy mode it sets switchdev first), hold: port
 *                      del must fail with EBUSY; let go; hold
 *                      unbound: port del must succeed at once, and the
 *                      mdev go when the holder closes (its remove uevent)
 *   stressor NAME SECS COUNT vfio-mode TYPE_DIR DEV
 *                      create, hold: of the two eswitch modes, setting
 *                      the current one succeeds and the other fails with
 *                      EBUSY; let go, remove
 *   stressor NAME SECS COUNT vfio-parent ID PORTS UUID
 *                      new_device "ID PORTS", then in turn: create and
 *                      hold with a request eventfd, del_device in a
 *                      child: the kernel must signal the request; or,
 *                      with the cdev, switchdev, port add of sfnum 0
 *                      (whose mdev is UUID), hold unbound, port del, and
 *                      del_device in a child, which must still wait when
 *                      the holder closes; del_device must succeed
 *
 * It runs until SECS have passed or COUNT operations are done, and prints
 * one line per result, "NAME RESULT N", RESULT being OK or the errno name
 * of the operation's first failing step. A broken promise of the kernel
 * is EPROTO (a port del of an open device succeeded, a front door went on
 * without waiting) or ETIMEDOUT (no request, no removal within 10 s).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include "../lib/vfio.h"

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
	/*
	 * Work on the new parent, so the other loops find it most of the
	 * time. A create that the reload loop refuses (its types are gone
	 * for the moment) ends the work, not the cycle, which has already
	 * succeeded. On x86-debug-smp-6.1 beside a UML boot and a kernel
	 * build the loop made one cycle in its minute, and it failed
	 * (ENODEV). The create loops check the errnos of the same creates.
	 */
	for (i = 0; i < PARENT_WORK; i++)
		if (op_create(type_dir))
			break;
	return 0;
}

/* The bound of every wait for the kernel: a request, a removal. */
#define BOUND_MS	10000

static char dlfail[512];

/* -errno for the errno named @name, or -EPROTO. */
static int errno_of(const char *name)
{
	int e;

	for (e = 1; e < 200; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return -e;
	}
	return -EPROTO;
}

/*
 * In a child: closes every file but stdio and @keep. A child must not
 * hold the VFIO device's file that its parent holds: the front door it
 * goes through would wait for it, and so for itself.
 */
static void close_inherited(int keep)
{
	int fd;

	for (fd = 3; fd < 1024; fd++)
		if (fd != keep)
			close(fd);
}

/* dlfail ARGS...: 0, or -errno from its first word (it prints as wr). */
static int dl(const char *cmd, const char *dev, const char *a, const char *b)
{
	char out[256] = "", *sp;
	int p[2], status;
	ssize_t n = 0, r;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(p[1], 1);
		close_inherited(-1);
		/* Not the port it printed; and not our terminal's noise. */
		if (!freopen("/dev/null", "w", stderr))
			_exit(2);
		execl(dlfail, "dlfail", cmd, dev, a, b, (char *)NULL);
		_exit(2);
	}
	close(p[1]);
	while (n < (ssize_t)sizeof(out) - 1 &&
	       (r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += r;
	close(p[0]);
	waitpid(pid, &status, 0);
	out[n] = '\0';
	sp = strpbrk(out, " :\n");
	if (sp)
		*sp = '\0';
	return strcmp(out, "OK") ? errno_of(out) : 0;
}

/* stress.sh knows (/dev/vfio/devices exists only while a device does). */
static bool have_cdev(void)
{
	return getenv("STRESS_VFIO_CDEV");
}

/*
 * Opens @uuid's VFIO device: bound, with a request eventfd in *@efd; or,
 * @unbound, only its cdev (-1 in *@efd). 0 or -errno, nothing left open.
 */
static int vfio_hold(const char *uuid, struct vdev *v, int *efd, bool unbound)
{
	static int type1 = -1;
	int ret;

	*v = (struct vdev){ -1, -1, -1 };
	*efd = -1;
	if (type1 < 0)
		type1 = have_type1();
	if (unbound || !type1)
		ret = vdev_open_cdev(uuid, v, unbound);
	else
		ret = vdev_open(uuid, v);
	if (!ret && !unbound) {
		*efd = eventfd(0, EFD_NONBLOCK);
		ret = set_eventfd(v, VFIO_PCI_REQ_IRQ_INDEX, *efd);
	}
	if (ret) {
		vdev_close(v);
		if (*efd >= 0)
			close(*efd);
		*efd = -1;
	}
	return ret;
}

static void vfio_release(struct vdev *v, int efd)
{
	vdev_close(v);
	if (efd >= 0)
		close(efd);
}

/* wr(@path, @s) in a child: its pid; *@done becomes readable at its end. */
static pid_t wr_child(const char *path, const char *s, int *done)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		close_inherited(p[1]);	/* its end closes when it exits */
		_exit(-wr(path, s));
	}
	close(p[1]);
	*done = p[0];
	return pid;
}

/* The child's result: 0 or -errno. */
static int wr_reap(pid_t pid, int done)
{
	int status;

	close(done);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -EPROTO;
	return -WEXITSTATUS(status);
}

/* Until the kernel signals @efd (1), the child ends first (0), or the bound. */
static int request_seen(int efd, int done)
{
	struct pollfd p[2] = {
		{ .fd = efd, .events = POLLIN },
		{ .fd = done, .events = POLLIN },
	};

	if (poll(p, 2, BOUND_MS) <= 0)
		return -ETIMEDOUT;
	return !!(p[0].revents & POLLIN);
}

static int uevent_socket(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
			NETLINK_KOBJECT_UEVENT);
	int buf = 1 << 20;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -errno;
	}
	return fd;
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Until the remove uevent of mdev @uuid, within the bound: 0, or -ETIMEDOUT. */
static int removed(int fd, const char *uuid)
{
	size_t len, ulen = strlen(uuid);
	long end = now_ms() + BOUND_MS;
	char buf[4096];
	ssize_t n;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = end - now_ms();

		/* Other loops' events keep coming: the bound is overall. */
		if (left <= 0 || poll(&p, 1, left) != 1)
			return -ETIMEDOUT;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		len = strlen(buf);
		if (!strncmp(buf, "remove@", 7) && len > ulen &&
		    buf[len - ulen - 1] == '/' && !strcmp(buf + len - ulen, uuid))
			return 0;
	}
}

static int mdev_remove(const char *uuid)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
	return wr(path, "1");
}

static int op_vfio_cycle(void)
{
	char path[300], uuid[300] = "";
	struct dirent *de;
	struct vdev v;
	int err, efd;
	DIR *dir;

	dir = opendir("/sys/bus/mdev/devices");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vfio-dev",
			 de->d_name);
		if (!access(path, F_OK)) {
			snprintf(uuid, sizeof(uuid), "%s", de->d_name);
			break;
		}
	}
	closedir(dir);
	if (!uuid[0])
		return -ENXIO;
	err = vfio_hold(uuid, &v, &efd, false);
	if (!err)
		vfio_release(&v, efd);
	return err;
}

static int op_vfio_remove(const char *type_dir)
{
	char path[512], uuid[37];
	int err, efd, done, seen;
	struct vdev v;
	pid_t pid;

	new_uuid(uuid);
	snprintf(path, sizeof(path), "%s/create", type_dir);
	err = wr(path, uuid);
	if (err)
		return err;
	err = vfio_hold(uuid, &v, &efd, false);
	if (err) {
		mdev_remove(uuid);
		return err;
	}
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
	pid = wr_child(path, "1", &done);
	seen = request_seen(efd, done);
	vfio_release(&v, efd);
	err = wr_reap(pid, done);
	if (err)
		return err;
	/* The remove went on without asking, or never asked. */
	return seen < 0 ? seen : seen ? 0 : -EPROTO;
}

static int op_vfio_portdel(const char *dev, const char *sfnum,
			   const char *uuid)
{
	int err, efd, uev;
	struct vdev v;

	err = dl("port-add", dev, "0", sfnum);
	if (err == -EOPNOTSUPP && !dl("eswitch-set", dev, "switchdev", NULL))
		err = dl("port-add", dev, "0", sfnum);
	if (err)
		return err;
	err = vfio_hold(uuid, &v, &efd, false);
	if (err)
		goto out_del;
	err = dl("port-del", dev, sfnum, NULL);
	vfio_release(&v, efd);
	if (err != -EBUSY) {
		if (!err)
			return -EPROTO;	/* deleted while open */
		goto out_del;
	}
	if (!have_cdev())
		return dl("port-del", dev, sfnum, NULL);

	err = vfio_hold(uuid, &v, &efd, true);
	if (err)
		goto out_del;
	uev = uevent_socket();
	err = dl("port-del", dev, sfnum, NULL);
	vfio_release(&v, efd);
	if (!err)
		err = uev < 0 ? uev : removed(uev, uuid);
	if (uev >= 0)
		close(uev);
	if (!err)
		return 0;
out_del:
	/* Whatever is left (legacy took its port, say) goes. */
	if (dl("port-del", dev, sfnum, NULL))
		mdev_remove(uuid);
	return err;
}

static int op_vfio_mode(const char *type_dir, const char *dev)
{
	char path[512], uuid[37];
	int err, efd, sw, leg;
	struct vdev v;

	new_uuid(uuid);
	snprintf(path, sizeof(path), "%s/create", type_dir);
	err = wr(path, uuid);
	if (err)
		return err;
	err = vfio_hold(uuid, &v, &efd, false);
	if (err) {
		mdev_remove(uuid);
		return err;
	}
	/* Held open, the mode cannot change: one is a no-op, one refused. */
	sw = dl("eswitch-set", dev, "switchdev", NULL);
	leg = dl("eswitch-set", dev, "legacy", NULL);
	vfio_release(&v, efd);
	mdev_remove(uuid);
	if ((!sw && leg == -EBUSY) || (sw == -EBUSY && !leg))
		return 0;
	if (!sw && !leg)
		return -EPROTO;		/* it changed while open */
	return sw && sw != -EBUSY ? sw : leg ? leg : -EPROTO;
}

static int op_vfio_parent(unsigned long n, const char *id, const char *ports,
			  const char *uuid)
{
	char buf[64], path[512], u[37], dev[64];
	int err, efd, done, seen;
	bool unbound = have_cdev() && n % 2;
	struct vdev v;
	pid_t pid;

	snprintf(buf, sizeof(buf), "%s %s", id, ports);
	err = wr("/sys/bus/msample/new_device", buf);
	/* EEXIST: left by a turn that failed; this one deletes it. */
	if (err && err != -EEXIST)
		return err;
	snprintf(dev, sizeof(dev), "msample/msample%s", id);
	if (!unbound) {
		new_uuid(u);
		snprintf(path, sizeof(path),
			 "/sys/class/mdev_bus/msample%s/mdev_supported_types/msample-1/create",
			 id);
		err = wr(path, u);
		if (!err)
			err = vfio_hold(u, &v, &efd, false);
		if (err) {
			wr("/sys/bus/msample/del_device", id);
			return err;
		}
		pid = wr_child("/sys/bus/msample/del_device", id, &done);
		seen = request_seen(efd, done);
		vfio_release(&v, efd);
		err = wr_reap(pid, done);
		if (err)
			return err;
		return seen < 0 ? seen : seen ? 0 : -EPROTO;
	}

	err = dl("eswitch-set", dev, "switchdev", NULL);
	if (!err)
		err = dl("port-add", dev, "0", "0");
	if (!err)
		err = vfio_hold(uuid, &v, &efd, true);
	if (err) {
		wr("/sys/bus/msample/del_device", id);
		return err;
	}
	err = dl("port-del", dev, "0", NULL);
	pid = wr_child("/sys/bus/msample/del_device", id, &done);
	/* It waits for the holder: it cannot have ended, looked at once. */
	seen = poll(&(struct pollfd){ .fd = done, .events = POLLIN }, 1, 0);
	vfio_release(&v, efd);
	if (wr_reap(pid, done) || err)
		return err ?: -ENODEV;
	return seen ? -EPROTO : 0;
}

int main(int argc, char **argv)
{
	unsigned long n, max, ok = 0;
	struct timespec now;
	time_t end, last;
	int i, err;

	if (argc < 5) {
		fprintf(stderr, "usage: stressor NAME SECS COUNT create|open|parent|vfio-* ...\n");
		return 2;
	}
	signal(SIGHUP, SIG_IGN);
	snprintf(dlfail, sizeof(dlfail), "%s/dlfail", dirname(strdup(argv[0])));
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
		else if (!strcmp(argv[4], "vfio-cycle") && argc == 5)
			err = op_vfio_cycle();
		else if (!strcmp(argv[4], "vfio-remove") && argc == 6)
			err = op_vfio_remove(argv[5]);
		else if (!strcmp(argv[4], "vfio-portdel") && argc == 8)
			err = op_vfio_portdel(argv[5], argv[6], argv[7]);
		else if (!strcmp(argv[4], "vfio-mode") && argc == 7)
			err = op_vfio_mode(argv[5], argv[6]);
		else if (!strcmp(argv[4], "vfio-parent") && argc == 8)
			err = op_vfio_parent(n, argv[5], argv[6], argv[7]);
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
