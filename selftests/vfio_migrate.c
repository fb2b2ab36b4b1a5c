// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO migration v2 of the sample's mdevs through the VFIO user API, two
 * mdevs of type msample-2 in one VM: bytes in flight both ways, the
 * state machine from the first to the second, and the second's UART
 * state and bytes exactly the first's; PRE_COPY; corrupt, truncated,
 * overlong and incompatible streams refused with their errnos; reset and
 * close end a migration. No sleeps: every wait is a poll() with a bound.
 *
 *   MIG_SRC=<uuid> MIG_DST=<uuid> MIG_SRC_TTY=ttyMDEVn MIG_DST_TTY=ttyMDEVm
 *   [MIG_OFF=<uuid of a non-migratable mdev>] [MIG_ONE=<uuid of msample-1>]
 *	.build/tools/vfio_migrate [-v group|cdev]
 *   .build/tools/vfio_migrate --hold group|cdev UUID STATE
 *	open the mdev, move it to STATE (a number of enum
 *	vfio_device_mig_state), print "ready" (or "error ENAME"); print
 *	"request" and close when the kernel asks for it back, or close at
 *	a line or EOF on stdin; then print "closed"
 *   .build/tools/vfio_migrate --fuzz group|cdev SRC DST ROUNDS SEED
 *	save SRC once, then feed DST ROUNDS streams with random bytes
 *	changed (the checksum made right again half the time); each must be
 *	refused with one of its errnos, or taken with DST's state valid
 */
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <stdint.h>
#include <stdlib.h>
#include <termios.h>
#include <dirent.h>
#include <libgen.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <linux/pci_regs.h>
#include <linux/serial_reg.h>
#include <linux/vfio.h>
#include "kselftest_harness.h"
#include "lib/sysfs.h"
#include "lib/vfio.h"

/* Debian 12's uapi headers predate PRE_COPY (lib/vfio.h: iommufd). */
#ifndef VFIO_MIGRATION_PRE_COPY
#define VFIO_MIGRATION_PRE_COPY		4
#define VFIO_DEVICE_STATE_PRE_COPY	6
#define VFIO_DEVICE_STATE_PRE_COPY_P2P	7
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};

#define VFIO_MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)
#endif
#ifndef VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
struct vfio_device_feature_mig_data_size {
	__aligned_u64 stop_copy_length;
};

#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9
#endif

#define CFG_OFF		((__u64)VFIO_PCI_CONFIG_REGION_INDEX << 40)
#define BAR_OFF(n)	((__u64)(VFIO_PCI_BAR0_REGION_INDEX + (n)) << 40)
#define BOUND_MS	5000

/*
 * The stream of an msample-2: the framework's header (72 bytes), the
 * sample's state (8 + 256 of config space + 2 UARTs of 44), the CRC.
 */
#define HDR_SIZE	72
#define STATE_SIZE	(8 + 256 + 2 * 44)
#define STREAM_SIZE	(HDR_SIZE + STATE_SIZE + 4)
#define OFF_VERSION	16	/* the vendor's version in the header */
#define OFF_TYPE	24	/* "msample-2" */
#define OFF_UART0	(HDR_SIZE + 8 + 256)
#define OFF_RX_COUNT	9	/* in a UART */

/* The group (type1) or the bound cdev (iommufd), as lib/vfio.h opens them. */
static int vdev_open_any(bool cdev, const char *uuid, struct vdev *v)
{
	*v = (struct vdev){ -1, -1, -1 };
	return cdev ? vdev_open_cdev(uuid, v, false) : vdev_open(uuid, v);
}

/* Closes what is open, and leaves nothing to close twice. */
static void vdev_put(struct vdev *v)
{
	vdev_close(v);
	*v = (struct vdev){ -1, -1, -1 };
}

static int reg(struct vdev *v, int bar, int r)
{
	__u8 b;

	return pread(v->device, &b, 1, BAR_OFF(bar) + r) == 1 ? b : -1;
}

static int set_reg(struct vdev *v, int bar, int r, __u8 val)
{
	return pwrite(v->device, &val, 1, BAR_OFF(bar) + r) == 1 ? 0 : -1;
}

static __u32 cfg32(struct vdev *v, int off)
{
	__u32 val = 0;

	return pread(v->device, &val, 4, CFG_OFF + off) == 4 ? val : ~0u;
}

static int set_cfg32(struct vdev *v, int off, __u32 val)
{
	return pwrite(v->device, &val, 4, CFG_OFF + off) == 4 ? 0 : -1;
}

/* VFIO_DEVICE_FEATURE with a payload: 0 or -errno. */
static int feature(struct vdev *v, __u32 flags, void *data, size_t size)
{
	struct {
		struct vfio_device_feature f;
		__u8 data[64];
	} req = { .f = { .argsz = sizeof(req.f) + size, .flags = flags } };
	int ret;

	memcpy(req.data, data, size);
	ret = ioctl(v->device, VFIO_DEVICE_FEATURE, &req);
	if (ret)
		return -errno;
	memcpy(data, req.data, size);
	return 0;
}

static int mig_flags(struct vdev *v, __u64 *flags)
{
	struct vfio_device_feature_migration m = { 0 };
	int ret = feature(v, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION,
			  &m, sizeof(m));

	*flags = m.flags;
	return ret;
}

static int get_state(struct vdev *v)
{
	struct vfio_device_feature_mig_state s = { 0 };
	int ret = feature(v, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &s, sizeof(s));

	return ret ?: (int)s.device_state;
}

/* Moves to @state: the data fd (or -1 without one), or -errno. */
static int set_state(struct vdev *v, __u32 state)
{
	struct vfio_device_feature_mig_state s = { .device_state = state };
	int ret = feature(v, VFIO_DEVICE_FEATURE_SET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &s, sizeof(s));

	return ret ?: s.data_fd;
}

/* Reads a save file to its end: the bytes, or -errno. */
static ssize_t read_all(int fd, __u8 *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n < size) {
		r = read(fd, buf + n, size - n);
		if (r < 0)
			return -errno;
		if (!r)
			break;
		n += r;
	}
	return n;
}

/* Saves @v: RUNNING -> STOP_COPY, the stream, -> STOP. Bytes or -errno. */
static ssize_t save(struct vdev *v, __u8 *buf, size_t size)
{
	int fd = set_state(v, VFIO_DEVICE_STATE_STOP_COPY);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read_all(fd, buf, size);
	close(fd);
	if (n >= 0 && set_state(v, VFIO_DEVICE_STATE_STOP) != -1)
		return -EPROTO;
	return n;
}

/*
 * Resumes @v from @len bytes of @buf: the errno of the first write that
 * failed, else of RESUMING -> STOP, else 0 (in STOP).
 */
static int resume(struct vdev *v, const __u8 *buf, size_t len)
{
	int fd = set_state(v, VFIO_DEVICE_STATE_RESUMING), ret;
	ssize_t w;

	if (fd < 0)
		return fd;
	w = write(fd, buf, len);
	ret = w < 0 ? -errno : 0;
	close(fd);
	if (!ret) {
		ret = set_state(v, VFIO_DEVICE_STATE_STOP);
		ret = ret == -1 ? 0 : ret;
	}
	return ret;
}

/* Kernel crc32_le(~0, ...): reflected, no final inversion. */
static __u32 crc32_le(const __u8 *p, size_t len)
{
	__u32 crc = ~0u;
	int i;

	while (len--) {
		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return crc;
}

static void fix_crc(__u8 *s)
{
	__u32 crc = crc32_le(s, HDR_SIZE + STATE_SIZE);

	memcpy(s + HDR_SIZE + STATE_SIZE, &crc, 4);	/* little endian */
}

static int ready(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* A host tty, raw, non-blocking. */
static int open_tty(const char *env)
{
	const char *name = getenv(env);
	struct termios t;
	char path[64];
	int fd;

	if (!name)
		return -1;
	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || tcgetattr(fd, &t))
		return -1;
	cfmakeraw(&t);
	return tcsetattr(fd, TCSANOW, &t) ? -1 : fd;
}

/* Reads exactly @len bytes from a tty within the bound: 0 or -1. */
static int tty_read(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n < len) {
		if (!ready(fd, BOUND_MS))
			return -1;
		r = read(fd, buf + n, len - n);
		if (r <= 0)
			return -1;
		n += r;
	}
	return 0;
}

FIXTURE(mig) {
	struct vdev src, dst;
	bool cdev;
};

FIXTURE_VARIANT(mig) {
	bool cdev;
};

FIXTURE_VARIANT_ADD(mig, group) {
	.cdev = false,
};

FIXTURE_VARIANT_ADD(mig, cdev) {
	.cdev = true,
};

FIXTURE_SETUP(mig)
{
	const char *src = getenv("MIG_SRC"), *dst = getenv("MIG_DST");
	const char *mode = getenv("MIG_MODE");

	self->src = (struct vdev){ -1, -1, -1 };
	self->dst = self->src;
	self->cdev = variant->cdev;
	ASSERT_NE(NULL, src);
	ASSERT_NE(NULL, dst);
	if (mode && strcmp(mode, variant->cdev ? "cdev" : "group"))
		SKIP(return, "this lane tests the other way in");
	ASSERT_EQ(0, vdev_open_any(variant->cdev, src, &self->src));
	ASSERT_EQ(0, vdev_open_any(variant->cdev, dst, &self->dst));
}

FIXTURE_TEARDOWN(mig)
{
	vdev_put(&self->src);
	vdev_put(&self->dst);
}

TEST_F(mig, features)
{
	struct vfio_device_feature_mig_data_size ds = { 0 };
	__u64 flags = 0;

	ASSERT_EQ(0, mig_flags(&self->src, &flags));
	EXPECT_EQ((__u64)(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
			  VFIO_MIGRATION_PRE_COPY), flags);
	EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, get_state(&self->src));
	ASSERT_EQ(0, feature(&self->src, VFIO_DEVICE_FEATURE_GET |
			     VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, &ds, sizeof(ds)));
	EXPECT_EQ((__u64)STREAM_SIZE, ds.stop_copy_length);
	/* RUNNING_P2P and back: no file. */
	EXPECT_EQ(-1, set_state(&self->src, VFIO_DEVICE_STATE_RUNNING_P2P));
	EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING_P2P, get_state(&self->src));
	EXPECT_EQ(-1, set_state(&self->src, VFIO_DEVICE_STATE_RUNNING));
	/* Not a state a user may ask for. */
	EXPECT_EQ(-EINVAL, set_state(&self->src, VFIO_DEVICE_STATE_ERROR));
	EXPECT_EQ(-EINVAL, set_state(&self->src, 99));
	EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, get_state(&self->src));
}

/* The one migration: bytes in flight both ways, exactly carried over. */
TEST_F(mig, migrate_in_flight)
{
	__u8 s1[STREAM_SIZE + 16], s2[STREAM_SIZE + 16];
	struct vdev *a = &self->src, *b = &self->dst;
	int tty, i;
	char got[4];

	/* The guest programs the card: BAR0, the divisor, the UARTs. */
	ASSERT_EQ(0, set_cfg32(a, PCI_BASE_ADDRESS_0, 0xc010));
	ASSERT_EQ(0, set_cfg32(a, PCI_COMMAND, PCI_COMMAND_IO));
	ASSERT_EQ(0, set_reg(a, 0, UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8));
	ASSERT_EQ(0, set_reg(a, 0, UART_DLL, 0x0c));
	ASSERT_EQ(0, set_reg(a, 0, UART_DLM, 0x01));
	ASSERT_EQ(0, set_reg(a, 0, UART_LCR, UART_LCR_WLEN8));
	ASSERT_EQ(0, set_reg(a, 0, UART_FCR, UART_FCR_ENABLE_FIFO));
	ASSERT_EQ(0, set_reg(a, 0, UART_IER, UART_IER_RDI));
	ASSERT_EQ(0, set_reg(a, 0, UART_MCR, UART_MCR_DTR | UART_MCR_RTS));
	ASSERT_EQ(0, set_reg(a, 0, UART_SCR, 0xa5));
	ASSERT_EQ(0, set_reg(a, 1, UART_SCR, 0x3c));

	/* Host to guest: three bytes the guest has not read from RBR. */
	tty = open_tty("MIG_SRC_TTY");
	ASSERT_LE(0, tty);
	ASSERT_EQ(3, write(tty, "xyz", 3));
	close(tty);
	/* Guest to host: two bytes while nobody on the host listens. */
	ASSERT_EQ(0, set_reg(a, 0, UART_TX, 'a'));
	ASSERT_EQ(0, set_reg(a, 0, UART_TX, 'b'));
	EXPECT_EQ(UART_LSR_DR, reg(a, 0, UART_LSR));

	/* Save the first: RUNNING -> STOP_COPY, read to EOF, -> STOP. */
	ASSERT_EQ(STREAM_SIZE, save(a, s1, sizeof(s1)));
	EXPECT_EQ(VFIO_DEVICE_STATE_STOP, get_state(a));
	EXPECT_EQ(0, memcmp(s1 + OFF_TYPE, "msample-2", 10));
	/* Stopped, it takes no byte from the host. */
	tty = open_tty("MIG_SRC_TTY");
	ASSERT_LE(0, tty);
	EXPECT_EQ(-1, write(tty, "q", 1));
	EXPECT_EQ(EAGAIN, errno);
	close(tty);

	/* Into the second: RUNNING -> RESUMING, write, -> STOP -> RUNNING. */
	ASSERT_EQ(0, resume(b, s1, STREAM_SIZE));
	EXPECT_EQ(VFIO_DEVICE_STATE_STOP, get_state(b));
	ASSERT_EQ(-1, set_state(b, VFIO_DEVICE_STATE_RUNNING));

	/* Its state, saved again, is the first's byte for byte. */
	ASSERT_EQ(STREAM_SIZE, save(b, s2, sizeof(s2)));
	EXPECT_EQ(0, memcmp(s1, s2, STREAM_SIZE));
	ASSERT_EQ(-1, set_state(b, VFIO_DEVICE_STATE_RUNNING));

	/* And as its guest sees it. */
	EXPECT_EQ(0xc011u, cfg32(b, PCI_BASE_ADDRESS_0));
	EXPECT_EQ(UART_LCR_WLEN8, reg(b, 0, UART_LCR));
	EXPECT_EQ(UART_IER_RDI, reg(b, 0, UART_IER));
	EXPECT_EQ(UART_MCR_DTR | UART_MCR_RTS, reg(b, 0, UART_MCR));
	EXPECT_EQ(0xa5, reg(b, 0, UART_SCR));
	EXPECT_EQ(0x3c, reg(b, 1, UART_SCR));
	EXPECT_EQ(UART_LSR_DR, reg(b, 0, UART_LSR));
	EXPECT_EQ(0xc0 | UART_IIR_RDI, reg(b, 0, UART_IIR));
	ASSERT_EQ(0, set_reg(b, 0, UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8));
	EXPECT_EQ(0x0c, reg(b, 0, UART_DLL));
	EXPECT_EQ(0x01, reg(b, 0, UART_DLM));
	ASSERT_EQ(0, set_reg(b, 0, UART_LCR, UART_LCR_WLEN8));
	for (i = 0; i < 3; i++)
		EXPECT_EQ("xyz"[i], reg(b, 0, UART_RX));
	EXPECT_EQ(0, reg(b, 0, UART_LSR) & UART_LSR_DR);
	/* The host opens the second's tty: the two bytes arrive there. */
	tty = open_tty("MIG_DST_TTY");
	ASSERT_LE(0, tty);
	ASSERT_EQ(0, tty_read(tty, got, 2));
	EXPECT_EQ(0, memcmp(got, "ab", 2));
	EXPECT_EQ(UART_LSR_THRE | UART_LSR_TEMT, reg(b, 0, UART_LSR));
	EXPECT_EQ(0, ready(tty, 0));
	close(tty);
	ASSERT_EQ(-1, set_state(a, VFIO_DEVICE_STATE_RUNNING));
}

TEST_F(mig, precopy)
{
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	__u8 s[STREAM_SIZE + 16];
	int fd;

	fd = set_state(&self->src, VFIO_DEVICE_STATE_PRE_COPY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info));
	EXPECT_EQ((__u64)HDR_SIZE, info.initial_bytes);
	EXPECT_EQ(0u, info.dirty_bytes);
	EXPECT_EQ(HDR_SIZE, read_all(fd, s, sizeof(s)));
	ASSERT_EQ(0, ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info));
	EXPECT_EQ(0u, info.initial_bytes);
	/* PRE_COPY_P2P and on to STOP_COPY: the same file goes on. */
	EXPECT_EQ(-1, set_state(&self->src, VFIO_DEVICE_STATE_PRE_COPY_P2P));
	EXPECT_EQ(-1, set_state(&self->src, VFIO_DEVICE_STATE_STOP_COPY));
	EXPECT_EQ(-1, ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(STREAM_SIZE - HDR_SIZE, read_all(fd, s + HDR_SIZE,
						   sizeof(s) - HDR_SIZE));
	EXPECT_EQ(-1, set_state(&self->src, VFIO_DEVICE_STATE_STOP));
	/* The transfer ended: the file reads -ENODEV. */
	EXPECT_EQ(-1, read(fd, s, 1));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
	/* The stream resumes the other. */
	EXPECT_EQ(0, resume(&self->dst, s, STREAM_SIZE));
	EXPECT_EQ(-1, set_state(&self->dst, VFIO_DEVICE_STATE_RUNNING));
	EXPECT_EQ(-1, set_state(&self->src, VFIO_DEVICE_STATE_RUNNING));
	/* PRE_COPY back to RUNNING ends its file. */
	fd = set_state(&self->src, VFIO_DEVICE_STATE_PRE_COPY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, set_state(&self->src, VFIO_DEVICE_STATE_RUNNING));
	EXPECT_EQ(-1, read(fd, s, 1));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
}

/* Each bad stream, its errno; a reset ends RESUMING each time. */
TEST_F(mig, bad_streams)
{
	__u8 good[STREAM_SIZE + 16], s[STREAM_SIZE + 16];
	struct vdev *b = &self->dst;

	ASSERT_EQ(STREAM_SIZE, save(&self->src, good, sizeof(good)));
	ASSERT_EQ(-1, set_state(&self->src, VFIO_DEVICE_STATE_RUNNING));

#define BAD(desc, len, err) do {					\
	EXPECT_EQ(err, resume(b, s, len)) TH_LOG("%s", desc);		\
	EXPECT_EQ(VFIO_DEVICE_STATE_RESUMING, get_state(b));		\
	ASSERT_EQ(0, ioctl(b->device, VFIO_DEVICE_RESET));		\
	EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, get_state(b));		\
} while (0)

	memcpy(s, good, STREAM_SIZE);
	s[0] ^= 0xff;
	BAD("not ours: magic", STREAM_SIZE, -EBADMSG);
	memcpy(s, good, STREAM_SIZE);
	s[OFF_VERSION]++;
	BAD("another vendor version", STREAM_SIZE, -EPROTONOSUPPORT);
	memcpy(s, good, STREAM_SIZE);
	s[OFF_TYPE + 8] = '1';
	BAD("another type", STREAM_SIZE, -EPROTONOSUPPORT);
	memcpy(s, good, STREAM_SIZE);
	s[HDR_SIZE + 100] ^= 0x01;
	BAD("corrupt: the checksum", STREAM_SIZE, -EBADMSG);
	memcpy(s, good, STREAM_SIZE);
	BAD("truncated", STREAM_SIZE - 10, -ENODATA);
	BAD("only the header", HDR_SIZE, -ENODATA);
	BAD("nothing", 0, -ENODATA);
	memcpy(s, good, STREAM_SIZE);
	BAD("overlong", STREAM_SIZE + 1, -EFBIG);
	memcpy(s, good, STREAM_SIZE);
	s[OFF_UART0 + OFF_RX_COUNT] = 17;
	fix_crc(s);
	BAD("a state no UART can have", STREAM_SIZE, -EINVAL);
	memcpy(s, good, STREAM_SIZE);
	s[HDR_SIZE] = 1;	/* one port */
	fix_crc(s);
	BAD("a state of another card", STREAM_SIZE, -EINVAL);
	memcpy(s, good, STREAM_SIZE);
	s[HDR_SIZE + 8 + PCI_VENDOR_ID] = 0x86;
	fix_crc(s);
	BAD("read-only config space differs", STREAM_SIZE, -EINVAL);
#undef BAD
	/* After all that, the good one still goes in. */
	EXPECT_EQ(0, resume(b, good, STREAM_SIZE));
	EXPECT_EQ(-1, set_state(b, VFIO_DEVICE_STATE_RUNNING));
}

/* A reset, and a close, end a migration and its file. */
TEST_F(mig, reset_and_close_end_it)
{
	const char *src = getenv("MIG_SRC");
	__u8 s[16];
	int fd;

	fd = set_state(&self->src, VFIO_DEVICE_STATE_STOP_COPY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(8, read(fd, s, 8));
	ASSERT_EQ(0, ioctl(self->src.device, VFIO_DEVICE_RESET));
	EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, get_state(&self->src));
	EXPECT_EQ(-1, read(fd, s, 8));
	EXPECT_EQ(ENODEV, errno);
	close(fd);

	fd = set_state(&self->src, VFIO_DEVICE_STATE_RESUMING);
	ASSERT_LE(0, fd);
	vdev_put(&self->src);
	/* The file outlives the device, ended. */
	EXPECT_EQ(-1, write(fd, s, 8));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, vdev_open_any(self->cdev, src, &self->src));
	EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, get_state(&self->src));
	close(fd);
}

/* An mdev that is not migratable refuses every migration feature. */
TEST_F(mig, not_migratable)
{
	const char *off = getenv("MIG_OFF");
	struct vdev v;
	__u64 flags;

	if (!off)
		SKIP(return, "no MIG_OFF mdev");
	ASSERT_EQ(0, vdev_open_any(self->cdev, off, &v));
	EXPECT_EQ(-ENOTTY, mig_flags(&v, &flags));
	EXPECT_EQ(-ENOTTY, get_state(&v));
	EXPECT_EQ(-ENOTTY, set_state(&v, VFIO_DEVICE_STATE_STOP));
	vdev_put(&v);
}

/* An msample-1's stream is refused by an msample-2. */
TEST_F(mig, other_type_refused)
{
	const char *one = getenv("MIG_ONE");
	__u8 s[STREAM_SIZE];
	struct vdev v;
	ssize_t n;

	if (!one)
		SKIP(return, "no MIG_ONE mdev");
	ASSERT_EQ(0, vdev_open_any(self->cdev, one, &v));
	n = save(&v, s, sizeof(s));
	EXPECT_EQ(HDR_SIZE + 8 + 256 + 44 + 4, n);
	EXPECT_EQ(-EPROTONOSUPPORT, resume(&self->dst, s, n));
	ASSERT_EQ(0, ioctl(self->dst.device, VFIO_DEVICE_RESET));
	vdev_put(&v);
}

static const char *errname(int err)
{
	return strerrorname_np(err) ?: "unknown";
}

/* --hold: see the top of the file. */
static int hold(bool cdev, const char *uuid, int state)
{
	struct vfio_irq_set *irq;
	char buf[sizeof(*irq) + 4];
	struct pollfd p[2];
	struct vdev v;
	char line[64];
	int ret, efd, fd;

	ret = vdev_open_any(cdev, uuid, &v);
	if (ret) {
		printf("error %s\n", errname(-ret));
		return 1;
	}
	efd = eventfd(0, EFD_NONBLOCK);
	irq = (void *)buf;
	*irq = (struct vfio_irq_set){ .argsz = sizeof(buf),
		.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_PCI_REQ_IRQ_INDEX, .count = 1 };
	memcpy(irq->data, &efd, 4);
	if (ioctl(v.device, VFIO_DEVICE_SET_IRQS, irq)) {
		printf("error SET_IRQS\n");
		return 1;
	}
	/* Through STOP to RESUMING, which no combination arc reaches. */
	if (state == VFIO_DEVICE_STATE_RESUMING)
		set_state(&v, VFIO_DEVICE_STATE_STOP);
	fd = set_state(&v, state);
	if (fd < -1) {
		printf("error %s\n", errname(-fd));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	p[0] = (struct pollfd){ .fd = efd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = 0, .events = POLLIN };
	for (;;) {
		if (poll(p, 2, -1) < 0)
			return 1;
		if (p[0].revents & POLLIN) {
			printf("request\n");
			fflush(stdout);
			break;
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			if (!fgets(line, sizeof(line), stdin) || line[0])
				break;
		}
	}
	vdev_put(&v);
	if (fd >= 0)
		close(fd);
	close(efd);
	printf("closed\n");
	return 0;
}

/* --fuzz: see the top of the file. Prints a summary; 0 unless a bug. */
static int fuzz(bool cdev, const char *src, const char *dst, long rounds,
		unsigned int seed)
{
	__u8 good[STREAM_SIZE + 16], s[STREAM_SIZE + 16];
	long taken = 0, refused = 0, i;
	struct vdev a, b;
	int ret, j, n;

	if (vdev_open_any(cdev, src, &a) || vdev_open_any(cdev, dst, &b))
		return 1;
	if (save(&a, good, sizeof(good)) != STREAM_SIZE)
		return 1;
	srandom(seed);
	for (i = 0; i < rounds; i++) {
		size_t len = STREAM_SIZE;

		memcpy(s, good, STREAM_SIZE);
		n = 1 + random() % 8;
		for (j = 0; j < n; j++)
			s[random() % STREAM_SIZE] = random();
		if (random() % 2)
			fix_crc(s);
		if (!(random() % 8))
			len = random() % (STREAM_SIZE + 2);
		ret = resume(&b, s, len);
		switch (ret) {
		case 0:
			taken++;
			/* Taken: the device runs and saves again. */
			if (set_state(&b, VFIO_DEVICE_STATE_RUNNING) != -1 ||
			    save(&b, s, sizeof(s)) != STREAM_SIZE ||
			    set_state(&b, VFIO_DEVICE_STATE_RUNNING) != -1) {
				printf("round %ld: taken, then broken\n", i);
				return 1;
			}
			break;
		case -EBADMSG:
		case -EPROTONOSUPPORT:
		case -ENODATA:
		case -EFBIG:
		case -EINVAL:
			refused++;
			if (ioctl(b.device, VFIO_DEVICE_RESET) ||
			    get_state(&b) != VFIO_DEVICE_STATE_RUNNING) {
				printf("round %ld: reset failed\n", i);
				return 1;
			}
			break;
		default:
			printf("round %ld: unexpected %s\n", i, errname(-ret));
			return 1;
		}
	}
	printf("%s: %ld rounds, %ld taken, %ld refused\n", __func__, rounds,
	       taken, refused);
	vdev_put(&a);
	vdev_put(&b);
	return 0;
}

/* Arms /proc/thread-self/fail-nth (0 disarms); its value after, or -1. */
static int fail_nth(int n)
{
	int fd = open("/proc/thread-self/fail-nth", O_RDWR), v = -1;
	char buf[16];
	ssize_t r;

	if (fd < 0)
		return -1;
	if (n >= 0) {
		r = snprintf(buf, sizeof(buf), "%d", n);
		if (write(fd, buf, r) != r)
			goto out;
		v = n;
	} else {
		r = read(fd, buf, sizeof(buf) - 1);
		if (r > 0) {
			buf[r] = '\0';
			v = atoi(buf);
		}
	}
out:
	close(fd);
	return v;
}

/*
 * --faults: fail the 1st, 2nd, ... allocation of each arc that makes a
 * data file until it succeeds: each failure is -ENOMEM, the device ends
 * where the failed arc began or one arc before it, and a reset makes it
 * whole again (the runner's kmemleak scan sees what was left).
 */
static int faults(bool cdev, const char *uuid)
{
	static const struct { int from, to; const char *name; } arcs[] = {
		{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_STOP_COPY, "STOP_COPY" },
		{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RESUMING, "RESUMING" },
		{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_PRE_COPY, "PRE_COPY" },
	};
	unsigned int i, n, failed;
	int ret, st, left;
	struct vdev v;

	if (vdev_open_any(cdev, uuid, &v))
		return 1;
	for (i = 0; i < ARRAY_SIZE(arcs); i++) {
		failed = 0;
		for (n = 1; n <= 200; n++) {
			if (arcs[i].from != VFIO_DEVICE_STATE_RUNNING &&
			    set_state(&v, arcs[i].from) != -1)
				return 1;
			fail_nth(n);
			ret = set_state(&v, arcs[i].to);
			left = fail_nth(-1);
			fail_nth(0);
			if (ret >= 0)
				close(ret);
			if (ret < 0 && ret != -ENOMEM) {
				printf("%s: failure %u: %s\n", arcs[i].name, n,
				       errname(-ret));
				return 1;
			}
			st = get_state(&v);
			if (ret < 0 && st != arcs[i].from &&
			    st != VFIO_DEVICE_STATE_STOP &&
			    st != VFIO_DEVICE_STATE_RUNNING_P2P) {
				printf("%s: failure %u left state %d\n",
				       arcs[i].name, n, st);
				return 1;
			}
			failed += ret < 0;
			if (ioctl(v.device, VFIO_DEVICE_RESET) ||
			    get_state(&v) != VFIO_DEVICE_STATE_RUNNING)
				return 1;
			/* Nothing was failed: the arc is done. */
			if (ret >= 0 && left > 0)
				break;
		}
		if (!failed || n > 200) {
			printf("%s: %u failures in %u tries\n", arcs[i].name,
			       failed, n);
			return 1;
		}
		printf("%s: %u failed with ENOMEM, then it succeeded\n",
		       arcs[i].name, failed);
	}
	vdev_put(&v);
	return 0;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * --bench TAG MODE SRC DST ITERS: any two migratable VFIO mdevs of one
 * type (upstream mtty's too). Each iteration saves SRC and resumes DST;
 * prints "migrate TAG STEP median_us p90_us" per step and "migrate TAG
 * size BYTES".
 */
static int bench(const char *tag, bool cdev, const char *src,
		 const char *dst, int iters)
{
	enum { SAVE_ARC, READ, SAVE_END, RESUME_ARC, WRITE, LOAD, RUN_DST,
	       RUN_SRC, NSTEPS };
	static const char * const names[NSTEPS] = {
		"RUNNING>STOP_COPY", "read", "STOP_COPY>STOP", "STOP>RESUMING",
		"write", "RESUMING>STOP", "STOP>RUNNING(dst)", "STOP>RUNNING(src)",
	};
	static __u8 buf[1 << 16];
	double *t[NSTEPS], t0;
	struct vdev a, b;
	ssize_t n = 0;
	int i, k, fd;
	bool ok;

	if (vdev_open_any(cdev, src, &a) || vdev_open_any(cdev, dst, &b))
		return 1;
	for (k = 0; k < NSTEPS; k++)
		t[k] = calloc(iters, sizeof(double));
	if (set_state(&b, VFIO_DEVICE_STATE_STOP) != -1)
		return 1;
	for (i = 0; i < iters; i++) {
#define STEP(st, expr) do { t0 = now_us(); expr; t[st][i] = now_us() - t0; } while (0)
		STEP(SAVE_ARC, fd = set_state(&a, VFIO_DEVICE_STATE_STOP_COPY));
		if (fd < 0)
			return 1;
		STEP(READ, n = read_all(fd, buf, sizeof(buf)));
		close(fd);
		if (n <= 0)
			return 1;
		STEP(SAVE_END, fd = set_state(&a, VFIO_DEVICE_STATE_STOP));
		STEP(RESUME_ARC, fd = set_state(&b, VFIO_DEVICE_STATE_RESUMING));
		if (fd < 0)
			return 1;
		STEP(WRITE, ok = write(fd, buf, n) == n);
		close(fd);
		if (!ok)
			return 1;
		STEP(LOAD, fd = set_state(&b, VFIO_DEVICE_STATE_STOP));
		if (fd != -1)
			return 1;
		STEP(RUN_DST, fd = set_state(&b, VFIO_DEVICE_STATE_RUNNING));
		STEP(RUN_SRC, fd = set_state(&a, VFIO_DEVICE_STATE_RUNNING));
		if (fd != -1 || set_state(&b, VFIO_DEVICE_STATE_STOP) != -1)
			return 1;
#undef STEP
	}
	printf("migrate %s size %zd\n", tag, n);
	for (k = 0; k < NSTEPS; k++) {
		qsort(t[k], iters, sizeof(double), cmp_double);
		printf("migrate %s %s %.1f %.1f\n", tag, names[k],
		       t[k][iters / 2], t[k][iters * 9 / 10]);
		free(t[k]);
	}
	set_state(&b, VFIO_DEVICE_STATE_RUNNING);
	vdev_put(&a);
	vdev_put(&b);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--hold"))
		return hold(!strcmp(argv[2], "cdev"), argv[3], atoi(argv[4]));
	if (argc == 7 && !strcmp(argv[1], "--bench"))
		return bench(argv[2], !strcmp(argv[3], "cdev"), argv[4], argv[5],
			     atoi(argv[6]));
	if (argc == 4 && !strcmp(argv[1], "--faults"))
		return faults(!strcmp(argv[2], "cdev"), argv[3]);
	if (argc == 7 && !strcmp(argv[1], "--fuzz"))
		return fuzz(!strcmp(argv[2], "cdev"), argv[3], argv[4],
			    atol(argv[5]), atoi(argv[6]));
	return test_harness_run(argc, argv);
}
