/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mdevfw sample parent: virtual PF devices created at runtime on a bus
 * of their own, each a devlink instance and an mdev parent offering
 * mtty-style serial types, whose ports are tty devices with a loopback.
 *
 * Lock order, outermost first (Documentation/sample.rst):
 *   msample_devs_lock -> device_lock(PF) -> devl_lock (the lifecycle lock)
 *   -> device_lock(mdev) -> tty_lock -> port.mutex -> parent->open_lock
 *   (the framework's leaf), and msample_ports_lock, a leaf
 */
#ifndef _MSAMPLE_H
#define _MSAMPLE_H

#include <linux/device.h>
#include <linux/tty.h>
#include <mdevfw.h>

#define MSAMPLE_NAME		"msample"
#define MSAMPLE_DEFAULT_PORTS	24
#define MSAMPLE_MAX_PORTS	1024

/* A PF on the msample bus, made by new_device. */
struct msample_bus_dev {
	struct device dev;
	struct list_head list;		/* on msample_devs, its lock held */
	unsigned int ports;		/* the pool asked for at new_device */
	int probe_err;			/* what probe said, for new_device */
};

static inline struct msample_bus_dev *to_msample_bus_dev(struct device *dev)
{
	return container_of(dev, struct msample_bus_dev, dev);
}

/*
 * The devlink instance's private data: one parent, and its ops, which
 * must outlive it (the port_index_base parameter goes in them).
 */
struct msample {
	struct mdevfw_parent parent;
	struct mdevfw_parent_ops ops;
	struct devlink *devlink;
	struct msample_bus_dev *bdev;
};

struct msample_mdev;

/*
 * One serial port of an mdev: a tty with a loopback. @mdev is cleared,
 * under port.mutex, when the port is revoked; @opened is the mdev whose
 * open count the port's first open took, until its shutdown. While a VFIO
 * user holds the mdev, @vfio links the tty to UART @nr of the emulated
 * card instead of the loopback; @xlock guards that link and every push
 * into the port's flip buffer.
 * @index_refs, under msample_ports_lock, counts what holds @index: the
 * registered tty device until the revoke, and an installed tty until its
 * last close.
 */
struct msample_port {
	struct tty_port port;
	unsigned int index;
	unsigned int index_refs;
	bool loopback;
	struct mdevfw_device *mdev;
	struct mdevfw_device *opened;
	spinlock_t xlock;		/* @vfio, @nr, @listening, flip pushes */
	struct msample_mdev *vfio;
	unsigned int nr;
	bool listening;			/* the host has the tty open */
};

/*
 * A 16550's registers, as the emulated card's guest sees them. The
 * transmitter sends from @tx only while the host has the port's tty open
 * (the far end's carrier) and the device runs: bytes in flight to the
 * host wait there, as bytes for the guest wait in @rx.
 */
#define MSAMPLE_FIFO	16
struct msample_uart {
	u8 ier, lcr, mcr, fcr, scr, dll, dlm;
	bool thri;			/* a THR-empty interrupt is pending */
	u8 rx[MSAMPLE_FIFO];
	u8 rx_head, rx_count;
	u8 tx[MSAMPLE_FIFO];
	u8 tx_head, tx_count;
};

/* The emulated PCI card (vfio.c), under @lock. */
struct msample_vfio {
	spinlock_t lock;		/* everything below */
	u8 cfg[256];
	u8 wmask[256];			/* the writable bits of @cfg */
	struct msample_uart uart[2];
	struct eventfd_ctx *intx, *msi, *req;
	bool intx_masked;
	bool stopped;			/* by migration: no byte in or out */
};

/* An mdev's vendor data. */
struct msample_mdev {
	unsigned int nports;
	bool loopback;
	struct msample_vfio vfio;
	struct msample_port *ports[];
};

extern MDEVFW_BUS_TYPE msample_bus;

/* dev.c */
int msample_dev_probe(struct msample_bus_dev *bdev);
void msample_dev_remove(struct msample_bus_dev *bdev);
void msample_dev_unplug(struct msample_bus_dev *bdev);

/* types.c */
extern struct mdevfw_driver msample_mdev_driver;
int msample_types_add_locked(struct msample *ms);

/* serial.c */
int msample_serial_init(void);
void msample_serial_exit(void);
struct msample_port *msample_port_create(struct mdevfw_device *mdev);
void msample_port_destroy(struct msample_port *port);
void msample_port_set_loopback(struct msample_port *port, bool on);
void msample_port_kick(struct msample_port *port);

/* vfio.c: the sample's one place that knows whether the kernel has VFIO */
#if IS_ENABLED(CONFIG_VFIO)
extern const struct vfio_device_ops msample_vfio_ops;
#define MSAMPLE_VFIO_OPS	(&msample_vfio_ops)
void msample_vfio_init(struct msample_mdev *sm);
size_t msample_vfio_rx(struct msample_mdev *sm, unsigned int nr,
		       const u8 *buf, size_t count);
unsigned int msample_vfio_rx_room(struct msample_mdev *sm, unsigned int nr);
size_t msample_vfio_tx_take(struct msample_mdev *sm, unsigned int nr, u8 *buf);
/* migration.c */
extern const struct mdevfw_migration_ops msample_mig_ops;
#define MSAMPLE_MIG_OPS		(&msample_mig_ops)
#else
#define MSAMPLE_VFIO_OPS	NULL
#define MSAMPLE_MIG_OPS		NULL
static inline void msample_vfio_init(struct msample_mdev *sm) {}
static inline size_t msample_vfio_rx(struct msample_mdev *sm, unsigned int nr,
				     const u8 *buf, size_t count)
{
	return count;
}

static inline unsigned int msample_vfio_rx_room(struct msample_mdev *sm,
						unsigned int nr)
{
	return 0;
}

static inline size_t msample_vfio_tx_take(struct msample_mdev *sm,
					  unsigned int nr, u8 *buf)
{
	return 0;
}
#endif

#endif /* _MSAMPLE_H */
