// SPDX-License-Identifier: GPL-2.0
/*
 * Mediated devices: create, remove, the "remove" and "mdev_type" files,
 * vendor attributes and uevents.
 *
 * Both front doors (sysfs create and, with devlink, port add) end in
 * mdevfw_device_create_locked(), so every create takes the same steps
 * under the lifecycle lock, and every failure undoes all of them.
 */
#include <linux/overflow.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include "../core/core.h"

#define mdevfw_parent_err(parent, fmt, ...) \
	dev_err_ratelimited((parent)->dev, "mdevfw: " fmt, ##__VA_ARGS__)

static void mdevfw_device_release(struct device *dev)
{
	struct mdevfw_device *mdev = to_mdevfw_device(dev);

	/* No lock here: a final put is safe anywhere (locking.rst, rule 5). */
	kobject_put(&mdev->type->kobj);
	kfree(mdev);
}

static void mdevfw_device_unlink(struct mdevfw_device *mdev)
{
	sysfs_remove_link(mdev->type->devices_kobj, dev_name(&mdev->dev));
	sysfs_remove_link(&mdev->dev.kobj, "mdev_type");
}

/*
 * Counts @mdev in (@add) or out of its parent's pool and its type. The
 * counts are unsigned and a pool may exceed INT_MAX: check before the
 * arithmetic that nothing wraps, rather than look for a sign after it.
 */
static void mdevfw_account(struct mdevfw_device *mdev, bool add)
{
	struct mdevfw_parent *parent = mdev->parent;
	struct mdevfw_type *type = mdev->type;
	unsigned int cost = type->info->pool_cost;
	unsigned int used;

	if (add) {
		/* Create checked the room, unless an available() lied. */
		if (WARN_ON(check_add_overflow(parent->pool_used, cost, &used)))
			used = UINT_MAX;
		WRITE_ONCE(parent->pool_used, used);
		WRITE_ONCE(type->used, type->used + 1);
	} else {
		/* Balance: nothing goes below zero. */
		if (WARN_ON(parent->pool_used < cost || !type->used))
			return;
		WRITE_ONCE(parent->pool_used, parent->pool_used - cost);
		WRITE_ONCE(type->used, type->used - 1);
	}
	/* Other types sharing the pool: a change event, if they moved. */
	mdevfw_change_capacity_locked(parent, type);
}

/*
 * Unbinds the vendor driver, whose remove revokes every open file: the
 * data path's count must be zero after it. If it is not, that is the
 * vendor's bug, which the framework survives: say so, and count those
 * opens as closed, or the parent's count would refuse every eswitch mode
 * change from now on. Not a WARN, which would point at us and, with
 * panic_on_warn, take the machine down for a leak we repaired.
 */
static void mdevfw_device_unbind(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;
	unsigned int left;

	/* Removing the device's files waits for their handlers. */
	mdevfw_active_drain();
	device_release_driver(&mdev->dev);

	raw_spin_lock_irq(&parent->open_lock);
	left = mdev->nr_open;
	/* The parent's count includes the mdev's: ours to keep right. */
	if (!WARN_ON(parent->nr_open < left))
		parent->nr_open -= left;
	mdev->nr_open = 0;
	raw_spin_unlock_irq(&parent->open_lock);
	if (left)
		dev_err(parent->dev, "mdevfw: %s: remove of %s left %u open; counted as closed\n",
			dev_name(&mdev->dev), parent->ops->driver->driver.name,
			left);
}

/**
 * mdevfw_device_open() - count an open of an mdev's data path
 * @mdev: a probed mdev
 *
 * A vendor calls it when user space opens a file of the mdev's data path
 * (its first open, such as a tty port's activate), and
 * mdevfw_device_close() when that ends (the port's shutdown, or the
 * revoke in the driver's remove). While anything is open the eswitch mode
 * cannot change; while it changes, or while the port function is
 * inactive, the open is refused. It takes only parent->open_lock, an
 * IRQ-safe leaf spinlock, so it may be called in any context, hard
 * interrupts and IRQ-safe locks (a UART's port lock) included.
 *
 * Context: any, between the driver's probe and the end of its remove.
 * Return: 0; -EBUSY while the eswitch mode changes; -ENODEV while the
 * mdev's port function is inactive, or once a port del has left its
 * removal to the thread that waits for its VFIO user.
 */
int mdevfw_device_open(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;
	unsigned long flags;
	int ret;

	raw_spin_lock_irqsave(&parent->open_lock, flags);
	ret = mdevfw_open_locked(mdev);
	raw_spin_unlock_irqrestore(&parent->open_lock, flags);
	return ret;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_device_open);

/* mdevfw_device_open() with parent->open_lock held (core/vfio.c too). */
int mdevfw_open_locked(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;

	lockdep_assert_held(&parent->open_lock);
	if (parent->changing)
		return -EBUSY;
	/* Inactive, or left to its detach thread by a port del. */
	if (mdev->fn_inactive || mdev->vfio_detached)
		return -ENODEV;
	mdev->nr_open++;
	parent->nr_open++;
	return 0;
}

void mdevfw_close_locked(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;

	lockdep_assert_held(&parent->open_lock);
	if (!WARN_ON(!mdev->nr_open || !parent->nr_open)) {
		mdev->nr_open--;
		parent->nr_open--;
	}
}

/**
 * mdevfw_device_close() - undo one successful mdevfw_device_open()
 * @mdev: the mdev
 *
 * Context: any, as mdevfw_device_open().
 */
void mdevfw_device_close(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;
	unsigned long flags;

	raw_spin_lock_irqsave(&parent->open_lock, flags);
	mdevfw_close_locked(mdev);
	raw_spin_unlock_irqrestore(&parent->open_lock, flags);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_device_close);

/**
 * mdevfw_device_create_locked() - create an mdev and bind the parent's driver
 * @parent: a registered parent
 * @type: one of @parent's types
 * @uuid: the new mdev's UUID
 * @out: if not NULL, the new mdev, valid until it is removed
 *
 * The mdev appears with its mdev_type link and vendor attributes, the
 * driver's probe runs, and only then is the add uevent sent.
 *
 * Context: the parent's lifecycle lock is held.
 * In switchdev mode the mdev gets its devlink port too.
 *
 * Return: 0; -ENODEV once the parent is unpublished; -EUSERS when no
 * instance is left; -EEXIST when any parent has an mdev with @uuid or the
 * same alias; -ENOSPC when a devlink parent has no sfnum left (see
 * struct mdevfw_parent_ops); -EADDRINUSE when its devlink port's index is
 * taken by another port; the probe's error; -ENOMEM. Nothing is left on
 * failure.
 */
int mdevfw_device_create_locked(struct mdevfw_parent *parent,
				struct mdevfw_type *type, const guid_t *uuid,
				struct mdevfw_device **out)
{
	return mdevfw_device_create_sfnum_locked(parent, type, uuid, -1, out);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_device_create_locked);

/*
 * The one create. With devlink every mdev has an sfnum, its port's number:
 * @sfnum is one the caller allocated from parent->sfnums (and gives to the
 * mdev, or frees on failure), or negative to take the lowest free one.
 */
int mdevfw_device_create_sfnum_locked(struct mdevfw_parent *parent,
				      struct mdevfw_type *type,
				      const guid_t *uuid, int sfnum,
				      struct mdevfw_device **out)
{
	struct mdevfw_device *mdev;
	int ret;

	mdevfw_assert_locked(parent);
	if (parent->dead || type->removed ||
	    rcu_access_pointer(type->parent) != parent) {
		ret = -ENODEV;
		goto err_sfnum;
	}
	if (!mdevfw_type_available_locked(type)) {
		mdevfw_parent_err(parent, "create %pUl: no instances of %s left\n",
				  uuid, kobject_name(&type->kobj));
		ret = -EUSERS;
		goto err_sfnum;
	}
	if (parent->devlink && sfnum < 0) {
		sfnum = ida_alloc_max(&parent->sfnums, mdevfw_sfnum_max(parent),
				      GFP_KERNEL);
		if (sfnum == -ENOSPC)
			mdevfw_parent_err(parent, "create %pUl: no sfnum left: at most %d with port index base %u\n",
					  uuid, mdevfw_sfnum_max(parent),
					  parent->ops->port_index_base);
		if (sfnum < 0)
			return sfnum;
	}

	mdev = kzalloc(sizeof(*mdev), GFP_KERNEL);
	if (!mdev) {
		ret = -ENOMEM;
		goto err_sfnum;
	}
	mdev->sfnum = sfnum;
	mdev->uuid = *uuid;
	mdev->parent = parent;
	mdev->type = type;
	mdevfw_mig_create_locked(mdev);
	kobject_get(&type->kobj);
	if (parent->ops->alias_len)
		mdevfw_make_alias(uuid, parent->ops->alias_len, mdev->alias);

	device_initialize(&mdev->dev);
	mdev->dev.parent = parent->dev;
	mdev->dev.bus = &mdevfw_bus_type;
	mdev->dev.release = mdevfw_device_release;
	ret = dev_set_name(&mdev->dev, "%pUl", uuid);
	if (ret)
		goto err_put;

	ret = mdevfw_index_insert(mdev);
	if (ret == -EEXIST) {
		mdevfw_parent_err(parent, "create %pUl: an mdev with this UUID exists\n",
				  uuid);
		goto err_put;
	}
	if (ret == -EADDRINUSE) {
		mdevfw_parent_err(parent, "create %pUl: its alias %s is taken by another mdev\n",
				  uuid, mdev->alias);
		ret = -EEXIST;
		goto err_put;
	}
	if (ret)
		goto err_put;

	/* The add event waits until everything a udev rule reads exists. */
	dev_set_uevent_suppress(&mdev->dev, true);
	ret = device_add(&mdev->dev);
	if (ret)
		goto err_index;
	ret = sysfs_create_link(&mdev->dev.kobj, &type->kobj, "mdev_type");
	if (ret)
		goto err_del;
	ret = sysfs_create_link(type->devices_kobj, &mdev->dev.kobj,
				dev_name(&mdev->dev));
	if (ret)
		goto err_unlink;

	mdevfw_account(mdev, true);
	ret = device_driver_attach(&parent->ops->driver->driver, &mdev->dev);
	if (ret) {
		mdevfw_parent_err(parent, "create %pUl: %s probe failed: %d\n",
				  uuid, parent->ops->driver->driver.name, ret);
		mdevfw_account(mdev, false);
		goto err_unlink;
	}
	if (parent->eswitch_mode == DEVLINK_ESWITCH_MODE_SWITCHDEV) {
		ret = mdevfw_port_add_locked(mdev);
		if (ret) {
			mdevfw_parent_err(parent, "create %pUl: no devlink port: %d\n",
					  uuid, ret);
			mdevfw_device_unbind(mdev);
			mdevfw_account(mdev, false);
			goto err_unlink;
		}
	}

	/* Last: from here on user space can open it through VFIO. */
	ret = mdevfw_vfio_register_locked(mdev);
	if (ret) {
		mdevfw_parent_err(parent, "create %pUl: no VFIO device: %d\n",
				  uuid, ret);
		mdevfw_port_del_locked(mdev);
		mdevfw_device_unbind(mdev);
		mdevfw_account(mdev, false);
		goto err_unlink;
	}

	mdev->active = true;
	list_add_tail(&mdev->node, &parent->mdevs);
	/*
	 * The add event announces the type's capacity after the probe, which
	 * an available() callback may count: not the one from before it.
	 */
	mdevfw_change_own_locked(type);
	dev_set_uevent_suppress(&mdev->dev, false);
	kobject_uevent(&mdev->dev.kobj, KOBJ_ADD);
	if (out)
		*out = mdev;
	return 0;

err_unlink:
	mdevfw_device_unlink(mdev);
err_del:
	mdevfw_active_drain();
	device_del(&mdev->dev);
err_index:
	mdevfw_index_remove(mdev);
err_put:
	put_device(&mdev->dev);
err_sfnum:
	if (sfnum >= 0)
		ida_free(&parent->sfnums, sfnum);
	return ret;
}

/**
 * mdevfw_device_remove_locked() - remove an mdev
 * @mdev: a live mdev; the pointer is invalid after the call
 *
 * The driver's remove runs and revokes open files; then the device goes,
 * with its remove uevent, and its UUID is free again.
 *
 * Context: the parent's lifecycle lock is held.
 */
void mdevfw_device_remove_locked(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;

	mdevfw_assert_locked(parent);
	if (WARN_ON(!mdev->active))
		return;
	mdev->active = false;
	list_del(&mdev->node);

	/* Unplugged or detached by the front door: this does not wait. */
	mdevfw_vfio_remove_locked(mdev);
	mdevfw_port_del_locked(mdev);
	mdevfw_device_unbind(mdev);
	mdevfw_device_unlink(mdev);
	device_del(&mdev->dev);
	mdevfw_account(mdev, false);
	if (mdev->sfnum >= 0)
		ida_free(&parent->sfnums, mdev->sfnum);
	/* Only now may another parent take the UUID and the sysfs name. */
	mdevfw_index_remove(mdev);
	put_device(&mdev->dev);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_device_remove_locked);

/**
 * mdevfw_device_remove_nowait_locked() - remove an mdev, never waiting for a VFIO user
 * @mdev: a live mdev
 *
 * For removals that run under the lifecycle lock on behalf of user space
 * and so must not wait for it: devlink port del, a vendor's devlink
 * reload_down. While the mdev's VFIO device is open, or a sysfs remove
 * waits for its user, it refuses. Otherwise the VFIO device refuses
 * every open from now on and is unregistered with no lock held; the mdev
 * is removed at once if nobody holds the VFIO device's file. If a process
 * holds it without having opened the device (a VFIO cdev opened and not
 * bound, which no open count sees), the mdev loses its devlink port now,
 * and a kernel thread removes it once that file is closed; until then it
 * stays in sysfs, with its UUID, sfnum and pool use, refuses every open
 * (-ENODEV), and the eswitch mode change gives it no port. A sysfs
 * remove of it waits for that close.
 * Without VFIO it is mdevfw_device_remove_locked().
 *
 * Context: the parent's lifecycle lock is held.
 * Return: 0 if removed; -EINPROGRESS if left to the thread, as above (now
 * or by an earlier call); -EBUSY while the VFIO device is open or a
 * remove waits for its user.
 */
int mdevfw_device_remove_nowait_locked(struct mdevfw_device *mdev)
{
	int ret;

	mdevfw_assert_locked(mdev->parent);
	if (WARN_ON(!mdev->active))
		return -ENODEV;
	/* Left to the thread already: it goes when the file is closed. */
	if (mdev->vfio_detached)
		return -EINPROGRESS;
	ret = mdevfw_vfio_detach_locked(mdev);
	if (ret == -EINPROGRESS) {
		/* Opens too: the port del makes the function active again. */
		raw_spin_lock_irq(&mdev->parent->open_lock);
		mdev->vfio_detached = true;
		raw_spin_unlock_irq(&mdev->parent->open_lock);
		mdevfw_port_del_locked(mdev);
	} else if (!ret) {
		mdevfw_device_remove_locked(mdev);
	}
	return ret;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_device_remove_nowait_locked);

void mdevfw_devices_remove_all_locked(struct mdevfw_parent *parent)
{
	struct mdevfw_device *mdev, *tmp;

	mdevfw_assert_locked(parent);
	list_for_each_entry_safe_reverse(mdev, tmp, &parent->mdevs, node)
		mdevfw_device_remove_locked(mdev);
}

/*
 * "remove": lets go of its file's active reference before it blocks on
 * the lifecycle lock, because removals done under that lock drain this
 * file. It breaks active protection, as SCSI's "delete" does, rather than
 * using device_remove_file_self(): kernfs takes the reference back, for
 * lockdep, when that returns, and lockdep then sees a "remove" file's
 * active reference held across the lifecycle lock, which every removal
 * under the lock waits for (the stress test showed the cycle). Of two
 * concurrent writers one removes the mdev and both succeed, as upstream.
 */
static ssize_t remove_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct mdevfw_device *mdev = to_mdevfw_device(dev);
	struct mdevfw_parent *parent;
	struct kernfs_node *kn;
	unsigned long val;
	int ret;

	if (kstrtoul(buf, 0, &val) < 0) {
		dev_err_ratelimited(dev, "mdevfw: remove: not a number: \"%*pE\"\n",
				    (int)min_t(size_t, count, 40), buf);
		return -EINVAL;
	}
	if (!val)
		return count;

	mdevfw_active_acquire();
	parent = mdevfw_type_get_parent(mdev->type);
	if (!parent) {
		mdevfw_active_release();
		dev_err_ratelimited(dev, "mdevfw: remove: the parent is going away\n");
		return -ENODEV;
	}
	get_device(dev);
	mdevfw_active_release();
	kn = sysfs_break_active_protection(&dev->kobj, &attr->attr);
	if (WARN_ON_ONCE(!kn)) {
		/* Never block holding our active reference. */
		put_device(dev);
		mdevfw_parent_put(parent);
		return -ENODEV;
	}

	/*
	 * With no lock held: wait for the VFIO user to let go (vfio calls
	 * the vendor's request meanwhile), as upstream's remove does. A
	 * create still running when the unplug looked may have registered
	 * the device since (it does so under the lock): then unplug again,
	 * never under the lock.
	 */
	for (;;) {
		mdevfw_vfio_unplug(mdev);
		ret = mdevfw_lock_live(parent);
		if (ret)
			break;
		if (READ_ONCE(mdev->vfio_state) != MDEVFW_VFIO_LIVE &&
		    READ_ONCE(mdev->vfio_state) != MDEVFW_VFIO_UNPLUGGING)
			break;
		mdevfw_unlock(parent);
	}
	if (!ret) {
		if (mdev->active) {
			mdev->sysfs_removed = true;
			mdevfw_device_remove_locked(mdev);
		} else if (!mdev->sysfs_removed) {
			/* Parent unregister or port del removed it. */
			ret = -ENODEV;
		}
		mdevfw_unlock(parent);
	}
	sysfs_unbreak_active_protection(kn);
	if (ret)
		dev_err_ratelimited(parent->dev, "mdevfw: remove %pUl: it is already gone\n",
				    &mdev->uuid);
	put_device(dev);
	mdevfw_parent_put(parent);
	return ret ?: count;
}
static DEVICE_ATTR_WO(remove);

static struct attribute *mdevfw_device_attrs[] = {
	&dev_attr_remove.attr,
	NULL,
};

static const struct attribute_group mdevfw_device_group = {
	.attrs = mdevfw_device_attrs,
};

const struct attribute_group *mdevfw_device_groups[] = {
	&mdevfw_device_group,
	NULL,
};

/*
 * Vendor attributes, the driver's dev_groups. The driver core adds them
 * after probe and removes them, waiting for their handlers, before
 * remove; so a handler always sees a probed mdev, and the mdev holds its
 * parent. They need no SRCU read section, and run outside it: a handler
 * that sleeps delays no other parent's unregistration. lockdep reports
 * one that takes the lifecycle lock (mdevfw_sysfs_active).
 */

/**
 * mdevfw_device_attr_show() - sysfs show of an MDEVFW_DEVICE_ATTR_*()
 * @dev: the mdev's device
 * @attr: the attribute
 * @buf: the page to fill
 *
 * Return: what the vendor's show returns.
 */
ssize_t mdevfw_device_attr_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct mdevfw_device_attribute *mattr =
		container_of(attr, struct mdevfw_device_attribute, attr);
	ssize_t ret;

	mdevfw_active_acquire();
	ret = mattr->show(to_mdevfw_device(dev), buf);
	mdevfw_active_release();
	return ret;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_device_attr_show);

/**
 * mdevfw_device_attr_store() - sysfs store of an MDEVFW_DEVICE_ATTR_*()
 * @dev: the mdev's device
 * @attr: the attribute
 * @buf: what was written
 * @count: its length
 *
 * Return: what the vendor's store returns.
 */
ssize_t mdevfw_device_attr_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct mdevfw_device_attribute *mattr =
		container_of(attr, struct mdevfw_device_attribute, attr);
	ssize_t ret;

	mdevfw_active_acquire();
	ret = mattr->store(to_mdevfw_device(dev), buf, count);
	mdevfw_active_release();
	return ret;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_device_attr_store);
