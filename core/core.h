/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private structures and helpers shared by core/, mdev/ and devlink/.
 * Documentation/locking.rst is the reference for every rule asserted here.
 */
#ifndef _MDEVFW_CORE_H
#define _MDEVFW_CORE_H

#include <linux/kobject.h>
#include <linux/lockdep.h>
#include <linux/srcu.h>
#include <mdevfw.h>

#define MDEVFW_BUS_NAME		"mdev"
#define MDEVFW_CLASS_NAME	"mdev_bus"

/**
 * struct mdevfw_type - one type directory under mdev_supported_types
 * @kobj: its directory; the last put frees the structure
 * @parent: the parent while it is published, read under mdevfw_srcu;
 *	cleared under the lifecycle lock when the type is removed
 * @owner: the parent it was added to, for the lifecycle lock's holder
 * @info: the vendor's description of the type
 * @priv: the vendor's data
 * @devices_kobj: the "devices" directory of links to this type's mdevs
 * @node: entry in the parent's list of types, under the lifecycle lock
 * @used: live mdevs of this type, written under the lifecycle lock
 * @removed: set under the lifecycle lock once the type is gone
 * @avail_sent: the capacity last announced (core/change.c), under the
 *	lifecycle lock, as the two flags below
 * @recheck: its capacity may have changed for another reason than its own
 *	mdevs; the next change event compares it with @avail_sent
 * @added: added at runtime, not yet announced
 *
 * Once removed at runtime, @node is on the parent's types_gone until the
 * change event has named it.
 */
struct mdevfw_type {
	struct kobject kobj;
	struct mdevfw_parent __rcu *parent;
	struct mdevfw_parent *owner;
	const struct mdevfw_type_info *info;
	void *priv;
	struct kobject *devices_kobj;
	struct list_head node;
	unsigned int used;
	bool removed;
	unsigned int avail_sent;
	bool recheck;
	bool added;
};

static inline struct mdevfw_type *to_mdevfw_type(struct kobject *kobj)
{
	return container_of(kobj, struct mdevfw_type, kobj);
}

/* core/main.c */
extern struct srcu_struct mdevfw_srcu;
extern MDEVFW_BUS_TYPE mdevfw_bus_type;
extern struct class_compat *mdevfw_class_compat;

/*
 * Sysfs handlers hold their file's kernfs active reference, and removing a
 * file waits for it. kernfs tells lockdep about that only when the two
 * overlap, so we tell it always: every framework handler holds this map
 * shared for as long as it holds its active reference, and every removal
 * done under the lifecycle lock takes it exclusively. A handler that
 * blocks on the lifecycle lock before it has let go of its active
 * reference is then reported at once, even in a sequential test.
 */
extern struct lockdep_map mdevfw_active_map;

static inline void mdevfw_active_acquire(void)
{
	rwsem_acquire_read(&mdevfw_active_map, 0, 0, _RET_IP_);
}

static inline void mdevfw_active_release(void)
{
	rwsem_release(&mdevfw_active_map, _RET_IP_);
}

/* Around every sysfs removal done under the lifecycle lock. */
static inline void mdevfw_active_drain(void)
{
	rwsem_acquire(&mdevfw_active_map, 0, 0, _RET_IP_);
	rwsem_release(&mdevfw_active_map, _RET_IP_);
}

/*
 * Type directories are named "<prefix>-<sysfs_name>", the prefix being
 * the name of the parent device's driver, as upstream mdev names them
 * (dev_driver_string(): the bus or class name for a device without one).
 * mdevctl and libvirt persist these names.
 */
static inline const char *mdevfw_type_prefix(struct mdevfw_parent *parent)
{
	return dev_driver_string(parent->dev);
}

/* core/parent.c */
struct mdevfw_parent *mdevfw_type_get_parent(struct mdevfw_type *type);
void mdevfw_parent_put(struct mdevfw_parent *parent);
int mdevfw_lock_live(struct mdevfw_parent *parent);
#ifdef MDEVFW_COMPAT_PORT_OPS_IN_DEVLINK_OPS
struct mdevfw_parent *mdevfw_parent_of_devlink(struct devlink *devlink);
#endif
#if defined(MDEVFW_COMPAT_DEVL_UNREGISTER) && IS_ENABLED(CONFIG_LOCKDEP)
bool mdevfw_compat_devl_unregistering(struct devlink *devlink);
#else
/* Only lockdep asks: without it devl_assert_locked() checks nothing. */
static inline bool mdevfw_compat_devl_unregistering(struct devlink *devlink)
{
	return false;
}
#endif

/*
 * The VFIO personality of an mdev, core/vfio.c. mdev->vfio_state, under
 * parent->open_lock:
 *   NONE -> LIVE           registered after probe, under the lifecycle lock
 *   LIVE -> UNPLUGGING     mdevfw_vfio_unplug(), no lock held: it
 *                          unregisters, waiting for the user; or
 *                          mdevfw_vfio_detach_locked(), under the
 *                          lifecycle lock, when nobody has it open: its
 *                          thread unregisters, no lock held
 *   LIVE -> REVOKED        mdevfw_vfio_remove_locked(), under the
 *                          lifecycle lock: unregistered before the lock
 *                          is dropped (a removal no front door prepared)
 *   UNPLUGGING, REVOKED -> GONE   unregistered; vfio_gone completed
 * Only LIVE accepts a VFIO open.
 */
enum {
	MDEVFW_VFIO_NONE,
	MDEVFW_VFIO_LIVE,
	MDEVFW_VFIO_UNPLUGGING,
	MDEVFW_VFIO_REVOKED,
	MDEVFW_VFIO_GONE,
};

/* The one place that knows whether the kernel has VFIO. */
#if IS_ENABLED(CONFIG_VFIO)
int mdevfw_vfio_driver_init(struct mdevfw_driver *drv);
void mdevfw_vfio_driver_exit(struct mdevfw_driver *drv);
int mdevfw_vfio_register_locked(struct mdevfw_device *mdev);
int mdevfw_vfio_detach_locked(struct mdevfw_device *mdev);
bool mdevfw_vfio_unplugging(struct mdevfw_device *mdev);
void mdevfw_vfio_remove_locked(struct mdevfw_device *mdev);
void mdevfw_vfio_unplug(struct mdevfw_device *mdev);
/* core/migration.c */
int mdevfw_mig_init(struct mdevfw_device *mdev, struct vfio_device *vdev);
void mdevfw_mig_exit(struct mdevfw_device *mdev);
void mdevfw_mig_close(struct mdevfw_device *mdev);
void mdevfw_mig_reset(struct mdevfw_device *mdev);
#else
static inline int mdevfw_vfio_driver_init(struct mdevfw_driver *drv)
{
	if (!drv->vfio_ops)
		return 0;
	pr_err("mdevfw: %s: this kernel has no VFIO (CONFIG_VFIO)\n",
	       drv->driver.name);
	return -EOPNOTSUPP;
}

static inline void mdevfw_vfio_driver_exit(struct mdevfw_driver *drv) {}

static inline int mdevfw_vfio_register_locked(struct mdevfw_device *mdev)
{
	return 0;
}

static inline int mdevfw_vfio_detach_locked(struct mdevfw_device *mdev)
{
	return 0;
}

static inline bool mdevfw_vfio_unplugging(struct mdevfw_device *mdev)
{
	return false;
}

static inline void mdevfw_vfio_remove_locked(struct mdevfw_device *mdev) {}
static inline void mdevfw_vfio_unplug(struct mdevfw_device *mdev) {}
#endif

/* core/migration.c: devlink's port function "migratable"; at create */
void mdevfw_mig_create_locked(struct mdevfw_device *mdev);
int mdevfw_port_fn_migratable_get(struct mdevfw_device *mdev, bool *enable,
				  struct netlink_ext_ack *extack);
int mdevfw_port_fn_migratable_set(struct mdevfw_device *mdev, bool enable,
				  struct netlink_ext_ack *extack);
/* core/change.c: change events, see Documentation/abi.rst */
void mdevfw_changes_init(struct mdevfw_parent *parent);
void mdevfw_change_capacity_locked(struct mdevfw_parent *parent,
				   struct mdevfw_type *own);
void mdevfw_change_own_locked(struct mdevfw_type *type);
void mdevfw_change_type_added_locked(struct mdevfw_type *type);
void mdevfw_change_type_gone_locked(struct mdevfw_type *type);
void mdevfw_changes_discard_locked(struct mdevfw_parent *parent);
void mdevfw_changes_cancel(struct mdevfw_parent *parent);

/* core/lifecycle.c */
void mdevfw_assert_unlocked(struct mdevfw_parent *parent);

/* core/index.c */
int mdevfw_index_init(void);
void mdevfw_index_exit(void);
int mdevfw_index_insert(struct mdevfw_device *mdev);
void mdevfw_index_remove(struct mdevfw_device *mdev);

/* core/util.c: pure logic, also built into the KUnit module */
int mdevfw_parse_uuid(const char *buf, size_t count, guid_t *uuid);
void mdevfw_make_alias(const guid_t *uuid, unsigned int len, char *alias);
void mdevfw_uuid_v5(const uuid_t *ns, const char *name, guid_t *out);
unsigned int mdevfw_avail(unsigned int pool_size, unsigned int pool_used,
			  unsigned int pool_cost, unsigned int max_instances,
			  unsigned int type_used);

/* mdev/type.c */
int mdevfw_type_publish_locked(struct mdevfw_parent *parent,
			       struct mdevfw_type *type);
void mdevfw_types_remove_all_locked(struct mdevfw_parent *parent);
unsigned int mdevfw_type_available_locked(struct mdevfw_type *type);

/* mdev/device.c */
int mdevfw_open_locked(struct mdevfw_device *mdev);
void mdevfw_close_locked(struct mdevfw_device *mdev);
int mdevfw_device_create_sfnum_locked(struct mdevfw_parent *parent,
				      struct mdevfw_type *type,
				      const guid_t *uuid, int sfnum,
				      struct mdevfw_device **out);
void mdevfw_devices_remove_all_locked(struct mdevfw_parent *parent);
extern const struct attribute_group *mdevfw_device_groups[];

/* devlink/port.c: an mdev's port in switchdev mode */
struct mdevfw_port {
	struct devlink_port dl;
	struct mdevfw_device *mdev;
};

extern const struct devlink_port_ops mdevfw_port_ops;
int mdevfw_sfnum_max(struct mdevfw_parent *parent);
int mdevfw_port_add_locked(struct mdevfw_device *mdev);
void mdevfw_port_del_locked(struct mdevfw_device *mdev);

#endif /* _MDEVFW_CORE_H */
