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
 *                       prints "closed") at the first line or EOF on stdin;
 *                       through the group API where the kernel has the
 *                       type1 backend, else through iommufd and the cdev
 *   .build/tools/vfio --hold-unbound UUID
 *                       the same with the VFIO cdev opened and not bound:
 *                       the file holds the device's registration, but the
 *                       device is not open, so there is no request eventfd
 *                       and "request" is never printed
 *   WR_FAIL_NTH=N .build/tools/vfio --fail-open|--fail-bind UUID
 *                       for selftests/faults.sh: the cdev's open(2), or its
 *                       VFIO_DEVICE_BIND_IOMMUFD, with the Nth allocation
 *                       of that one call failed; prints as wr does: OK or
 *                       the errno name, then " injected" if a failure was
 *                       injected; then attaches, reads the vendor ID and
 *                       closes everything
 */
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <termios.h>
#include <dirent.h>
#include <libgen.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include <linux/serial_reg.h>
#include <linux/vfio.h>
#include "kselftest_harness.h"
#include "lib/sysfs.h"
#include "lib/vfio.h"
#include "tools/failnth.h"

#define CFG_OFF		((__u64)VFIO_PCI_CONFIG_REGION_INDEX << 40)
#define BAR_OFF(n)	((__u64)(VFIO_PCI_BAR0_REGION_INDEX + (n)) << 40)
#define BOUND_MS	5000

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
		ASSERT_EQ(0, vdev_open_cdev(uuid, &self->v, false));
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

/*
 * The errnos below are vfio-pci's (vfio_pci_core_ioctl(), vfio_pci_rw())
 * and the vfio core's, which QEMU expects: EINVAL for an index, offset,
 * size or argsz out of range, EFAULT for a bad user pointer, ENOTTY for an
 * ioctl the device does not have. Upstream mtty answers EFAULT for every
 * bad region access; we do not copy that.
 */
TEST_F(dev, hostile_info_ioctls)
{
	struct vfio_device_info d = { .argsz = sizeof(d) };
	struct vfio_region_info r = { .argsz = sizeof(r) };
	struct vfio_irq_info q = { .argsz = sizeof(q) };
	struct vfio_device_feature f = { .argsz = sizeof(f) };
	const unsigned long cmds[] = {
		VFIO_DEVICE_GET_INFO, VFIO_DEVICE_GET_REGION_INFO,
		VFIO_DEVICE_GET_IRQ_INFO, VFIO_DEVICE_SET_IRQS,
	};
	int dev = self->v.device;
	unsigned int i;

	/* argsz one short of the fixed part, or 0. */
	d.argsz = offsetof(struct vfio_device_info, num_irqs) + 3;
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_GET_INFO, &d));
	EXPECT_EQ(EINVAL, errno);
	d.argsz = 0;
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_GET_INFO, &d));
	EXPECT_EQ(EINVAL, errno);
	/* A larger argsz is a newer user: the fixed part is answered. */
	d.argsz = 0xffffffff;
	EXPECT_EQ(0, ioctl(dev, VFIO_DEVICE_GET_INFO, &d));
	EXPECT_EQ((__u32)VFIO_PCI_NUM_REGIONS, d.num_regions);

	r.argsz = offsetof(struct vfio_region_info, offset) + 7;
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &r));
	EXPECT_EQ(EINVAL, errno);
	r.argsz = 0;
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &r));
	EXPECT_EQ(EINVAL, errno);
	r.argsz = sizeof(r);
	r.index = 0xffffffff;
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &r));
	EXPECT_EQ(EINVAL, errno);
	r.index = VFIO_PCI_BAR5_REGION_INDEX;
	EXPECT_EQ(0, ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &r));
	EXPECT_EQ(0u, r.size);
	EXPECT_EQ(0u, r.flags);

	q.argsz = offsetof(struct vfio_irq_info, count) + 3;
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &q));
	EXPECT_EQ(EINVAL, errno);
	q.argsz = sizeof(q);
	q.index = 0x80000000;
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &q));
	EXPECT_EQ(EINVAL, errno);

	/* Pointers the kernel cannot read. */
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		EXPECT_EQ(-1, ioctl(dev, cmds[i], NULL));
		EXPECT_EQ(EFAULT, errno);
		EXPECT_EQ(-1, ioctl(dev, cmds[i], (void *)(uintptr_t)4096));
		EXPECT_EQ(EFAULT, errno);
	}

	/* What a vfio-pci device has and this one does not. */
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &d));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_IOEVENTFD, &d));
	EXPECT_EQ(ENOTTY, errno);
	/*
	 * VFIO_DEVICE_FEATURE, handled by the vfio core: the sample's mdevs
	 * migrate, so it checks the argsz, which has no room for the answer.
	 */
	f.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION;
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_FEATURE, &f));
	EXPECT_EQ(EINVAL, errno);
	/* A feature nobody has: no device_feature operation, ENOTTY. */
	f.flags = VFIO_DEVICE_FEATURE_GET | 0x7fff;
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_FEATURE, &f));
	EXPECT_EQ(ENOTTY, errno);
	f.flags = VFIO_DEVICE_FEATURE_GET | (1u << 19);	/* no such flag */
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_FEATURE, &f));
	EXPECT_EQ(EINVAL, errno);
	f.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET |
		  VFIO_DEVICE_FEATURE_MIGRATION;
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_FEATURE, &f));
	EXPECT_EQ(EINVAL, errno);
	f.argsz = 4;
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_FEATURE, &f));
	EXPECT_EQ(EINVAL, errno);
	/* Reset ignores its argument. */
	EXPECT_EQ(0, ioctl(dev, VFIO_DEVICE_RESET, (void *)(uintptr_t)4096));
}

TEST_F(dev, hostile_region_sizes)
{
	void *huge = mmap(NULL, 1 << 30, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	__u8 b[512], c[256];

	ASSERT_EQ(256, rd(&self->v, CFG_OFF, c, sizeof(c)));
	/* Any length inside config space, at any offset. */
	EXPECT_EQ(3, rd(&self->v, CFG_OFF + 1, b, 3));
	EXPECT_EQ(0, memcmp(b, c + 1, 3));
	EXPECT_EQ(1, rd(&self->v, CFG_OFF + 255, b, 1));
	EXPECT_EQ(c[255], b[0]);
	EXPECT_EQ(7, rd(&self->v, CFG_OFF + 249, b, 7));
	/* A huge count: refused before any copy (the buffer is PROT_NONE). */
	ASSERT_NE(MAP_FAILED, huge);
	EXPECT_EQ(-EINVAL, rd(&self->v, CFG_OFF, huge, 1 << 30));
	EXPECT_EQ(-EINVAL, wrt(&self->v, CFG_OFF, huge, 1 << 30));
	EXPECT_EQ(-EINVAL, rd(&self->v, BAR_OFF(1), huge, 1 << 20));
	munmap(huge, 1 << 30);
	/* A BAR takes several registers in one access, one after another. */
	EXPECT_EQ(0, set_reg(&self->v, 0, UART_SCR, 0));
	b[0] = 0x11; b[1] = 0x22; b[2] = 0x33;
	EXPECT_EQ(3, wrt(&self->v, BAR_OFF(0) + UART_LSR, b, 3));
	EXPECT_EQ(0x33, reg(&self->v, 0, UART_SCR));
	EXPECT_EQ(8, rd(&self->v, BAR_OFF(0), b, 8));
	EXPECT_EQ(0x33, b[UART_SCR]);
	/* Past the end, across it, in a BAR this card does not have. */
	EXPECT_EQ(-EINVAL, rd(&self->v, BAR_OFF(1) + 8, b, 1));
	EXPECT_EQ(-EINVAL, wrt(&self->v, BAR_OFF(1) + 1, b, 8));
	EXPECT_EQ(-EINVAL, rd(&self->v, BAR_OFF(5), b, 1));
	EXPECT_EQ(-EINVAL, rd(&self->v, BAR_OFF(0) + (1ULL << 39), b, 1));
	EXPECT_EQ(-EINVAL, rd(&self->v, (__u64)VFIO_PCI_VGA_REGION_INDEX << 40, b, 1));
	EXPECT_EQ(-EINVAL, rd(&self->v, (__u64)0xffffff << 40, b, 1));
	/* A negative offset is the VFS's to refuse. */
	EXPECT_EQ(-1, pread(self->v.device, b, 1, -1));
	EXPECT_EQ(EINVAL, errno);
	/* A buffer the kernel cannot read: nothing written. */
	EXPECT_EQ(-EFAULT, wrt(&self->v, BAR_OFF(0) + UART_SCR, (void *)(uintptr_t)4096, 1));
	EXPECT_EQ(0x33, reg(&self->v, 0, UART_SCR));
	EXPECT_EQ(0, wrt(&self->v, BAR_OFF(0), b, 0));
	ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_RESET));
}

/*
 * Every byte of config space written with ones, then zeros: only the
 * writable bits change (the command register's I/O, bus master and INTx
 * disable bits, the interrupt line, the BARs' address bits, MSI enable,
 * address and data); IDs, class, header, status, capability pointers,
 * the pin and the BARs' type bits stay.
 */
TEST_F(dev, hostile_config_writes)
{
	__u8 c[256], ones[256], zeros[256] = { 0 }, got[256], wmask[256] = { 0 };
	unsigned int i;

	wmask[PCI_COMMAND] = PCI_COMMAND_IO | PCI_COMMAND_MASTER;
	wmask[PCI_COMMAND + 1] = PCI_COMMAND_INTX_DISABLE >> 8;
	wmask[PCI_INTERRUPT_LINE] = 0xff;
	wmask[PCI_BASE_ADDRESS_0] = 0xf8;
	wmask[PCI_BASE_ADDRESS_0 + 1] = 0xff;
	wmask[PCI_BASE_ADDRESS_1] = 0xf8;
	wmask[PCI_BASE_ADDRESS_1 + 1] = 0xff;
	wmask[0x50 + PCI_MSI_FLAGS] = PCI_MSI_FLAGS_ENABLE;
	wmask[0x50 + PCI_MSI_ADDRESS_LO] = 0xfc;
	for (i = 1; i < 4; i++)
		wmask[0x50 + PCI_MSI_ADDRESS_LO + i] = 0xff;
	wmask[0x50 + PCI_MSI_DATA_32] = 0xff;
	wmask[0x50 + PCI_MSI_DATA_32 + 1] = 0xff;
	memset(ones, 0xff, sizeof(ones));

	ASSERT_EQ(256, rd(&self->v, CFG_OFF, c, sizeof(c)));
	/* Byte by byte, then all at once. */
	for (i = 0; i < 256; i++)
		ASSERT_EQ(1, wrt(&self->v, CFG_OFF + i, ones, 1));
	ASSERT_EQ(256, rd(&self->v, CFG_OFF, got, sizeof(got)));
	for (i = 0; i < 256; i++)
		EXPECT_EQ((__u8)(c[i] | wmask[i]), got[i]) TH_LOG("offset %#x", i);
	ASSERT_EQ(256, wrt(&self->v, CFG_OFF, zeros, sizeof(zeros)));
	ASSERT_EQ(256, rd(&self->v, CFG_OFF, got, sizeof(got)));
	for (i = 0; i < 256; i++)
		EXPECT_EQ((__u8)(c[i] & ~wmask[i]), got[i]) TH_LOG("offset %#x", i);
	/* Odd sizes across read-only and writable bytes. */
	ASSERT_EQ(5, wrt(&self->v, CFG_OFF + PCI_INTERRUPT_LINE - 2, ones, 5));
	ASSERT_EQ(5, rd(&self->v, CFG_OFF + PCI_INTERRUPT_LINE - 2, got, 5));
	EXPECT_EQ(0xff, got[2]);
	EXPECT_EQ(0, memcmp(got, c + PCI_INTERRUPT_LINE - 2, 2));
	EXPECT_EQ(0, memcmp(got + 3, c + PCI_INTERRUPT_LINE + 1, 2));
	ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_RESET));
	ASSERT_EQ(256, rd(&self->v, CFG_OFF, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, c, sizeof(c)));
}

/* A small generator with a fixed seed: the same run every time. */
static __u64 fuzz_state = 0x6d64657666770001ULL;

static __u32 fuzz_rand(void)
{
	fuzz_state = fuzz_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return fuzz_state >> 33;
}

/*
 * Random region accesses, each checked against what the card is: config
 * space of 256 bytes and two BARs of 8 (an msample-2); an index past the
 * last region is EINVAL; else a zero length is 0; else anything outside,
 * or crossing an end, is EINVAL.
 */
TEST_F(dev, fuzz_region_access)
{
	static __u8 buf[1024];
	unsigned int i, ok = 0;

	for (i = 0; i < 3000; i++) {
		__u32 index = fuzz_rand() % 12, r = fuzz_rand();
		__u64 off = r & 1 ? fuzz_rand() % 300 :
			    ((__u64)fuzz_rand() << 8 | (fuzz_rand() & 0xff)) &
			    ((1ULL << 40) - 1);
		size_t len = fuzz_rand() % 4 ? fuzz_rand() % 12 : fuzz_rand() % 600;
		__u64 size = index == VFIO_PCI_CONFIG_REGION_INDEX ? 256 :
			     index <= VFIO_PCI_BAR1_REGION_INDEX ? 8 : 0;
		bool write = r & 2;
		ssize_t want, got;

		/* Keep the UART out of loopback and interrupts quiet. */
		if (write && index <= VFIO_PCI_BAR1_REGION_INDEX)
			memset(buf, 0, len);
		else if (write)
			memset(buf, fuzz_rand() & 0xff, len);
		want = index >= VFIO_PCI_NUM_REGIONS ? -EINVAL : !len ? 0 :
		       off < size && len <= size - off ? (ssize_t)len : -EINVAL;
		got = write ? wrt(&self->v, ((__u64)index << 40) + off, buf, len) :
			      rd(&self->v, ((__u64)index << 40) + off, buf, len);
		ASSERT_EQ(want, got) TH_LOG("%s index %u offset %#llx length %zu",
					    write ? "write" : "read", index,
					    (unsigned long long)off, len);
		ok += got > 0;
	}
	TH_LOG("%u of 3000 accesses moved data", ok);
	EXPECT_LT(50u, ok);
	ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_RESET));
}

/*
 * Random SET_IRQS, each checked against a model of the vfio core's
 * validation (vfio_set_irqs_validate_and_prepare()) and the sample's
 * semantics: one INTx, one MSI, one REQ trigger, INTx and MSI exclusive,
 * only INTx masks, a trigger without data or with a bool signals the
 * eventfd that is set (EINVAL without one).
 */
TEST_F(dev, fuzz_set_irqs)
{
	int efd = eventfd(0, EFD_NONBLOCK), nul = open("/dev/null", O_RDONLY);
	const int fds[] = { efd, -1, 9999, nul, -5 };
	bool set[3] = { false, false, false };	/* INTx, MSI, REQ */
	unsigned int i, ok = 0;

	ASSERT_LE(0, efd);
	for (i = 0; i < 4000; i++) {
		struct {
			struct vfio_irq_set s;
			__s32 data[2];
		} req;
		__u32 minsz = offsetof(struct vfio_irq_set, count) + 4;
		__u32 index = fuzz_rand() % 6, type, action, nirq, size;
		__u32 start = fuzz_rand() % 8 ? 0 : fuzz_rand() % 3;
		__u32 count = fuzz_rand() % 8 ? fuzz_rand() % 2 :
			      fuzz_rand() % 2 ? 2 : 0xffffffff - start;
		int fd = fds[fuzz_rand() % 5], want, got, slot = -1;

		req.s.flags = 1u << (fuzz_rand() % 6);		/* one data type */
		if (fuzz_rand() % 6 == 0)
			req.s.flags |= 1u << (fuzz_rand() % 6);
		req.s.flags |= 1u << (5 + fuzz_rand() % 3);	/* one action */
		if (fuzz_rand() % 8 == 0)
			req.s.flags |= 1u << (fuzz_rand() % 12);
		req.s.flags &= ~((1u << 3) | (1u << 4));	/* no such types */
		if (!(req.s.flags & VFIO_IRQ_SET_DATA_TYPE_MASK))
			req.s.flags |= VFIO_IRQ_SET_DATA_NONE;
		req.s.index = index;
		req.s.start = start;
		req.s.count = count;
		type = req.s.flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
		action = req.s.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
		req.data[0] = type == VFIO_IRQ_SET_DATA_BOOL ? (int)(fuzz_rand() % 2) : fd;
		req.data[1] = fd;
		size = type == VFIO_IRQ_SET_DATA_EVENTFD ? 4 :
		       type == VFIO_IRQ_SET_DATA_BOOL ? 1 : 0;
		req.s.argsz = fuzz_rand() % 10 ? minsz + (count < 3 ? count * size : 8) :
			      fuzz_rand() % (minsz + 8);
		nirq = index == VFIO_PCI_INTX_IRQ_INDEX ||
		       index == VFIO_PCI_MSI_IRQ_INDEX ||
		       index == VFIO_PCI_REQ_IRQ_INDEX;
		if (index == VFIO_PCI_INTX_IRQ_INDEX)
			slot = 0;
		else if (index == VFIO_PCI_MSI_IRQ_INDEX)
			slot = 1;
		else if (index == VFIO_PCI_REQ_IRQ_INDEX)
			slot = 2;

		/* The vfio core's checks. */
		if (req.s.argsz < minsz || index >= VFIO_PCI_NUM_IRQS ||
		    count >= 0xffffffff - start ||
		    (req.s.flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK |
				     VFIO_IRQ_SET_ACTION_TYPE_MASK)))
			want = -EINVAL;
		else if (start >= nirq || start + count > nirq)
			want = -EINVAL;
		else if (__builtin_popcount(type) != 1)
			want = -EINVAL;
		else if (size && req.s.argsz - minsz < count * size)
			want = -EINVAL;
		/* The sample's. */
		else if (__builtin_popcount(action) != 1)
			want = -EINVAL;
		else if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
			want = index != VFIO_PCI_INTX_IRQ_INDEX ||
			       type == VFIO_IRQ_SET_DATA_EVENTFD || !count ?
			       -EINVAL : 0;
		else if (!count)
			want = type == VFIO_IRQ_SET_DATA_NONE ? 0 : -EINVAL;
		else if (type == VFIO_IRQ_SET_DATA_EVENTFD)
			want = fd < 0 ? 0 : fd == 9999 ? -EBADF : fd == nul ? -EINVAL :
			       (slot == 0 && set[1]) || (slot == 1 && set[0]) ?
			       -EINVAL : 0;
		else
			want = set[slot] ? 0 : -EINVAL;

		got = ioctl(self->v.device, VFIO_DEVICE_SET_IRQS, &req) ? -errno : 0;
		ASSERT_EQ(want, got) TH_LOG("flags %#x index %u start %u count %u argsz %u fd %d",
					    req.s.flags, index, start, count,
					    req.s.argsz, fd);
		/* What the model keeps: which eventfds are set. */
		if (!got && action == VFIO_IRQ_SET_ACTION_TRIGGER &&
		    (!count || type == VFIO_IRQ_SET_DATA_EVENTFD) && slot >= 0)
			set[slot] = count && fd >= 0;
		ok += !got;
		evcount(efd);
	}
	TH_LOG("%u of 4000 succeeded", ok);
	EXPECT_LT(100u, ok);
	close(nul);
	close(efd);
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

/*
 * A VFIO cdev opened and not bound: every access but the bind is EINVAL
 * (the vfio core's access_granted); the bind checks its argument; the
 * device binds once, through one file.
 */
FIXTURE(unbound) {
	struct vdev v;
	int iommufd;
};

FIXTURE_VARIANT(unbound) {
	int unused;
};

FIXTURE_VARIANT_ADD(unbound, cdev) {
};

FIXTURE_SETUP(unbound)
{
	const char *uuid = getenv("VFIO_UUID");

	ASSERT_NE(NULL, uuid);
	ASSERT_EQ(0, vdev_open_cdev(uuid, &self->v, true));
	self->iommufd = open("/dev/iommu", O_RDWR);
	ASSERT_LE(0, self->iommufd);
}

FIXTURE_TEARDOWN(unbound)
{
	vdev_close(&self->v);
	close(self->iommufd);
}

static int bind_iommufd(int dev, __u32 argsz, __u32 flags, int iommufd)
{
	struct vfio_device_bind_iommufd b = {
		.argsz = argsz, .flags = flags, .iommufd = iommufd,
	};

	return ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &b) ? -errno : 0;
}

TEST_F(unbound, refused_until_bound)
{
	struct vfio_device_info d = { .argsz = sizeof(d) };
	const __u32 bsz = sizeof(struct vfio_device_bind_iommufd);
	int dev = self->v.device, nul = open("/dev/null", O_RDONLY), second;
	char path[64];
	__u8 b[4];

	EXPECT_EQ(-EINVAL, rd(&self->v, CFG_OFF, b, 4));
	EXPECT_EQ(-EINVAL, wrt(&self->v, CFG_OFF, b, 4));
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_GET_INFO, &d));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_RESET));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, set_eventfd(&self->v, VFIO_PCI_REQ_IRQ_INDEX, -1));

	EXPECT_EQ(-EINVAL, bind_iommufd(dev, 4, 0, self->iommufd));
	EXPECT_EQ(-EINVAL, bind_iommufd(dev, bsz, 1, self->iommufd));
	EXPECT_EQ(-EINVAL, bind_iommufd(dev, bsz, 0, -1));
	EXPECT_EQ(-EBADF, bind_iommufd(dev, bsz, 0, 9999));
	EXPECT_EQ(-EBADFD, bind_iommufd(dev, bsz, 0, nul));
	EXPECT_EQ(-1, ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* Still unbound after all that. */
	EXPECT_EQ(-EINVAL, rd(&self->v, CFG_OFF, b, 4));

	ASSERT_EQ(0, bind_iommufd(dev, bsz, 0, self->iommufd));
	EXPECT_EQ(-EINVAL, bind_iommufd(dev, bsz, 0, self->iommufd));
	EXPECT_EQ(0, ioctl(dev, VFIO_DEVICE_GET_INFO, &d));
	/* The cdev opens the device once: a second file cannot bind. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", dev);
	second = open(path, O_RDWR);
	ASSERT_LE(0, second);
	EXPECT_EQ(-EINVAL, bind_iommufd(second, bsz, 0, self->iommufd));
	close(second);
	close(nul);
}

/* --hold UUID, --hold-unbound UUID: see the top of the file. */
static int hold(const char *uuid, bool unbound)
{
	struct vdev v = { -1, -1, -1 };
	struct pollfd p[2];
	char line[64];
	int ret, efd;

	if (unbound || !have_type1())
		ret = vdev_open_cdev(uuid, &v, unbound);
	else
		ret = vdev_open(uuid, &v);
	if (ret) {
		printf("error %s\n", strerrorname_np(-ret) ?: "unknown");
		vdev_close(&v);
		return 1;
	}
	efd = eventfd(0, EFD_NONBLOCK);
	if (!unbound && set_eventfd(&v, VFIO_PCI_REQ_IRQ_INDEX, efd)) {
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

/* --fail-open UUID, --fail-bind UUID: see the top of the file. */
static int fail_step(const char *uuid, bool bind)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	struct mdevfw_iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	char path[512];
	struct dirent *d;
	int nth, ret, injected, dev = -1, iommufd;
	__u16 vendor = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vfio-dev", uuid);
	dir = opendir(path);
	if (!dir) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	while ((d = readdir(dir)) && strncmp(d->d_name, "vfio", 4))
		;
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", d ? d->d_name : "none");
	closedir(dir);
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0)
		return 2;
	b.iommufd = iommufd;

	if (bind) {
		dev = open(path, O_RDWR);
		if (dev < 0)
			return 2;
	}
	nth = failnth_arm();
	if (nth == -2)
		return 2;
	if (bind) {
		ret = ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &b) ? -errno : 0;
	} else {
		dev = open(path, O_RDWR);
		ret = dev < 0 ? -errno : 0;
	}
	injected = failnth_disarm(nth);
	if (injected < 0)
		return 2;
	if (!ret && !bind)
		ret = ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &b) ? -errno : 0;
	if (!ret)
		ret = ioctl(iommufd, MDEVFW_IOMMU_IOAS_ALLOC, &ioas) ? -errno : 0;
	at.pt_id = ioas.out_ioas_id;
	if (!ret)
		ret = ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) ? -errno : 0;
	if (!ret && pread(dev, &vendor, 2, CFG_OFF) != 2)
		ret = -errno;
	if (!ret && vendor != 0x4348)
		ret = -EPROTO;
	if (dev >= 0)
		close(dev);
	close(iommufd);
	printf("%s%s\n", ret ? strerrorname_np(-ret) : "OK",
	       injected ? " injected" : "");
	return !!ret;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--hold"))
		return hold(argv[2], false);
	if (argc == 3 && !strcmp(argv[1], "--hold-unbound"))
		return hold(argv[2], true);
	if (argc == 3 && !strcmp(argv[1], "--fail-open"))
		return fail_step(argv[2], false);
	if (argc == 3 && !strcmp(argv[1], "--fail-bind"))
		return fail_step(argv[2], true);
	return test_harness_run(argc, argv);
}
