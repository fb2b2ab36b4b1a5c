// SPDX-License-Identifier: GPL-2.0
/*
 * Parents: registration, the two halves of unregistration, and the
 * reference that sysfs paths hold while they sleep.
 *
 * Lifetime (Documentation/locking.rst has the diagram):
 *
 *   init -> register_locked -> ... -> unpublish_locked -> wait -> vendor frees
 *
 * register_locked takes the base reference. Sysfs paths find the parent
 * under mdevfw_srcu through a type's published pointer and take a
 * reference with kref_get_unless_zero() before they leave the read
 * section; they block on the lifecycle lock only outside it. A port del's
 * detach thread (core/vfio.c) takes one with kref_get() under the
 * lifecycle lock, before unpublish can have dropped the base reference,
 * and puts it when it exits. The unpublish
 * half runs under the lifecycle lock, clears every published pointer and
 * drops the base reference; it waits for nothing. The wait half runs
 * without the lock: once synchronize_srcu() has returned nobody can find
 * the parent any more, so the count only falls, and the last put completes
 * parent->released. The release function only signals a completion, so a
 * final put is safe in any context.
 */
#include <linux/moduleparam.h>
#include <linux/xarray.h>
#include <net/devlink.h>
#include "core.h"

/*
 * Every parent from its registration until mdevfw_parent_wait() has
 * returned, marked MDEVFW_PARENT_LIVE while it is registered. Its mutex
 * is a leaf: nothing is taken under it. Every change of the registry
 * holds it, and so does every scan: a parent leaves the registry only in
 * mdevfw_parent_wait(), before its vendor may free it, so a scan under
 * the mutex never reads freed memory.
 */
static DEFINE_XARRAY_ALLOC(mdevfw_parents);
static DEFINE_MUTEX(mdevfw_parents_lock);
#define MDEVFW_PARENT_LIVE	XA_MARK_1

static void mdevfw_parents_unmark(struct mdevfw_parent *parent)
{
	mutex_lock(&mdevfw_parents_lock);
	xa_clear_mark(&mdevfw_parents, parent->id, MDEVFW_PARENT_LIVE);
	mutex_unlock(&mdevfw_parents_lock);
}

/* Whether @parent is registered, or unpublished and not waited for. */
static bool mdevfw_parents_holds(struct mdevfw_parent *parent)
{
	struct mdevfw_parent *p;
	unsigned long idx;
	bool found = false;

	mutex_lock(&mdevfw_parents_lock);
	xa_for_each(&mdevfw_parents, idx, p)
		found |= p == parent;
	mutex_unlock(&mdevfw_parents_lock);
	return found;
}

#ifdef MDEVFW_COMPAT_PORT_OPS_IN_DEVLINK_OPS
/*
 * The registered parent bound to @devlink, or NULL: before 6.5 devlink
 * names only the instance in a port's operations (core/compat.c). The
 * caller holds the instance lock, the parent's lifecycle lock, so the
 * parent found stays registered.
 */
struct mdevfw_parent *mdevfw_parent_of_devlink(struct devlink *devlink)
{
	struct mdevfw_parent *p, *found = NULL;
	unsigned long idx;

	if (!mdevfw_compat_devl_unregistering(devlink))
		devl_assert_locked(devlink);
	mutex_lock(&mdevfw_parents_lock);
	xa_for_each_marked(&mdevfw_parents, idx, p, MDEVFW_PARENT_LIVE) {
		if (p->devlink == devlink) {
			found = p;
			break;
		}
	}
	mutex_unlock(&mdevfw_parents_lock);
	return found;
}
#endif

/* For the benchmarks: unregister with an expedited SRCU grace period. */
static bool expedited_gp;
module_param(expedited_gp, bool, 0644);
MODULE_PARM_DESC(expedited_gp,
		 "wait for SRCU readers with an expedited grace period at unregister");

/**
 * mdevfw_parent_init() - prepare a parent before it is registered
 * @parent: the vendor's embedded parent
 * @dev: the device mdevs are created under
 * @ops: the parent's driver and mdev attributes; must outlive the parent
 * @pool_size: instances in the pool shared by types with a pool_cost
 *
 * A parent is initialised once per registration. A registered parent,
 * or one unpublished but not yet waited for, is refused: sysfs writers
 * may still hold its reference count and sleep on its lifecycle lock, and
 * zeroing it under them would corrupt both. So a devlink reload_up
 * cannot bring back a parent that reload_down unpublished (the wait
 * cannot run under the devlink instance lock, which devlink holds across
 * both); reload_down removes the mdevs instead (Documentation/api.rst).
 *
 * Return: 0; -EINVAL for ops the framework cannot use; -EBUSY for a
 * parent registered, or unpublished and not waited for.
 */
int mdevfw_parent_init(struct mdevfw_parent *parent, struct device *dev,
		       const struct mdevfw_parent_ops *ops,
		       unsigned int pool_size)
{
	if (WARN_ON(!dev || !ops || !ops->driver ||
		    ops->alias_len > MDEVFW_ALIAS_MAX))
		return -EINVAL;
	/* Compares pointers only: the memory may not be initialised yet. */
	if (mdevfw_parents_holds(parent)) {
		dev_err(dev, "mdevfw: init of a parent still registered, or not waited for\n");
		return -EBUSY;
	}

	memset(parent, 0, sizeof(*parent));
	parent->dev = dev;
	parent->ops = ops;
	parent->pool_size = pool_size;
	mutex_init(&parent->lock);
	raw_spin_lock_init(&parent->open_lock);
	ida_init(&parent->sfnums);
	parent->eswitch_mode = DEVLINK_ESWITCH_MODE_LEGACY;
	init_completion(&parent->released);
	INIT_LIST_HEAD(&parent->types);
	INIT_LIST_HEAD(&parent->mdevs);
	mdevfw_changes_init(parent);
	return 0;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_init);

static void mdevfw_parent_release(struct kref *kref)
{
	struct mdevfw_parent *parent =
		container_of(kref, struct mdevfw_parent, ref);

	/* Unpublish emptied it; anything left is a leak of ours. */
	WARN_ON(parent->pool_used || parent->nr_open ||
		!list_empty(&parent->mdevs) || !list_empty(&parent->types));
	complete(&parent->released);
}

/**
 * mdevfw_type_get_parent() - a reference on a type's parent, if it is live
 * @type: the type
 *
 * Looks the parent up under mdevfw_srcu and takes a reference before
 * leaving the read section, which never blocks.
 *
 * Return: the parent, to be put with mdevfw_parent_put(), or NULL.
 */
struct mdevfw_parent *mdevfw_type_get_parent(struct mdevfw_type *type)
{
	struct mdevfw_parent *parent;
	int idx;

	idx = srcu_read_lock(&mdevfw_srcu);
	parent = srcu_dereference(type->parent, &mdevfw_srcu);
	if (parent && !kref_get_unless_zero(&parent->ref))
		parent = NULL;
	srcu_read_unlock(&mdevfw_srcu, idx);
	return parent;
}

/* Drops a reference; the release only completes parent->released. */
void mdevfw_parent_put(struct mdevfw_parent *parent)
{
	kref_put(&parent->ref, mdevfw_parent_release);
}

static int mdevfw_parent_uevent(struct mdevfw_parent *parent,
				const char *state)
{
	char *envp[2];

	envp[0] = (char *)state;
	envp[1] = NULL;
	return kobject_uevent_env(&parent->dev->kobj, KOBJ_CHANGE, envp);
}

static int mdevfw_types_publish_locked(struct mdevfw_parent *parent)
{
	struct mdevfw_type *type;
	int ret;

	list_for_each_entry(type, &parent->types, node) {
		ret = mdevfw_type_publish_locked(parent, type);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * A parent's mdev_supported_types kset. Not kset_create_and_add(): before
 * 6.2 ("kset: fix memory leak when kset_register() returns error"), one
 * whose register fails leaks the kset's name. A kset of this type is put
 * when its register fails, which frees the name on either kernel. Its
 * directory is root's: kset_ktype's get_ownership() would take the
 * parent device's, which differs only for a device in a network
 * namespace, and no parent is one.
 */
static void mdevfw_types_kset_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct kset, kobj));
}

static const struct kobj_type mdevfw_types_kset_ktype = {
	.sysfs_ops	= &kobj_sysfs_ops,
	.release	= mdevfw_types_kset_release,
};

static struct kset *mdevfw_types_kset_add(struct device *dev)
{
	struct kset *kset;
	int ret;

	kset = kzalloc(sizeof(*kset), GFP_KERNEL);
	if (!kset)
		return ERR_PTR(-ENOMEM);
	ret = kobject_set_name(&kset->kobj, "mdev_supported_types");
	if (ret) {
		kfree(kset);
		return ERR_PTR(ret);
	}
	kset->kobj.parent = &dev->kobj;
	kset->kobj.ktype = &mdevfw_types_kset_ktype;
	ret = kset_register(kset);
	if (ret) {
		kobject_put(&kset->kobj);
		return ERR_PTR(ret);
	}
	return kset;
}

/**
 * mdevfw_parent_register_locked() - publish a parent and its types
 * @parent: an initialized parent; types may already have been added
 *
 * Creates mdev_supported_types with every type, the mdev_bus class link,
 * and then sends the MDEV_STATE=registered change event, so a udev rule
 * that reacts to it finds everything in place.
 *
 * Context: the parent's lifecycle lock is held.
 * Return: 0; -EINVAL if the parent was registered before; -EEXIST if
 * @parent's device already has a parent; -ENOMEM, or another error of the
 * driver core making the sysfs entries. On failure nothing is
 * left in sysfs, the types added before are removed too, and the parent
 * is dead: as after unpublish, call mdevfw_parent_wait() once the lock is
 * dropped, because a sysfs writer may have found a type meanwhile.
 */
int mdevfw_parent_register_locked(struct mdevfw_parent *parent)
{
	struct mdevfw_parent *other;
	unsigned long idx;
	int ret;

	mdevfw_assert_locked(parent);
	if (WARN_ON(parent->registered || parent->dead))
		return -EINVAL;

	/* The base reference: from here a type's create can find us. */
	kref_init(&parent->ref);
	mutex_lock(&mdevfw_parents_lock);
	ret = 0;
	xa_for_each_marked(&mdevfw_parents, idx, other, MDEVFW_PARENT_LIVE) {
		if (other->dev == parent->dev)
			ret = -EEXIST;
	}
	if (!ret)
		ret = xa_alloc(&mdevfw_parents, &parent->id, parent,
			       xa_limit_32b, GFP_KERNEL);
	if (!ret)
		xa_set_mark(&mdevfw_parents, parent->id, MDEVFW_PARENT_LIVE);
	mutex_unlock(&mdevfw_parents_lock);
	if (ret == -EEXIST)
		dev_err(parent->dev, "mdevfw: the device is already a parent\n");
	if (ret)
		goto err_types;

	parent->types_kset = mdevfw_types_kset_add(parent->dev);
	if (IS_ERR(parent->types_kset)) {
		ret = PTR_ERR(parent->types_kset);
		parent->types_kset = NULL;
		goto err_xa;
	}
	ret = mdevfw_types_publish_locked(parent);
	if (ret)
		goto err_kset;
	ret = class_compat_create_link(mdevfw_class_compat, parent->dev, NULL);
	if (ret)
		goto err_kset;

	parent->registered = true;
	mdevfw_parent_uevent(parent, "MDEV_STATE=registered");
	return 0;

err_kset:
	mdevfw_types_remove_all_locked(parent);
	kset_unregister(parent->types_kset);
	parent->types_kset = NULL;
err_xa:
	/* It stays in the registry until mdevfw_parent_wait(). */
	mdevfw_parents_unmark(parent);
err_types:
	mdevfw_types_remove_all_locked(parent);
	parent->dead = true;
	mdevfw_parent_put(parent);
	return ret;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_register_locked);

/**
 * mdevfw_parent_register() - mdevfw_parent_register_locked(), taking the lock
 * @parent: an initialized parent
 *
 * Return: as mdevfw_parent_register_locked().
 */
int mdevfw_parent_register(struct mdevfw_parent *parent)
{
	int ret;

	mdevfw_lock(parent);
	ret = mdevfw_parent_register_locked(parent);
	mdevfw_unlock(parent);
	return ret;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_register);

/**
 * mdevfw_parent_unpublish_locked() - the first half of unregistration
 * @parent: a registered parent
 *
 * Marks the parent dead, so that every sysfs path waiting for the lock
 * gives up with -ENODEV; removes every mdev (the driver's remove runs, and
 * revokes open files), every type and the class link; sends
 * MDEV_STATE=unregistered; drops the base reference. It waits for no
 * reader, so it may run inside a devlink callback. Call
 * mdevfw_parent_wait() after dropping the lock.
 *
 * Context: the parent's lifecycle lock is held.
 */
void mdevfw_parent_unpublish_locked(struct mdevfw_parent *parent)
{
	mdevfw_assert_locked(parent);
	if (!parent->registered)
		return;

	parent->dead = true;
	parent->registered = false;
	mdevfw_devices_remove_all_locked(parent);
	mdevfw_types_remove_all_locked(parent);
	/* A queued change event finds it unregistered and sends nothing. */
	mdevfw_changes_discard_locked(parent);
	mdevfw_active_drain();
	kset_unregister(parent->types_kset);
	parent->types_kset = NULL;
	class_compat_remove_link(mdevfw_class_compat, parent->dev, NULL);
	mdevfw_parents_unmark(parent);
	mdevfw_parent_uevent(parent, "MDEV_STATE=unregistered");
	mdevfw_parent_put(parent);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_unpublish_locked);

/**
 * mdevfw_parent_vfio_unplug() - unregister every VFIO device of a parent
 * @parent: a registered parent about to be unpublished
 *
 * The first step of a parent's removal when its driver has VFIO
 * operations: refuses VFIO devices to new mdevs (their create fails with
 * -ENODEV), then unregisters each mdev's VFIO device, waiting for its
 * user to close it while vfio calls the vendor's request operation; for
 * an mdev that a devlink port del left to its detach thread, waits for
 * that thread's unregister (it then finds the parent dead, or removes
 * it). Call
 * it without any lock, nor one that another parent needs, before taking
 * the lifecycle lock to unpublish. Does nothing without VFIO.
 *
 * Context: process context; no lifecycle lock, no SRCU read section.
 */
void mdevfw_parent_vfio_unplug(struct mdevfw_parent *parent)
{
	struct mdevfw_device *mdev;

	might_sleep();
	if (!IS_ENABLED(CONFIG_VFIO) || !parent->ops->driver->vfio_ops)
		return;
	for (;;) {
		mdevfw_lock(parent);
		parent->vfio_closing = true;
		list_for_each_entry(mdev, &parent->mdevs, node) {
			if (READ_ONCE(mdev->vfio_state) == MDEVFW_VFIO_LIVE ||
			    READ_ONCE(mdev->vfio_state) == MDEVFW_VFIO_UNPLUGGING)
				break;
		}
		if (list_entry_is_head(mdev, &parent->mdevs, node)) {
			mdevfw_unlock(parent);
			return;
		}
		get_device(&mdev->dev);
		mdevfw_unlock(parent);
		/* A create that fails from now on gives no new one. */
		mdevfw_vfio_unplug(mdev);
		put_device(&mdev->dev);
	}
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_vfio_unplug);

/**
 * mdevfw_parent_wait() - the second half of unregistration
 * @parent: an unpublished parent, or one never registered
 *
 * Waits until no SRCU reader can see the parent and every reference is
 * gone. After it returns the vendor may free the parent, and the devlink
 * instance whose lock was the parent's lifecycle lock.
 *
 * Context: process context, without the lifecycle lock of any parent:
 * every parent's change work is one lockdep class (locking.rst,
 * invariant 11).
 */
void mdevfw_parent_wait(struct mdevfw_parent *parent)
{
	might_sleep();
	/* Waiting under the lifecycle lock would deadlock with a writer. */
	if (!parent->devlink)
		lockdep_assert_not_held(&parent->lock);
	else if (IS_ENABLED(CONFIG_LOCKDEP))
		/* Once lockdep is off, "is held" answers yes: ask only before. */
		WARN_ON_ONCE(debug_locks && devl_lock_is_held(parent->devlink));
	if (WARN_ON(parent->registered) || !parent->dead)
		return;
	/* It takes the lifecycle lock: never waited for under it. */
	mdevfw_changes_cancel(parent);
	if (READ_ONCE(expedited_gp))
		synchronize_srcu_expedited(&mdevfw_srcu);
	else
		synchronize_srcu(&mdevfw_srcu);
	wait_for_completion(&parent->released);
	WARN_ON(!ida_is_empty(&parent->sfnums));
	ida_destroy(&parent->sfnums);
	/* Only now may it be initialised again, or freed. */
	mutex_lock(&mdevfw_parents_lock);
	if (xa_load(&mdevfw_parents, parent->id) == parent)
		xa_erase(&mdevfw_parents, parent->id);
	mutex_unlock(&mdevfw_parents_lock);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_wait);

/**
 * mdevfw_parent_unregister() - both halves, for a parent without devlink
 * @parent: a registered parent
 *
 * Context: process context, without the lifecycle lock.
 */
void mdevfw_parent_unregister(struct mdevfw_parent *parent)
{
	mdevfw_lock(parent);
	mdevfw_parent_unpublish_locked(parent);
	mdevfw_unlock(parent);
	mdevfw_parent_wait(parent);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_unregister);

/**
 * mdevfw_parent_set_pool_locked() - resize the parent's instance pool
 * @parent: the parent
 * @pool_size: the new size
 *
 * Context: the parent's lifecycle lock is held.
 * Return: 0, or -EBUSY if live mdevs use more than @pool_size.
 */
int mdevfw_parent_set_pool_locked(struct mdevfw_parent *parent,
				  unsigned int pool_size)
{
	mdevfw_assert_locked(parent);
	if (pool_size < parent->pool_used)
		return -EBUSY;
	if (pool_size == parent->pool_size)
		return 0;
	WRITE_ONCE(parent->pool_size, pool_size);
	/* One change event names every type whose capacity moved. */
	mdevfw_change_capacity_locked(parent, NULL);
	return 0;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_set_pool_locked);

/**
 * mdevfw_parent_pool_size() - the parent's pool size
 * @parent: the parent
 *
 * Return: the size; a snapshot unless the lifecycle lock is held.
 */
unsigned int mdevfw_parent_pool_size(struct mdevfw_parent *parent)
{
	return READ_ONCE(parent->pool_size);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_pool_size);

/**
 * mdevfw_parent_pool_used() - what live mdevs take of the parent's pool
 * @parent: the parent
 *
 * For a devlink resource's occupancy, which devlink reads with the
 * instance lock held.
 *
 * Return: the instances in use; a snapshot unless the lifecycle lock is
 * held.
 */
unsigned int mdevfw_parent_pool_used(struct mdevfw_parent *parent)
{
	return READ_ONCE(parent->pool_used);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_pool_used);
