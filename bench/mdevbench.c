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
 *   mdevbench null ITERS
 *	the measuring overhead: two clock reads back to back ("clock"), and
 *	a one-byte write to /dev/null ("syscall")
 *   mdevbench exec NAME REPS CMD [ARGS...]
 *	run CMD REPS times with its output discarded; a "stat" line
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
#include <sys/wait.h>

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
	if (!strcmp(argv[1], "null") && argc == 3)
		return cmd_null(strtoul(argv[2], NULL, 0));
	if (!strcmp(argv[1], "exec") && argc >= 5)
		return exec_cmd(argv[2], strtoul(argv[3], NULL, 0), argv + 4);
	cmd_usage();
	return 2;
}
