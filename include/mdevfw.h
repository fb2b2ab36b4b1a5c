/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdevfw: a framework for mediated-device (mdev) vendor drivers.
 *
 * This is the only header a vendor driver includes. See
 * Documentation/api.rst for the model and Documentation/locking.rst for
 * the lock order and the lifetime rules that every callback relies on.
 */
#ifndef _MDEVFW_H
#define _MDEVFW_H

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/if_ether.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>
#include <net/devlink.h>
#include "mdevfw_compat.h"

/* The longest alias a parent may ask for, in hex digits. */
#define MDEVFW_ALIAS_MAX	16

struct mdevfw_parent;
struct mdevfw_type;
struct mdevfw_device;
struct mdevfw_port;
struct mdevfw_vfio;
struct mdevfw_mig;
struct vfio_device;
struct vfio_device_ops;
struct mdevfw_migration_ops;

/**
 * struct mdevfw_type_info - what a vendor says about one mdev type
 * @sysfs_name: the type's name; its directory is "<driver>-<sysfs_name>",
 *	<driver> being the name of the parent device's driver, as upstream
 * @pretty_name: shown by the "name" attribute (else @sysfs_name); optional
 * @device_api: shown by "device_api", such as "vfio-pci"; required
 * @pool_cost: instances this type takes from the parent's pool, or 0
 * @max_instances: per-type limit, used when @pool_cost is 0
 * @description: fills "description"; runs with a reference on the parent
 *	(outside SRCU: it may sleep without delaying another parent), never
 *	takes the lifecycle lock; optional
 * @available: overrides the built-in accounting for "available_instances"
 *	and for the check in create; runs with a reference on the parent or
 *	with the lifecycle lock held, and never takes the lock; optional
 * @migratable: the type's mdevs can live-migrate (VFIO migration v2),
 *	with the driver's @mig_ops; each mdev starts migratable, and
 *	mdevfw_device_set_migratable_locked() changes that
 *
 * The structure must outlive the type: a static const is the usual choice.
 */
struct mdevfw_type_info {
	const char *sysfs_name;
	const char *pretty_name;
	const char *device_api;
	unsigned int pool_cost;
	unsigned int max_instances;
	ssize_t (*description)(struct mdevfw_type *type, char *buf);
	unsigned int (*available)(struct mdevfw_type *type);
	bool migratable;
};

/**
 * struct mdevfw_driver - the vendor driver that binds to a parent's mdevs
 * @probe: makes the mdev work; runs with the parent's lifecycle lock held.
 *	A failure undoes the whole create, so no half-made device is left.
 * @remove: undoes @probe and revokes every open file of the mdev; runs
 *	with the lifecycle lock held, and must not wait for user space
 * @vfio_ops: optional: the mdev's VFIO personality. The framework
 *	registers an emulated-IOMMU VFIO device with these operations after
 *	@probe and unregisters it, once its user has let go, before @remove
 *	(Documentation/locking.rst). The framework owns .init, .release and
 *	the iommufd operations, which must be NULL here; .open_device and
 *	.close_device are wrapped so that a VFIO open counts as an open of
 *	the mdev (mdevfw_device_open()). mdevfw_vfio_mdev() gives the mdev.
 *	Without CONFIG_VFIO, registering a driver that sets it fails.
 * @mig_ops: optional, with @vfio_ops: the vendor's part of VFIO
 *	migration for the mdevs of migratable types (core/migration.c
 *	does the rest; Documentation/api.rst, "Live migration")
 * @driver: the driver core's part. Set .name; set .dev_groups to the
 *	vendor attributes of each mdev, built with MDEVFW_DEVICE_ATTR_*():
 *	the driver core adds them after @probe and removes them before
 *	@remove, so their handlers always see a probed mdev. They exist
 *	before create returns and before the add uevent.
 */
struct mdevfw_driver {
	int (*probe)(struct mdevfw_device *mdev);
	void (*remove)(struct mdevfw_device *mdev);
	const struct vfio_device_ops *vfio_ops;
	const struct mdevfw_migration_ops *mig_ops;
	struct device_driver driver;
	/* private: the operations registered, @vfio_ops wrapped */
	struct vfio_device_ops *vfio_wrapped;
	/* VFIO devices not yet released, plus one until unregister */
	atomic_t vfio_devs;
	struct completion vfio_released;
};

/**
 * struct mdevfw_parent_ops - a parent's fixed description
 * @driver: binds to every mdev of the parent
 * @alias_len: hex digits of each mdev's alias, 0 for none, at most
 *	%MDEVFW_ALIAS_MAX; fewer than 8 make collisions (and so -EEXIST
 *	from create) likely
 * @port_index_base: with devlink, the devlink port index of the mdev with
 *	sfnum N is this plus N; indexes below it are the vendor's own. sfnums
 *	go from 0 to the smaller of INT_MAX and U32_MAX - @port_index_base,
 *	so the index never wraps; creates beyond fail with -ENOSPC
 */
struct mdevfw_parent_ops {
	struct mdevfw_driver *driver;
	unsigned int alias_len;
	unsigned int port_index_base;
};

/**
 * struct mdevfw_parent - a device that mdevs are created on
 *
 * Vendors embed it and treat every field as private. Its memory, and the
 * lifecycle lock when that is a devlink instance lock, must stay valid
 * until mdevfw_parent_wait() has returned.
 */
struct mdevfw_parent {
	/* private: */
	struct device *dev;
	const struct mdevfw_parent_ops *ops;
	/* when set, its instance lock is the lifecycle lock, not @lock */
	struct devlink *devlink;
	/* the lifecycle lock of a parent without devlink */
	struct mutex lock;
	/* held by registration and by sysfs paths; see locking.rst */
	struct kref ref;
	/* completed when @ref reaches zero */
	struct completion released;
	/* the rest is written under the lifecycle lock */
	struct kset *types_kset;
	struct list_head types;
	struct list_head mdevs;
	unsigned int pool_size;
	unsigned int pool_used;
	u32 id;
	bool registered;
	bool dead;
	/* devlink: written under the lifecycle lock */
	u16 eswitch_mode;
	struct mdevfw_type *port_type;
	struct ida sfnums;
	/* data-path opens, and the mode change that refuses them */
	raw_spinlock_t open_lock;
	unsigned int nr_open;
	bool changing;
	/* under the lifecycle lock: no new VFIO devices, the parent goes */
	bool vfio_closing;
	/* under open_lock: mdevs with a migration in progress */
	unsigned int nr_migrating;
	/*
	 * Change events (core/change.c): the work sends them, holding a
	 * reference while queued; types removed at runtime wait on
	 * @types_gone, under the lifecycle lock, to be named
	 */
	struct work_struct change_work;
	struct list_head types_gone;
};

/**
 * struct mdevfw_device - one mediated device
 * @dev: its device on the mdev bus, a child of the parent's device
 * @uuid: its UUID, which is also its name
 * @type: its type
 * @parent: its parent; valid while the mdev is registered
 * @alias: its alias, or an empty string
 */
struct mdevfw_device {
	struct device dev;
	guid_t uuid;
	struct mdevfw_type *type;
	struct mdevfw_parent *parent;
	char alias[MDEVFW_ALIAS_MAX + 1];
	/* private: */
	struct list_head node;
	struct rhash_head index_node;
	struct rhash_head alias_node;
	bool active;
	bool sysfs_removed;
	/* devlink: under the lifecycle lock */
	struct mdevfw_port *port;
	int sfnum;
	u8 hw_addr[ETH_ALEN];
	/* under the lifecycle lock and parent->open_lock */
	bool fn_inactive;
	unsigned int nr_open;
	/* VFIO (core/vfio.c): under parent->open_lock */
	struct mdevfw_vfio *vfio;
	u8 vfio_state;
	unsigned int vfio_open;
	/* completed when the VFIO device is gone */
	struct completion vfio_gone;
	/* migration (core/migration.c): under the lifecycle lock and open_lock */
	bool migratable;
	/* its state, from VFIO register to unregister */
	struct mdevfw_mig *mig;
	/*
	 * A removal that must not wait (devlink port del): a kernel thread
	 * unregisters the VFIO device with no lock held; vfio_decided is
	 * completed once it is known whether a user holds it; vfio_detached
	 * (under the lifecycle lock and parent->open_lock) says the thread
	 * finishes the removal, and refuses every open meanwhile.
	 */
	struct completion vfio_decided;
	bool vfio_detached;
};

static inline struct mdevfw_device *to_mdevfw_device(struct device *dev)
{
	return container_of(dev, struct mdevfw_device, dev);
}

/**
 * struct mdevfw_device_attribute - a vendor attribute of an mdev
 * @attr: the driver core's part
 * @show: reads the attribute; never takes the lifecycle lock
 * @store: writes the attribute; never takes the lifecycle lock
 *
 * Put them in the driver's dev_groups: the driver core adds them after
 * probe and removes them before remove, so they always see a probed mdev.
 * The framework tells lockdep that @show and @store hold their file's
 * active reference, so a handler that takes the lifecycle lock is
 * reported. They run outside SRCU: one that sleeps delays only its own
 * mdev's removal. Declare them with
 * MDEVFW_DEVICE_ATTR_RW() and friends.
 */
struct mdevfw_device_attribute {
	struct device_attribute attr;
	ssize_t (*show)(struct mdevfw_device *mdev, char *buf);
	ssize_t (*store)(struct mdevfw_device *mdev, const char *buf,
			 size_t count);
};

ssize_t mdevfw_device_attr_show(struct device *dev,
				struct device_attribute *attr, char *buf);
ssize_t mdevfw_device_attr_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count);

#define __MDEVFW_DEVICE_ATTR(_name, _mode, _show, _store, _dshow, _dstore) \
	struct mdevfw_device_attribute mdevfw_dev_attr_##_name = {	\
		.attr = __ATTR(_name, _mode, _dshow, _dstore),		\
		.show = _show,						\
		.store = _store,					\
	}

#define MDEVFW_DEVICE_ATTR_RW(_name)					\
	__MDEVFW_DEVICE_ATTR(_name, 0644, _name##_show, _name##_store,	\
			     mdevfw_device_attr_show, mdevfw_device_attr_store)
#define MDEVFW_DEVICE_ATTR_RO(_name)					\
	__MDEVFW_DEVICE_ATTR(_name, 0444, _name##_show, NULL,		\
			     mdevfw_device_attr_show, NULL)

/* Parents */
int mdevfw_parent_init(struct mdevfw_parent *parent, struct device *dev,
		       const struct mdevfw_parent_ops *ops,
		       unsigned int pool_size);
void mdevfw_parent_bind_devlink(struct mdevfw_parent *parent,
				struct devlink *devlink);
int mdevfw_parent_register_locked(struct mdevfw_parent *parent);
void mdevfw_parent_unpublish_locked(struct mdevfw_parent *parent);
void mdevfw_parent_wait(struct mdevfw_parent *parent);
int mdevfw_parent_register(struct mdevfw_parent *parent);
void mdevfw_parent_unregister(struct mdevfw_parent *parent);
int mdevfw_parent_set_pool_locked(struct mdevfw_parent *parent,
				  unsigned int pool_size);
unsigned int mdevfw_parent_pool_size(struct mdevfw_parent *parent);
unsigned int mdevfw_parent_pool_used(struct mdevfw_parent *parent);
void mdevfw_parent_changed_locked(struct mdevfw_parent *parent);

/* The lifecycle lock */
void mdevfw_lock(struct mdevfw_parent *parent);
void mdevfw_unlock(struct mdevfw_parent *parent);
void mdevfw_assert_locked(struct mdevfw_parent *parent);

/* Types */
struct mdevfw_type *mdevfw_type_add_locked(struct mdevfw_parent *parent,
					   const struct mdevfw_type_info *info,
					   void *priv);
int mdevfw_type_remove_locked(struct mdevfw_type *type);
const struct mdevfw_type_info *mdevfw_type_info(struct mdevfw_type *type);
void *mdevfw_type_priv(struct mdevfw_type *type);
unsigned int mdevfw_type_available(struct mdevfw_type *type);

/* Mediated devices */
int mdevfw_device_create_locked(struct mdevfw_parent *parent,
				struct mdevfw_type *type, const guid_t *uuid,
				struct mdevfw_device **out);
void mdevfw_device_remove_locked(struct mdevfw_device *mdev);
int mdevfw_device_remove_nowait_locked(struct mdevfw_device *mdev);

/* The data path */
int mdevfw_device_open(struct mdevfw_device *mdev);
void mdevfw_device_close(struct mdevfw_device *mdev);

/* VFIO (only with CONFIG_VFIO; mdevfw_parent_vfio_unplug() always) */
struct mdevfw_device *mdevfw_vfio_mdev(struct vfio_device *vdev);
void mdevfw_parent_vfio_unplug(struct mdevfw_parent *parent);

/**
 * struct mdevfw_migration_ops - a vendor's part of VFIO migration
 * @version: the version of the vendor's state format: a stream saved
 *	with another version is refused on resume (-EPROTONOSUPPORT)
 * @state_size: the bytes of @mdev's saved state; the same for every
 *	mdev of a type, for the mdev's whole life
 * @save: write the device's state to @buf, @size bytes; the device is
 *	stopped
 * @load: check a state read back from a stream and make it the device's;
 *	the device is stopped. -EINVAL for a state the device cannot take,
 *	which the stream's checksum and header could not tell
 * @stop: stop (@stop true) or restart the device. A stopped device
 *	changes no state of its own or outside: no interrupt, no byte taken
 *	from or given to the host
 *
 * Each runs under the mdev's migration state lock, a mutex, and may
 * sleep; never under the lifecycle lock (Documentation/locking.rst).
 */
struct mdevfw_migration_ops {
	u32 version;
	size_t (*state_size)(struct mdevfw_device *mdev);
	int (*save)(struct mdevfw_device *mdev, void *buf, size_t size);
	int (*load)(struct mdevfw_device *mdev, const void *buf, size_t size);
	void (*stop)(struct mdevfw_device *mdev, bool stop);
};

int mdevfw_device_set_migratable_locked(struct mdevfw_device *mdev,
					bool enable);
bool mdevfw_device_migratable(struct mdevfw_device *mdev);

/*
 * devlink (devlink/): a parent bound with mdevfw_parent_bind_devlink()
 * calls these from its devlink callbacks, which hold the instance lock.
 */
int mdevfw_devl_eswitch_mode_get(struct mdevfw_parent *parent, u16 *mode);
int mdevfw_devl_eswitch_mode_set(struct mdevfw_parent *parent, u16 mode,
				 struct netlink_ext_ack *extack);
int mdevfw_devl_port_new(struct mdevfw_parent *parent,
			 const struct devlink_port_new_attrs *attrs,
			 struct netlink_ext_ack *extack,
			 struct devlink_port **port);
int mdevfw_devl_port_type_get(struct mdevfw_parent *parent, char *name,
			      size_t size);
int mdevfw_devl_port_type_set(struct mdevfw_parent *parent, const char *name,
			      struct netlink_ext_ack *extack);
int mdevfw_devl_reload_down(struct mdevfw_parent *parent, bool netns_change,
			    struct netlink_ext_ack *extack);

/* Drivers */
int __mdevfw_register_driver(struct mdevfw_driver *drv, struct module *owner);
#define mdevfw_register_driver(drv) __mdevfw_register_driver(drv, THIS_MODULE)
void mdevfw_unregister_driver(struct mdevfw_driver *drv);

#endif /* _MDEVFW_H */
