// SPDX-License-Identifier: GPL-2.0
/*
 * The sample's mdevs through the VFIO user API: the container and group
 * API with the type1 backend, as QEMU 7.2 opens them, and, where the
 * kernel has them, iommufd and the VFIO device cdev (the "cdev" variant). Device, region and
 * IRQ info, config space byte by byte, the UART wired to the host tty
 * both ways with INTx and MSI eventfds, reset, and hostile input with
 * exact errnos. No sleeps: every wait is a poll() with a bound.
 *
 *   VFIO_UUID=<mdev of msample-2> VFIO_TTY0=ttyMDEVn VFIO_TTY1=ttyMDEVm \
 *                       .build/tools/vfio
 *   .build/tools/vfio --hold UUID
 *                       open it and hold it: prints "open" (or "error
 *                       ENAME"), "request" when
 *                       the kernel asks for it back, and closes it (and
 *                       prints "closed") at the first line or EOF on stdin
 */
#include <fcntl.h>
#include <poll.h>
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

/* Debian 12's uapi headers predate iommufd and the VFIO cdev. */
#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};

#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)

struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};

#define VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)
#endif

struct mdevfw_iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};

#define MDEVFW_IOMMU_IOAS_ALLOC		_IO(';', 0x81)

#define CFG_OFF		((__u64)VFIO_PCI_CONFIG_REGION_INDEX << 40)
#define BAR_OFF(n)	((__u64)(VFIO_PCI_BAR0_REGION_INDEX + (n)) << 40)
#define BOUND_MS	5000

struct vdev {
	int container, group, device;
};

static int vdev_open(const char *uuid, struct vdev *v)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char link[512], target[512], path[64];
	ssize_t n;

	v->container = open("/dev/vfio/vfio", O_RDWR);
	if (v->container < 0)
		return -errno;
	if (ioctl(v->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1)
		return -ENOTSUP;
	snprintf(link, sizeof(link), "/sys/bus/mdev/devices/%s/iommu_group", uuid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(target));
	v->group = open(path, O_RDWR);
	if (v->group < 0)
		return -errno;
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EINVAL;
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container) ||
	    ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	return v->device < 0 ? -errno : 0;
}

/* Through iommufd: bind the device cdev, attach it to a new IOAS. */
static int vdev_open_cdev(const char *uuid, struct vdev *v)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct mdevfw_iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	char path[512];
	struct dirent *d;
	DIR *dir;

	v->group = -1;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vfio-dev", uuid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir)) && strncmp(d->d_name, "vfio", 4))
		;
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", d ? d->d_name : "none");
	closedir(dir);
	v->device = open(path, O_RDWR);
	if (v->device < 0)
		return -errno;
	v->container = open("/dev/iommu", O_RDWR);
	if (v->container < 0)
		return -errno;
	bind.iommufd = v->container;
	if (ioctl(v->device, VFIO_DEVICE_BIND_IOMMUFD, &bind) ||
	    ioctl(v->container, MDEVFW_IOMMU_IOAS_ALLOC, &ioas))
		return -errno;
	attach.pt_id = ioas.out_ioas_id;
	return ioctl(v->device, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) ? -errno : 0;
}

static void vdev_close(struct vdev *v)
{
	close(v->device);
	if (v->group >= 0)
		close(v->group);
	close(v->container);
}

/* pread/pwrite of a region: bytes moved, or -errno. */
static ssize_t rd(struct vdev *v, __u64 off, void *buf, size_t len)
{
	ssize_t n = pread(v->device, buf, len, off);

	return n < 0 ? -errno : n;
}

static ssize_t wrt(struct vdev *v, __u64 off, const void *buf, size_t len)
{
	ssize_t n = pwrite(v->device, buf, len, off);

	return n < 0 ? -errno : n;
}

static int reg(struct vdev *v, int bar, int r)
{
	__u8 b;

	return rd(v, BAR_OFF(bar) + r, &b, 1) == 1 ? b : -1;
}

static int set_reg(struct vdev *v, int bar, int r, __u8 val)
{
	return wrt(v, BAR_OFF(bar) + r, &val, 1) == 1 ? 0 : -1;
}

/* VFIO_DEVICE_SET_IRQS with one eventfd (or none, -2): 0 or -errno. */
static int set_irq(struct vdev *v, __u32 index, __u32 flags,
		   __u32 start, __u32 count, int fd, __u32 argsz)
{
	struct {
		struct vfio_irq_set s;
		__s32 fd;
	} req = {
		.s = { .argsz = argsz ?: sizeof(req), .flags = flags,
		       .index = index, .start = start, .count = count },
		.fd = fd,
	};

	return ioctl(v->device, VFIO_DEVICE_SET_IRQS, &req) ? -errno : 0;
}

static int set_eventfd(struct vdev *v, __u32 index, int fd)
{
	return set_irq(v, index, VFIO_IRQ_SET_DATA_EVENTFD |
		       VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, fd, 0);
}

/* Within the bound, 1 if @fd became readable; 0 if not. */
static int ready(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static __u64 evcount(int efd)
{
	__u64 n = 0;

	return read(efd, &n, sizeof(n)) == sizeof(n) ? n : 0;
}

/* Port @nr's host tty ($VFIO_TTY<nr>), raw, non-blocking. */
static int open_port_tty(int nr)
{
	const char *name = getenv(nr ? "VFIO_TTY1" : "VFIO_TTY0");
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

static int open_tty(void)
{
	return open_port_tty(0);
}

FIXTURE(dev) {
	struct vdev v;
};

FIXTURE_VARIANT(dev) {
	bool cdev;
};

FIXTURE_VARIANT_ADD(dev, group) {
	.cdev = false,
};

FIXTURE_VARIANT_ADD(dev, cdev) {
	.cdev = true,
};

FIXTURE_SETUP(dev)
{
	const char *uuid = getenv("VFIO_UUID");

	self->v = (struct vdev){ -1, -1, -1 };
	ASSERT_NE(NULL, uuid);
	if (!variant->cdev) {
		ASSERT_EQ(0, vdev_open(uuid, &self->v));
	} else if (!path_exists("/dev/iommu") ||
		   !path_exists("/dev/vfio/devices")) {
		SKIP(return, "no iommufd or VFIO device cdev in this kernel");
	} else {
		ASSERT_EQ(0, vdev_open_cdev(uuid, &self->v));
	}
}

FIXTURE_TEARDOWN(dev)
{
	vdev_close(&self->v);
}

TEST_F(dev, device_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ((__u32)(VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET),
		  info.flags);
	EXPECT_EQ((__u32)VFIO_PCI_NUM_REGIONS, info.num_regions);
	EXPECT_EQ((__u32)VFIO_PCI_NUM_IRQS, info.num_irqs);
	info.argsz = 8;
	EXPECT_EQ(-1, ioctl(self->v.device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, region_info)
{
	struct vfio_region_info r = { .argsz = sizeof(r) };
	const __u32 rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	unsigned int i;

	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		__u64 size = i == VFIO_PCI_CONFIG_REGION_INDEX ? 256 :
				i <= VFIO_PCI_BAR1_REGION_INDEX ? 8 : 0;

		r.index = i;
		ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_GET_REGION_INFO, &r));
		EXPECT_EQ(size, r.size);
		EXPECT_EQ((__u64)i << 40, r.offset);
		EXPECT_EQ(size ? rw : 0, r.flags);
	}
	r.index = VFIO_PCI_NUM_REGIONS;
	EXPECT_EQ(-1, ioctl(self->v.device, VFIO_DEVICE_GET_REGION_INFO, &r));
	EXPECT_EQ(EINVAL, errno);
	r.index = 0;
	r.argsz = 4;
	EXPECT_EQ(-1, ioctl(self->v.device, VFIO_DEVICE_GET_REGION_INFO, &r));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, irq_info)
{
	static const struct { __u32 flags, count; } want[VFIO_PCI_NUM_IRQS] = {
		[VFIO_PCI_INTX_IRQ_INDEX] = { VFIO_IRQ_INFO_EVENTFD |
			VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, 1 },
		[VFIO_PCI_MSI_IRQ_INDEX] = { VFIO_IRQ_INFO_EVENTFD |
			VFIO_IRQ_INFO_NORESIZE, 1 },
		[VFIO_PCI_MSIX_IRQ_INDEX] = { 0, 0 },
		[VFIO_PCI_ERR_IRQ_INDEX] = { 0, 0 },
		[VFIO_PCI_REQ_IRQ_INDEX] = { VFIO_IRQ_INFO_EVENTFD |
			VFIO_IRQ_INFO_NORESIZE, 1 },
	};
	struct vfio_irq_info q = { .argsz = sizeof(q) };
	unsigned int i;

	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		q.index = i;
		ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_GET_IRQ_INFO, &q));
		EXPECT_EQ(want[i].flags, q.flags);
		EXPECT_EQ(want[i].count, q.count);
	}
	q.index = VFIO_PCI_NUM_IRQS;
	EXPECT_EQ(-1, ioctl(self->v.device, VFIO_DEVICE_GET_IRQ_INFO, &q));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, config_space)
{
	__u8 c[256], want[256] = { 0 };
	__u32 bar;

	want[0x00] = 0x48; want[0x01] = 0x43;	/* vendor 4348: WCH */
	want[0x02] = 0x53; want[0x03] = 0x32;	/* device 3253: CH352 */
	want[0x06] = 0x10; want[0x07] = 0x02;	/* cap list, DEVSEL medium */
	want[0x08] = 0x10;			/* revision */
	want[0x09] = 0x02; want[0x0b] = 0x07;	/* class 070002: 16550 */
	want[0x10] = 0x01; want[0x14] = 0x01;	/* BAR0, BAR1: I/O */
	want[0x2c] = 0x48; want[0x2d] = 0x43;	/* subsystem 4348:3253 */
	want[0x2e] = 0x53; want[0x2f] = 0x32;
	want[0x34] = 0x50;			/* capabilities at 0x50 */
	want[0x3d] = 0x01;			/* INTA# */
	want[0x50] = PCI_CAP_ID_MSI;		/* MSI, last, 1 vector, 32-bit */

	ASSERT_EQ(256, rd(&self->v, CFG_OFF, c, sizeof(c)));
	EXPECT_EQ(0, memcmp(c, want, sizeof(c)));

	/* BAR sizing: 8 bytes of I/O. */
	bar = 0xffffffff;
	ASSERT_EQ(4, wrt(&self->v, CFG_OFF + PCI_BASE_ADDRESS_0, &bar, 4));
	ASSERT_EQ(4, rd(&self->v, CFG_OFF + PCI_BASE_ADDRESS_0, &bar, 4));
	EXPECT_EQ(0x0000fff9u, bar);
	bar = 0xc010;
	ASSERT_EQ(4, wrt(&self->v, CFG_OFF + PCI_BASE_ADDRESS_0, &bar, 4));
	ASSERT_EQ(4, rd(&self->v, CFG_OFF + PCI_BASE_ADDRESS_0, &bar, 4));
	EXPECT_EQ(0xc011u, bar);
	/* Read-only: the IDs. */
	bar = 0;
	ASSERT_EQ(4, wrt(&self->v, CFG_OFF, &bar, 4));
	ASSERT_EQ(4, rd(&self->v, CFG_OFF, &bar, 4));
	EXPECT_EQ(0x32534348u, bar);
	/* Reset restores the power-on state. */
	ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_RESET));
	ASSERT_EQ(256, rd(&self->v, CFG_OFF, c, sizeof(c)));
	EXPECT_EQ(0, memcmp(c, want, sizeof(c)));
}

TEST_F(dev, uart_registers)
{
	EXPECT_EQ(UART_LSR_THRE | UART_LSR_TEMT, reg(&self->v, 0, UART_LSR));
	EXPECT_EQ(UART_IIR_NO_INT, reg(&self->v, 0, UART_IIR));
	EXPECT_EQ(0, set_reg(&self->v, 1, UART_SCR, 0x5a));
	EXPECT_EQ(0x5a, reg(&self->v, 1, UART_SCR));
	EXPECT_EQ(0, reg(&self->v, 0, UART_SCR));
	/* DLAB: the divisor latch. */
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8));
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_DLL, 1));
	EXPECT_EQ(1, reg(&self->v, 0, UART_DLL));
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_LCR, UART_LCR_WLEN8));
	/* Loop mode: THR comes back in RBR. */
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_MCR, UART_MCR_LOOP));
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_TX, 'L'));
	EXPECT_EQ(UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT,
		  reg(&self->v, 0, UART_LSR));
	EXPECT_EQ('L', reg(&self->v, 0, UART_RX));
	ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_RESET));
	EXPECT_EQ(0, reg(&self->v, 1, UART_SCR));
	EXPECT_EQ(0, reg(&self->v, 0, UART_MCR));
}

TEST_F(dev, thr_to_host_tty)
{
	int tty = open_tty();
	ssize_t n = 0, r;
	char got[8];

	ASSERT_LE(0, tty);
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_LCR, UART_LCR_WLEN8));
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_TX, 'h'));
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_TX, 'i'));
	/* Each byte is pushed to the tty on its own: read until both came. */
	while (n < 2) {
		ASSERT_EQ(1, ready(tty, BOUND_MS));
		r = read(tty, got + n, sizeof(got) - n);
		ASSERT_LT(0, r);
		n += r;
	}
	EXPECT_EQ(2, n);
	EXPECT_EQ(0, memcmp(got, "hi", 2));
	close(tty);
}

TEST_F(dev, host_tty_to_rbr_intx)
{
	int tty = open_tty(), efd = eventfd(0, EFD_NONBLOCK);

	ASSERT_LE(0, tty);
	ASSERT_EQ(0, set_eventfd(&self->v, VFIO_PCI_INTX_IRQ_INDEX, efd));
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_FCR, UART_FCR_ENABLE_FIFO));
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_IER, UART_IER_RDI));
	EXPECT_EQ(0, ready(efd, 0));

	ASSERT_EQ(1, write(tty, "Z", 1));
	ASSERT_EQ(1, ready(efd, BOUND_MS));
	EXPECT_EQ(1u, evcount(efd));
	EXPECT_EQ(UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT,
		  reg(&self->v, 0, UART_LSR));
	EXPECT_EQ(0xc0 | UART_IIR_RDI, reg(&self->v, 0, UART_IIR));
	EXPECT_EQ('Z', reg(&self->v, 0, UART_RX));
	EXPECT_EQ(UART_LSR_THRE | UART_LSR_TEMT, reg(&self->v, 0, UART_LSR));
	EXPECT_EQ(0xc0 | UART_IIR_NO_INT, reg(&self->v, 0, UART_IIR));

	/*
	 * Automasked: a second byte raises nothing until the unmask. The tty
	 * write delivers into RBR and signals within write(2), so looking
	 * right after it needs no wait.
	 */
	ASSERT_EQ(1, write(tty, "Y", 1));
	EXPECT_EQ(UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT,
		  reg(&self->v, 0, UART_LSR));
	EXPECT_EQ(0, ready(efd, 0));
	EXPECT_EQ(0, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
			     0, 1, -2, 0));
	/* Unmasked with the byte still pending: level-triggered, so again. */
	ASSERT_EQ(1, ready(efd, BOUND_MS));
	EXPECT_EQ(1u, evcount(efd));
	EXPECT_EQ('Y', reg(&self->v, 0, UART_RX));
	close(efd);
	close(tty);
}

TEST_F(dev, host_tty_to_rbr_msi)
{
	int tty = open_tty(), efd = eventfd(0, EFD_NONBLOCK);

	ASSERT_LE(0, tty);
	ASSERT_EQ(0, set_eventfd(&self->v, VFIO_PCI_MSI_IRQ_INDEX, efd));
	/* INTx cannot be enabled alongside. */
	EXPECT_EQ(-EINVAL, set_eventfd(&self->v, VFIO_PCI_INTX_IRQ_INDEX, efd));
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_IER, UART_IER_RDI));
	ASSERT_EQ(2, write(tty, "ok", 2));
	ASSERT_EQ(1, ready(efd, BOUND_MS));
	EXPECT_LE(1u, evcount(efd));
	EXPECT_EQ('o', reg(&self->v, 0, UART_RX));
	EXPECT_EQ('k', reg(&self->v, 0, UART_RX));
	EXPECT_EQ(0, reg(&self->v, 0, UART_LSR) & UART_LSR_DR);
	/* Disable: count 0, no data. */
	EXPECT_EQ(0, set_irq(&self->v, VFIO_PCI_MSI_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			     0, 0, -2, 0));
	close(efd);
	close(tty);
}

/* The second UART (BAR1) is the second port's, and only its. */
TEST_F(dev, second_port)
{
	int tty0 = open_port_tty(0), tty1 = open_port_tty(1);
	int efd = eventfd(0, EFD_NONBLOCK);
	char got[4];

	ASSERT_LE(0, tty0);
	ASSERT_LE(0, tty1);
	EXPECT_EQ(0, set_reg(&self->v, 1, UART_TX, 'b'));
	ASSERT_EQ(1, ready(tty1, BOUND_MS));
	EXPECT_EQ(1, read(tty1, got, sizeof(got)));
	EXPECT_EQ('b', got[0]);
	EXPECT_EQ(0, ready(tty0, 0));

	ASSERT_EQ(0, set_eventfd(&self->v, VFIO_PCI_MSI_IRQ_INDEX, efd));
	EXPECT_EQ(0, set_reg(&self->v, 1, UART_IER, UART_IER_RDI));
	ASSERT_EQ(1, write(tty1, "2", 1));
	ASSERT_EQ(1, ready(efd, BOUND_MS));
	EXPECT_EQ(1u, evcount(efd));
	EXPECT_EQ(UART_LSR_THRE | UART_LSR_TEMT, reg(&self->v, 0, UART_LSR));
	EXPECT_EQ(UART_IIR_RDI, reg(&self->v, 1, UART_IIR));
	EXPECT_EQ('2', reg(&self->v, 1, UART_RX));
	close(efd);
	close(tty1);
	close(tty0);
}

TEST_F(dev, hostile_region_access)
{
	static __u8 big[1 << 20];
	__u8 b[512];

	EXPECT_EQ(-EINVAL, rd(&self->v, CFG_OFF + 256, b, 1));
	EXPECT_EQ(-EINVAL, rd(&self->v, CFG_OFF + 255, b, 2));
	EXPECT_EQ(-EINVAL, rd(&self->v, CFG_OFF, b, 257));
	EXPECT_EQ(-EINVAL, wrt(&self->v, CFG_OFF + 200, b, 512));
	EXPECT_EQ(-EINVAL, rd(&self->v, CFG_OFF, big, sizeof(big)));
	EXPECT_EQ(-EINVAL, rd(&self->v, CFG_OFF + (1ULL << 39), b, 1));
	EXPECT_EQ(-EINVAL, rd(&self->v, BAR_OFF(0) + 8, b, 1));
	EXPECT_EQ(-EINVAL, wrt(&self->v, BAR_OFF(0) + 7, b, 2));
	EXPECT_EQ(-EINVAL, rd(&self->v, BAR_OFF(2), b, 1));
	EXPECT_EQ(-EINVAL, rd(&self->v, (__u64)VFIO_PCI_ROM_REGION_INDEX << 40, b, 1));
	EXPECT_EQ(-EINVAL, rd(&self->v, (__u64)VFIO_PCI_NUM_REGIONS << 40, b, 1));
	EXPECT_EQ(-EINVAL, rd(&self->v, ~0ULL >> 1, b, 1));
	/* A buffer the kernel cannot write. */
	EXPECT_EQ(-EFAULT, rd(&self->v, CFG_OFF, (void *)(uintptr_t)4096, 4));
	EXPECT_EQ(0, rd(&self->v, CFG_OFF, b, 0));
}

TEST_F(dev, hostile_set_irqs)
{
	const __u32 trig = VFIO_IRQ_SET_ACTION_TRIGGER;
	int nul = open("/dev/null", O_RDONLY), efd = eventfd(0, 0);

	/* Bad index, start, count. */
	EXPECT_EQ(-EINVAL, set_eventfd(&self->v, VFIO_PCI_NUM_IRQS, efd));
	EXPECT_EQ(-EINVAL, set_eventfd(&self->v, 1000, efd));
	EXPECT_EQ(-EINVAL, set_eventfd(&self->v, VFIO_PCI_MSIX_IRQ_INDEX, efd));
	EXPECT_EQ(-EINVAL, set_eventfd(&self->v, VFIO_PCI_ERR_IRQ_INDEX, efd));
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_EVENTFD | trig, 1, 1, efd, 0));
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 2, efd, 0));
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_EVENTFD | trig, 0xffffffff,
				   2, efd, 0));
	/* Bogus eventfds. */
	EXPECT_EQ(-EBADF, set_eventfd(&self->v, VFIO_PCI_INTX_IRQ_INDEX, 9999));
	EXPECT_EQ(-EBADF, set_eventfd(&self->v, VFIO_PCI_MSI_IRQ_INDEX, 9999));
	/* Any negative fd disables, as with vfio-pci. */
	EXPECT_EQ(0, set_eventfd(&self->v, VFIO_PCI_MSI_IRQ_INDEX, -7));
	EXPECT_EQ(-EINVAL, set_eventfd(&self->v, VFIO_PCI_INTX_IRQ_INDEX, nul));
	EXPECT_EQ(-EINVAL, set_eventfd(&self->v, VFIO_PCI_REQ_IRQ_INDEX, nul));
	/* Inconsistent flags. */
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL |
				   trig, 0, 1, -2, 0));
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_NONE | trig |
				   VFIO_IRQ_SET_ACTION_MASK, 0, 1, -2, 0));
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_NONE, 0, 1, -2, 0));
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_NONE | trig | (1u << 10),
				   0, 1, -2, 0));
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_MSI_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_NONE |
				   VFIO_IRQ_SET_ACTION_MASK, 0, 1, -2, 0));
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_EVENTFD |
				   VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, efd, 0));
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 0, efd, 0));
	/* argsz too short for the data, or for the header. */
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 1, efd,
				   sizeof(struct vfio_irq_set)));
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 1, efd, 4));
	/* A loopback trigger without an eventfd; then with one. */
	EXPECT_EQ(-EINVAL, set_irq(&self->v, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_DATA_NONE | trig, 0, 1, -2, 0));
	EXPECT_EQ(0, set_eventfd(&self->v, VFIO_PCI_REQ_IRQ_INDEX, efd));
	EXPECT_EQ(0, set_irq(&self->v, VFIO_PCI_REQ_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_NONE | trig, 0, 1, -2, 0));
	EXPECT_EQ(1u, evcount(efd));
	EXPECT_EQ(0, set_eventfd(&self->v, VFIO_PCI_REQ_IRQ_INDEX, -1));
	/* Other ioctls. */
	EXPECT_EQ(-1, ioctl(self->v.device, _IO(VFIO_TYPE, VFIO_BASE + 99)));
	EXPECT_EQ(ENOTTY, errno);
	close(efd);
	close(nul);
}

/* The device is open once: a second GET_DEVICE_FD shares that open. */
TEST_F(dev, eventfds_dropped_at_close)
{
	int efd = eventfd(0, EFD_NONBLOCK);

	ASSERT_EQ(0, set_eventfd(&self->v, VFIO_PCI_INTX_IRQ_INDEX, efd));
	close(efd);
	/* The kernel holds its own reference: closing ours is harmless. */
	EXPECT_EQ(0, set_eventfd(&self->v, VFIO_PCI_INTX_IRQ_INDEX, -1));
}

/* --hold UUID: see the top of the file. */
static int hold(const char *uuid)
{
	struct pollfd p[2];
	struct vdev v;
	char line[64];
	int ret, efd;

	ret = vdev_open(uuid, &v);
	if (ret) {
		printf("error %s\n", strerrorname_np(-ret) ?: "unknown");
		return 1;
	}
	efd = eventfd(0, EFD_NONBLOCK);
	if (set_eventfd(&v, VFIO_PCI_REQ_IRQ_INDEX, efd)) {
		printf("error SET_IRQS\n");
		return 1;
	}
	printf("open\n");
	fflush(stdout);
	p[0] = (struct pollfd){ .fd = efd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = 0, .events = POLLIN };
	for (;;) {
		if (poll(p, 2, -1) < 0)
			return 1;
		if (p[0].revents & POLLIN) {
			evcount(efd);
			printf("request\n");
			fflush(stdout);
			p[0].fd = -1;	/* once is enough to say so */
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			if (!fgets(line, sizeof(line), stdin) || line[0])
				break;
		}
	}
	vdev_close(&v);
	close(efd);
	printf("closed\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--hold"))
		return hold(argv[2]);
	return test_harness_run(argc, argv);
}
