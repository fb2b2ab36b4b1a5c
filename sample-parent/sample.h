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

/*
 * One serial port of an mdev: a tty with a loopback. @mdev is cleared,
 * under port.mutex, when the port is revoked; @opened is the mdev whose
 * open count the port's first open took, until its shutdown.
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
};

/* An mdev's vendor data. */
struct msample_mdev {
	unsigned int nports;
	bool loopback;
	struct msample_port *ports[];
};

extern const struct bus_type msample_bus;

/* dev.c */
int msample_dev_probe(struct msample_bus_dev *bdev);
void msample_dev_remove(struct msample_bus_dev *bdev);

/* types.c */
extern struct mdevfw_driver msample_mdev_driver;
int msample_types_add_locked(struct msample *ms);

/* serial.c */
int msample_serial_init(void);
void msample_serial_exit(void);
struct msample_port *msample_port_create(struct mdevfw_device *mdev);
void msample_port_destroy(struct msample_port *port);
void msample_port_set_loopback(struct msample_port *port, bool on);

#endif /* _MSAMPLE_H */
