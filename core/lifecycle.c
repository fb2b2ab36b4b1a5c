// SPDX-License-Identifier: GPL-2.0
/*
 * The per-parent lifecycle lock: the parent's own mutex, or, once the
 * parent is bound to a devlink instance, that instance's lock. Everything
 * that changes what a parent has (types, mdevs, ports, its registration)
 * happens under it. See Documentation/locking.rst.
 */
#include <net/devlink.h>
#include "core.h"

/**
 * mdevfw_parent_bind_devlink() - make a devlink instance lock the parent's
 * @parent: an initialized parent, not yet registered
 * @devlink: the vendor's devlink instance, which must outlive
 *	mdevfw_parent_wait()
 *
 * From now on mdevfw_lock() is devl_lock(), and devlink callbacks, which
 * run with it held, may call the framework's _locked functions directly.
 */
void mdevfw_parent_bind_devlink(struct mdevfw_parent *parent,
				struct devlink *devlink)
{
	WARN_ON(parent->registered || parent->dead);
	parent->devlink = devlink;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_bind_devlink);

/**
 * mdevfw_lock() - take a parent's lifecycle lock
 * @parent: the parent
 *
 * Never call this from a sysfs handler that still holds its file's active
 * reference, nor inside an SRCU read section: see Documentation/locking.rst.
 */
void mdevfw_lock(struct mdevfw_parent *parent)
{
	might_sleep();
	if (parent->devlink)
		devl_lock(parent->devlink);
	else
		mutex_lock(&parent->lock);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_lock);

/**
 * mdevfw_unlock() - release a parent's lifecycle lock
 * @parent: the parent
 */
void mdevfw_unlock(struct mdevfw_parent *parent)
{
	if (parent->devlink)
		devl_unlock(parent->devlink);
	else
		mutex_unlock(&parent->lock);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_unlock);

/**
 * mdevfw_assert_locked() - assert that the caller holds the lifecycle lock
 * @parent: the parent
 *
 * Before 6.3 it also accepts the task in devl_unregister() of the
 * parent's instance (include/mdevfw_compat.h), where 6.1's devlink calls
 * a param's or port function's get without the lock.
 */
void mdevfw_assert_locked(struct mdevfw_parent *parent)
{
	if (parent->devlink) {
		if (!mdevfw_compat_devl_unregistering(parent->devlink))
			devl_assert_locked(parent->devlink);
	} else {
		lockdep_assert_held(&parent->lock);
	}
}
EXPORT_SYMBOL_MDEVFW(mdevfw_assert_locked);

/* For the waits that must never happen under the lifecycle lock. */
void mdevfw_assert_unlocked(struct mdevfw_parent *parent)
{
#ifdef CONFIG_LOCKDEP
	if (parent->devlink)
		lockdep_assert(!devl_lock_is_held(parent->devlink));
	else
		lockdep_assert_not_held(&parent->lock);
#endif
}

/**
 * mdevfw_lock_live() - take the lifecycle lock of a parent still registered
 * @parent: a parent the caller holds a reference on
 *
 * Return: 0 with the lock held, or -ENODEV without it once the parent has
 * been unpublished.
 */
int mdevfw_lock_live(struct mdevfw_parent *parent)
{
	mdevfw_lock(parent);
	if (!parent->dead)
		return 0;
	mdevfw_unlock(parent);
	return -ENODEV;
}
