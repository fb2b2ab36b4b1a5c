// SPDX-License-Identifier: GPL-2.0
/*
 * mdevbench: the benchmarks' driver, run inside the test VM. Forking
 * costs milliseconds in UML, so the loops that are measured live here.
 * Only successful writes are timed and counted; a failed one is reported
 * by its errno and never enters the figures.
 *
 *   mdevbench populate CREATE PREFIX FROM TO
 *	create the UUIDs PREFIX-...-FROM .. TO-1 through CREATE
 *   mdevbench depopulate REMOVE_FMT PREFIX FROM TO
 *	remove them; REMOVE_FMT is a path with %s for the UUID
 *   mdevbench cycle ITERS ROUNDS NAME CREATE REMOVE_FMT [NAME CREATE REMOVE_FMT]...
 *	ITERS create+remove cycles per target, of one fresh UUID each; the
 *	targets take turns in ROUNDS blocks, each after a short untimed
 *	warm-up. Prints a "stat" line per target for the cycle, the create
 *	write and the remove (open, write, close); with $BENCH_SAMPLES set,
 *	appends every sample to $BENCH_SAMPLES/NAME
 *   mdevbench load CREATE REMOVE_FMT PREFIX
 *	create+remove until a create fails (the parent went away); prints
 *	how many cycles succeeded and the errno that ended it
 *   mdevbench write NAME FILE DATA
 *	one timed write; prints a "stat" line with n=1
 *   mdevbench write-beside NAME FILE DATA BUSY SLOW
 *	a child reads the file SLOW, whose handler makes BUSY read other
 *	than "0" while it sleeps; once BUSY says so (a spin bounded by 30 s,
 *	no sleep), one timed write as above, then BUSY is read again:
 *	"beside NAME busy=N" says whether the write returned while the
 *	handler slept. If the handler never seemed to sleep, a stat line
 *	with fail=1
 *   mdevbench null ITERS
 *	the measuring overhead: two clock reads back to back ("clock"), and
 *	a one-byte write to /dev/null ("syscall")
 *   mdevbench exec NAME REPS CMD [ARGS...]
 *	run CMD REPS times with its output discarded; a "stat" line
 *   mdevbench vfio-open NAME ITERS UUID
 *	ITERS opens and closes of the mdev's VFIO device, as a VMM that uses
 *	iommufd opens it: open /dev/vfio/devices/vfioN, bind it to an
 *	iommufd, attach it to an IOAS (the iommufd and the IOAS are made
 *	once), close it. The first bind is the driver's open_device, the
 *	close its close_device
 *   mdevbench vfio-uart NAME BYTES UUID BAR loop|TTY
 *	BYTES bytes through the UART of region BAR (0: BAR0) by VFIO region
 *	accesses, one byte a pwrite/pread. "loop": each byte written to THR
 *	and read back from RBR (mtty's UART loops back so; ours in the
 *	16550's loop mode, MCR bit 4); a sample is one byte's round trip.
 *	TTY (a path): 16 bytes written to THR, then read from the host tty
 *	TTY (our UART's other end); a sample is one such block
 *
 * A "stat" line: stat name=NAME n=OK fail=FAILED p10= p50= p90= p99= min=
 * max= mean= (microseconds) ops_s= (successful operations per second of
 * the time they took).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <poll.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/serial_reg.h>
#include <linux/vfio.h>

/* iommufd's uapi, which Debian 12's headers predate: the selftests'. */
#include "../selftests/lib/vfio.h"

/* Both drivers put region N at N << 40 in the device file, as vfio-pci. */
#define BENCH_REGION(n)			((off_t)(n) << 40)

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void make_uuid(char *buf, unsigned int prefix, unsigned long long n)
{
	snprintf(buf, 37, "%08x-0000-4000-8000-%012llx", prefix,
		 n & 0xffffffffffffULL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
	size_t i = (size_t)(p / 100.0 * (n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

static void print_stat(const char *name, double *v, size_t n, size_t fail)
{
	double sum = 0;
	size_t i;

	if (!n) {
		printf("stat name=%s n=0 fail=%zu\n", name, fail);
		fflush(stdout);
		return;
	}
	for (i = 0; i < n; i++)
		sum += v[i];
	qsort(v, n, sizeof(*v), cmp_double);
	printf("stat name=%s n=%zu fail=%zu", name, n, fail);
	printf(" p10=%.1f p50=%.1f p90=%.1f p99=%.1f", pct(v, n, 10),
	       pct(v, n, 50), pct(v, n, 90), pct(v, n, 99));
	printf(" min=%.1f max=%.1f mean=%.1f ops_s=%.1f\n", v[0], v[n - 1],
	       sum / n, n / (sum / 1e6));
	fflush(stdout);
}

/* One write of all of DATA; returns 0 or an errno. */
static int write_fd(int fd, const char *data, size_t len)
{
	ssize_t r = pwrite(fd, data, len, 0);

	if (r < 0)
		return errno;
	return (size_t)r == len ? 0 : EIO;
}

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY);
	int err;

	if (fd < 0)
		return errno;
	err = write_fd(fd, data, len);
	close(fd);
	return err;
}

static int open_create(const char *path)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0) {
		fprintf(stderr, "mdevbench: open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static void report_err(const char *what, const char *uuid, int err, size_t *shown)
{
	if ((*shown)++ < 5)
		fprintf(stderr, "mdevbench: %s %s: %s\n", what, uuid, strerror(err));
}

static int cmd_populate(const char *create, unsigned int prefix,
			unsigned long long from, unsigned long long to)
{
	int fd = open_create(create);
	size_t ok = 0, fail = 0, shown = 0;
	char uuid[37];
	double t0 = now_us();

	for (unsigned long long i = from; i < to; i++) {
		int err;

		make_uuid(uuid, prefix, i);
		err = write_fd(fd, uuid, 36);
		if (err) {
			report_err("create", uuid, err, &shown);
			fail++;
		} else {
			ok++;
		}
	}
	close(fd);
	printf("populate ok=%zu fail=%zu secs=%.2f\n", ok, fail, (now_us() - t0) / 1e6);
	return fail ? 1 : 0;
}

static int cmd_depopulate(const char *fmt, unsigned int prefix,
			  unsigned long long from, unsigned long long to)
{
	size_t ok = 0, fail = 0, shown = 0;
	char uuid[37], path[512];
	double t0 = now_us();

	for (unsigned long long i = from; i < to; i++) {
		int err;

		make_uuid(uuid, prefix, i);
		snprintf(path, sizeof(path), fmt, uuid);
		err = write_file(path, "1", 1);
		if (err) {
			report_err("remove", uuid, err, &shown);
			fail++;
		} else {
			ok++;
		}
	}
	printf("depopulate ok=%zu fail=%zu secs=%.2f\n", ok, fail, (now_us() - t0) / 1e6);
	return fail ? 1 : 0;
}

#define WARMUP	5
#define MAX_TARGETS	8

struct target {
	const char *name;
	const char *create;
	const char *fmt;
	int fd;
	unsigned long long next;
	size_t n, fail, shown;
	double *cyc, *cre, *rem;
};

/* One untimed or timed cycle; returns 0 if both writes succeeded. */
static int one_cycle(struct target *t, unsigned int prefix, bool timed)
{
	char uuid[37], path[512];
	double t0, t1, t2;
	int err;

	make_uuid(uuid, prefix, t->next++);
	snprintf(path, sizeof(path), t->fmt, uuid);
	t0 = now_us();
	err = write_fd(t->fd, uuid, 36);
	t1 = now_us();
	if (err) {
		report_err("create", uuid, err, &t->shown);
		t->fail++;
		return err;
	}
	err = write_file(path, "1", 1);
	t2 = now_us();
	if (err) {
		report_err("remove", uuid, err, &t->shown);
		t->fail++;
		return err;
	}
	if (timed) {
		t->cre[t->n] = t1 - t0;
		t->rem[t->n] = t2 - t1;
		t->cyc[t->n] = t2 - t0;
		t->n++;
	}
	return 0;
}

/* Appends a target's samples to $BENCH_SAMPLES/NAME, for pooling runs. */
static void save_samples(struct target *t)
{
	const char *dir = getenv("BENCH_SAMPLES");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, t->name);
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "run fail=%zu\n", t->fail);
	for (size_t i = 0; i < t->n; i++)
		fprintf(f, "%.1f %.1f %.1f\n", t->cyc[i], t->cre[i], t->rem[i]);
	fclose(f);
}

/*
 * Targets take turns in ROUNDS blocks, so a change of the host's load
 * falls on all of them alike.
 */
static int cmd_cycle(size_t iters, size_t rounds, int ntargets, char **args)
{
	struct target tg[MAX_TARGETS] = {};
	size_t block;
	char sub[256];
	int i, ret = 0;

	if (!rounds)
		rounds = 1;
	block = (iters + rounds - 1) / rounds;
	for (i = 0; i < ntargets; i++) {
		tg[i].name = args[3 * i];
		tg[i].create = args[3 * i + 1];
		tg[i].fmt = args[3 * i + 2];
		tg[i].fd = open_create(tg[i].create);
		tg[i].cyc = calloc(iters, sizeof(double));
		tg[i].cre = calloc(iters, sizeof(double));
		tg[i].rem = calloc(iters, sizeof(double));
		if (!tg[i].cyc || !tg[i].cre || !tg[i].rem)
			return 1;
	}
	for (size_t r = 0; r < rounds; r++) {
		for (i = 0; i < ntargets; i++) {
			struct target *t = &tg[i];

			for (size_t w = 0; w < WARMUP; w++)
				one_cycle(t, 0xbbbbbbb0 + i, false);
			for (size_t k = 0; k < block && t->n < iters; k++)
				one_cycle(t, 0xbbbbbbb0 + i, true);
		}
	}
	for (i = 0; i < ntargets; i++) {
		struct target *t = &tg[i];

		close(t->fd);
		save_samples(t);
		print_stat(t->name, t->cyc, t->n, t->fail);
		snprintf(sub, sizeof(sub), "%s.create", t->name);
		print_stat(sub, t->cre, t->n, t->fail);
		snprintf(sub, sizeof(sub), "%s.remove", t->name);
		print_stat(sub, t->rem, t->n, t->fail);
		if (t->fail)
			ret = 1;
	}
	return ret;
}

static int cmd_load(const char *create, const char *fmt, unsigned int prefix)
{
	char uuid[37], path[512];
	size_t ok = 0;
	int err = 0;
	int fd = open(create, O_WRONLY);

	if (fd < 0) {
		printf("load ok=0 end=%s\n", strerror(errno));
		return 0;
	}
	for (unsigned long long i = 0; ; i++) {
		make_uuid(uuid, prefix, i);
		snprintf(path, sizeof(path), fmt, uuid);
		err = write_fd(fd, uuid, 36);
		if (err)
			break;
		/* The parent may take the mdev first: that is not a failure. */
		err = write_file(path, "1", 1);
		if (err && err != ENOENT && err != ENODEV)
			break;
		if (!err)
			ok++;
	}
	close(fd);
	printf("load ok=%zu end=%s\n", ok, strerror(err));
	return 0;
}

static int exec_cmd(const char *name, size_t reps, char **argv)
{
	double *v = calloc(reps, sizeof(double));
	size_t n = 0, fail = 0;

	if (!v)
		return 1;
	for (size_t i = 0; i < reps; i++) {
		double t0 = now_us();
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (!pid) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[0], argv);
			_exit(127);
		}
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && !WEXITSTATUS(status))
			v[n++] = now_us() - t0;
		else
			fail++;
	}
	print_stat(name, v, n, fail);
	return fail ? 1 : 0;
}

static int cmd_null(size_t iters)
{
	double *clk = calloc(iters, sizeof(double));
	double *sys = calloc(iters, sizeof(double));
	int fd = open_create("/dev/null");

	if (!clk || !sys)
		return 1;
	for (size_t i = 0; i < iters; i++) {
		double t0 = now_us(), t1 = now_us(), t2;

		if (write_fd(fd, "1", 1))
			return 1;
		t2 = now_us();
		clk[i] = t1 - t0;
		sys[i] = t2 - t1;
	}
	close(fd);
	print_stat("clock", clk, iters, 0);
	print_stat("syscall", sys, iters, 0);
	return 0;
}

/* Appends one column of samples to $BENCH_SAMPLES/NAME. */
static void save_column(const char *name, const double *v, size_t n, size_t fail)
{
	const char *dir = getenv("BENCH_SAMPLES");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "run fail=%zu\n", fail);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%.2f\n", v[i]);
	fclose(f);
}

/* The mdev's VFIO device cdev, /dev/vfio/devices/vfioN. */
static int vfio_cdev_path(const char *uuid, char *path, size_t len)
{
	char dir[256];
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/sys/bus/mdev/devices/%s/vfio-dev", uuid);
	dp = opendir(dir);
	if (!dp)
		return errno;
	while ((d = readdir(dp)) && strncmp(d->d_name, "vfio", 4))
		;
	if (d)
		snprintf(path, len, "/dev/vfio/devices/%s", d->d_name);
	closedir(dp);
	return d ? 0 : ENOENT;
}

/* Opens, binds and attaches the device: its fd, or -errno. */
static int vfio_open_bound(const char *path, int iommufd, __u32 ioas)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind),
						 .iommufd = iommufd };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at),
						    .pt_id = ioas };
	int fd = open(path, O_RDWR), err;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) ||
	    ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at)) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static int vfio_iommufd(__u32 *ioas)
{
	struct mdevfw_iommu_ioas_alloc a = { .size = sizeof(a) };
	int fd = open("/dev/iommu", O_RDWR);

	if (fd < 0 || ioctl(fd, MDEVFW_IOMMU_IOAS_ALLOC, &a)) {
		fprintf(stderr, "mdevbench: iommufd: %s\n", strerror(errno));
		exit(1);
	}
	*ioas = a.out_ioas_id;
	return fd;
}

static int cmd_vfio_open(const char *name, size_t iters, const char *uuid)
{
	double *v = calloc(iters, sizeof(double));
	size_t n = 0, fail = 0, shown = 0;
	char path[300];
	int iommufd, fd;
	__u32 ioas;

	if (!v || vfio_cdev_path(uuid, path, sizeof(path)))
		return 1;
	iommufd = vfio_iommufd(&ioas);
	for (size_t i = 0; i < iters + WARMUP; i++) {
		double t0 = now_us();

		fd = vfio_open_bound(path, iommufd, ioas);
		if (fd < 0) {
			report_err("vfio open", uuid, -fd, &shown);
			fail++;
			continue;
		}
		close(fd);
		if (i >= WARMUP)
			v[n++] = now_us() - t0;
	}
	close(iommufd);
	save_column(name, v, n, fail);
	print_stat(name, v, n, fail);
	return fail ? 1 : 0;
}

static int uart_rw(int fd, off_t off, unsigned char *b, bool write)
{
	ssize_t r = write ? pwrite(fd, b, 1, off) : pread(fd, b, 1, off);

	return r == 1 ? 0 : r < 0 ? errno : EIO;
}

/* A raw, non-blocking host tty. */
static int open_raw_tty(const char *path)
{
	struct termios t;
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);

	if (fd < 0 || tcgetattr(fd, &t))
		return -1;
	cfmakeraw(&t);
	return tcsetattr(fd, TCSANOW, &t) ? -1 : fd;
}

#define UART_BLOCK	16

static int cmd_vfio_uart(const char *name, size_t bytes, const char *uuid,
			 unsigned int bar, const char *mode)
{
	bool loop = !strcmp(mode, "loop");
	size_t nsamples = loop ? bytes : bytes / UART_BLOCK;
	double *v = calloc(nsamples + 1, sizeof(double));
	off_t base = BENCH_REGION(VFIO_PCI_BAR0_REGION_INDEX + bar);
	unsigned char b = 0, got[UART_BLOCK];
	size_t n = 0, fail = 0, shown = 0;
	int iommufd, fd, tty = -1, err = 0;
	char path[300];
	__u32 ioas;

	if (!v || vfio_cdev_path(uuid, path, sizeof(path)))
		return 1;
	iommufd = vfio_iommufd(&ioas);
	fd = vfio_open_bound(path, iommufd, ioas);
	if (fd < 0) {
		fprintf(stderr, "mdevbench: vfio open %s: %s\n", uuid, strerror(-fd));
		return 1;
	}
	/* 8 bits, no parity; loop mode, or the line to the host. */
	b = UART_LCR_WLEN8;
	err = uart_rw(fd, base + UART_LCR, &b, true);
	b = UART_FCR_ENABLE_FIFO;
	err = err ?: uart_rw(fd, base + UART_FCR, &b, true);
	b = loop ? UART_MCR_LOOP : UART_MCR_DTR | UART_MCR_RTS;
	err = err ?: uart_rw(fd, base + UART_MCR, &b, true);
	if (!loop) {
		tty = open_raw_tty(mode);
		if (tty < 0)
			err = errno;
	}
	for (size_t i = 0; !err && i < nsamples; i++) {
		double t0 = now_us();

		if (loop) {
			unsigned char c = i & 0xff;

			err = uart_rw(fd, base + UART_TX, &c, true) ?:
			      uart_rw(fd, base + UART_RX, &b, false);
			if (!err && b != c)
				err = EBADMSG;
		} else {
			size_t have = 0;

			for (unsigned int j = 0; !err && j < UART_BLOCK; j++) {
				unsigned char c = (i + j) & 0xff;

				err = uart_rw(fd, base + UART_TX, &c, true);
			}
			while (!err && have < UART_BLOCK) {
				struct pollfd p = { .fd = tty, .events = POLLIN };
				ssize_t r;

				if (poll(&p, 1, 5000) != 1) {
					err = ETIMEDOUT;
					break;
				}
				r = read(tty, got + have, UART_BLOCK - have);
				if (r < 0 && errno != EAGAIN)
					err = errno;
				else if (r > 0)
					have += r;
			}
			if (!err && got[0] != (i & 0xff))
				err = EBADMSG;
		}
		if (err) {
			report_err("uart", uuid, err, &shown);
			fail++;
			break;
		}
		v[n++] = now_us() - t0;
	}
	if (tty >= 0)
		close(tty);
	close(fd);
	close(iommufd);
	save_column(name, v, n, fail);
	print_stat(name, v, n, fail);
	return fail ? 1 : 0;
}

/* The first number in @fd's file, read from its start. */
static long read_num(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static int cmd_write_beside(const char *name, const char *file,
			    const char *data, const char *busy, const char *slow)
{
	int fd = open(busy, O_RDONLY), err;
	double t0, t, until;
	long now = 0;
	pid_t pid;

	if (fd < 0) {
		fprintf(stderr, "mdevbench: open %s: %s\n", busy, strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		char buf[4096];
		int sfd = open(slow, O_RDONLY);

		_exit(sfd < 0 || read(sfd, buf, sizeof(buf)) < 0);
	}
	until = now_us() + 30e6;
	while (read_num(fd) <= 0 && now_us() < until)
		;
	if (read_num(fd) <= 0) {
		fprintf(stderr, "mdevbench: %s never became busy\n", busy);
		t = 0;
		print_stat(name, &t, 0, 1);
	} else {
		t0 = now_us();
		err = write_file(file, data, strlen(data));
		t = now_us() - t0;
		now = read_num(fd);
		if (err) {
			fprintf(stderr, "mdevbench: write %s to %s: %s\n", data, file,
				strerror(err));
			print_stat(name, &t, 0, 1);
		} else {
			print_stat(name, &t, 1, 0);
			printf("beside %s busy=%ld\n", name, now);
		}
	}
	close(fd);
	waitpid(pid, NULL, 0);
	return 0;
}

static void cmd_usage(void)
{
	fprintf(stderr, "usage: see the comment at the top of its source\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		cmd_usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "populate") && argc == 6)
		return cmd_populate(argv[2], strtoul(argv[3], NULL, 16),
				strtoull(argv[4], NULL, 0), strtoull(argv[5], NULL, 0));
	if (!strcmp(argv[1], "depopulate") && argc == 6)
		return cmd_depopulate(argv[2], strtoul(argv[3], NULL, 16),
				  strtoull(argv[4], NULL, 0), strtoull(argv[5], NULL, 0));
	if (!strcmp(argv[1], "cycle") && argc >= 7 && (argc - 4) % 3 == 0 &&
	    (argc - 4) / 3 <= MAX_TARGETS)
		return cmd_cycle(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0),
				 (argc - 4) / 3, argv + 4);
	if (!strcmp(argv[1], "load") && argc == 5)
		return cmd_load(argv[2], argv[3], strtoul(argv[4], NULL, 16));
	if (!strcmp(argv[1], "write") && argc == 5) {
		double t0 = now_us(), t;
		int err = write_file(argv[3], argv[4], strlen(argv[4]));

		t = now_us() - t0;
		if (err) {
			fprintf(stderr, "mdevbench: write %s to %s: %s\n", argv[4], argv[3],
				strerror(err));
			print_stat(argv[2], &t, 0, 1);
			return 1;
		}
		print_stat(argv[2], &t, 1, 0);
		return 0;
	}
	if (!strcmp(argv[1], "write-beside") && argc == 7)
		return cmd_write_beside(argv[2], argv[3], argv[4], argv[5], argv[6]);
	if (!strcmp(argv[1], "null") && argc == 3)
		return cmd_null(strtoul(argv[2], NULL, 0));
	if (!strcmp(argv[1], "vfio-open") && argc == 5)
		return cmd_vfio_open(argv[2], strtoul(argv[3], NULL, 0), argv[4]);
	if (!strcmp(argv[1], "vfio-uart") && argc == 7)
		return cmd_vfio_uart(argv[2], strtoul(argv[3], NULL, 0), argv[4],
				     strtoul(argv[5], NULL, 0), argv[6]);
	if (!strcmp(argv[1], "exec") && argc >= 5)
		return exec_cmd(argv[2], strtoul(argv[3], NULL, 0), argv + 4);
	cmd_usage();
	return 2;
}
