// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO personality of an mdev: an emulated-IOMMU VFIO device with the
 * vendor's operations, registered after the driver's probe and
 * unregistered before its remove. Built only when the kernel has VFIO.
 *
 * vfio_unregister_group_dev() waits until user space closes the device,
 * calling the vendor's request operation meanwhile. That wait never
 * happens under the lifecycle lock, in an SRCU read section, or under any
 * lock another parent needs (Documentation/locking.rst, invariant 10):
 *
 * - mdevfw_vfio_unplug() waits, with no lock held: sysfs "remove" and
 *   mdevfw_parent_vfio_unplug() (the vendor's parent delete) call it
 *   before they take the lifecycle lock.
 * - devlink port del holds the lifecycle lock and must not wait: it
 *   refuses (-EBUSY) while the device is open, and otherwise hands the
 *   unregister to a kernel thread of its own with no lock held
 *   (mdevfw_vfio_detach_locked()). It waits only until the thread knows
 *   whether anyone holds the device file, which needs no user space:
 *   vfio calls the request operation at once if someone does. Nobody:
 *   the removal finishes under the lock, as before. A holder (a VFIO
 *   cdev opened and not bound, which no open count sees): the port del
 *   returns, and the thread finishes the removal once the file is closed.
 *   A thread, not a work item: a workqueue's max_active would let held
 *   files keep another detach from starting while its port del waits.
 * - Parent unpublish, under the lock, finds every VFIO device gone:
 *   mdevfw_parent_vfio_unplug() ran first, without the lock.
 *
 * A VFIO open is an open of the mdev: the framework wraps the vendor's
 * open_device and close_device around mdevfw_device_open() accounting, so
 * the eswitch mode change refuses it like an open tty.
 */
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include "core.h"

struct mdevfw_vfio {
	struct vfio_device vdev;
	struct mdevfw_device *mdev;
	const struct vfio_device_ops *ops;	/* the vendor's */
	struct mdevfw_driver *drv;		/* whose vfio_wrapped it uses */
};

static struct mdevfw_vfio *to_mdevfw_vfio(struct vfio_device *vdev)
{
	return container_of(vdev, struct mdevfw_vfio, vdev);
}

/**
 * mdevfw_vfio_mdev() - the mdev of a VFIO device the framework registered
 * @vdev: the device passed to a vendor's VFIO operation
 *
 * Return: the mdev; valid in every VFIO operation, which never runs once
 * the driver's remove has started.
 */
struct mdevfw_device *mdevfw_vfio_mdev(struct vfio_device *vdev)
{
	return to_mdevfw_vfio(vdev)->mdev;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_vfio_mdev);

/* Under vfio's device-set lock, at the first open of the device. */
static int mdevfw_vfio_open_device(struct vfio_device *vdev)
{
	struct mdevfw_vfio *v = to_mdevfw_vfio(vdev);
	struct mdevfw_device *mdev = v->mdev;
	struct mdevfw_parent *parent = mdev->parent;
	int ret;

	raw_spin_lock_irq(&parent->open_lock);
	if (mdev->vfio_state != MDEVFW_VFIO_LIVE) {
		ret = -ENODEV;
	} else {
		ret = mdevfw_open_locked(mdev);
		if (!ret)
			mdev->vfio_open++;
	}
	raw_spin_unlock_irq(&parent->open_lock);
	if (ret || !v->ops->open_device)
		return ret;

	ret = v->ops->open_device(vdev);
	if (ret) {
		raw_spin_lock_irq(&parent->open_lock);
		mdev->vfio_open--;
		mdevfw_close_locked(mdev);
		raw_spin_unlock_irq(&parent->open_lock);
	}
	return ret;
}

/* Under vfio's device-set lock, at the last close. */
static void mdevfw_vfio_close_device(struct vfio_device *vdev)
{
	struct mdevfw_vfio *v = to_mdevfw_vfio(vdev);
	struct mdevfw_device *mdev = v->mdev;
	struct mdevfw_parent *parent = mdev->parent;

	mdevfw_mig_close(mdev);
	if (v->ops->close_device)
		v->ops->close_device(vdev);
	raw_spin_lock_irq(&parent->open_lock);
	if (!WARN_ON(!mdev->vfio_open)) {
		mdev->vfio_open--;
		mdevfw_close_locked(mdev);
	}
	raw_spin_unlock_irq(&parent->open_lock);
}

/* With migration: a reset ends the migration too (core/migration.c). */
static long mdevfw_vfio_ioctl(struct vfio_device *vdev, unsigned int cmd,
			      unsigned long arg)
{
	struct mdevfw_vfio *v = to_mdevfw_vfio(vdev);
	long ret = v->ops->ioctl ? v->ops->ioctl(vdev, cmd, arg) : -ENOTTY;

	if (cmd == VFIO_DEVICE_RESET && !ret)
		mdevfw_mig_reset(v->mdev);
	return ret;
}

/*
 * vfio calls it while an unregister waits for a holder of the device
 * file: at once, then every 10 s. A detach (port del) learns from the
 * first call that someone holds the device, and stops waiting for the
 * unregister; the vendor's request, while the device is open (opens
 * only go down now), asks the user to let go.
 */
static void mdevfw_vfio_request(struct vfio_device *vdev, unsigned int count)
{
	struct mdevfw_vfio *v = to_mdevfw_vfio(vdev);

	/* Once per unregister: its first call says someone holds it. */
	if (!count)
		complete(&v->mdev->vfio_decided);
	/* The holder of a file never opened has nothing to signal with. */
	if (v->ops->request && READ_ONCE(v->mdev->vfio_open))
		v->ops->request(vdev, count);
}

/*
 * At the final put of the VFIO device, which can come after the mdev,
 * its parent and the unplug are gone (the last fput of a device file).
 * vfio read device->ops->release from drv->vfio_wrapped to get here and
 * reads it no more after: the driver's unregister frees that table only
 * once every device using it has been released.
 */
static void mdevfw_vfio_release(struct vfio_device *vdev)
{
	struct mdevfw_driver *drv = to_mdevfw_vfio(vdev)->drv;

	/* Before 6.2 the release frees the device (mdevfw_compat.h). */
	mdevfw_vfio_release_free(vdev);
	if (atomic_dec_and_test(&drv->vfio_devs))
		complete(&drv->vfio_released);
}

/**
 * mdevfw_vfio_driver_init() - prepare the operations a driver registers
 * @drv: a driver being registered; nothing to do without ->vfio_ops
 *
 * Return: 0, -EINVAL if the vendor set an operation the framework owns
 * or left out one of its migration operations, or -ENOMEM.
 */
int mdevfw_vfio_driver_init(struct mdevfw_driver *drv)
{
	const struct vfio_device_ops *ops = drv->vfio_ops;
	struct vfio_device_ops *w;

	if (!ops)
		return 0;
	if (WARN_ON(ops->init || ops->release || mdevfw_vfio_ops_iommufd(ops)))
		return -EINVAL;
	if (drv->mig_ops &&
	    WARN_ON(!drv->mig_ops->state_size || !drv->mig_ops->save ||
		    !drv->mig_ops->load || !drv->mig_ops->stop))
		return -EINVAL;
	w = kmemdup(ops, sizeof(*ops), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->release = mdevfw_vfio_release;
	w->open_device = mdevfw_vfio_open_device;
	w->close_device = mdevfw_vfio_close_device;
	w->request = mdevfw_vfio_request;
	mdevfw_vfio_ops_set_iommufd(w);
	if (drv->mig_ops)
		w->ioctl = mdevfw_vfio_ioctl;
	drv->vfio_wrapped = w;
	atomic_set(&drv->vfio_devs, 1);
	init_completion(&drv->vfio_released);
	return 0;
}

/* Waits for the final put of every VFIO device the driver registered. */
void mdevfw_vfio_driver_exit(struct mdevfw_driver *drv)
{
	might_sleep();
	if (!drv->vfio_wrapped)
		return;
	if (!atomic_dec_and_test(&drv->vfio_devs))
		wait_for_completion(&drv->vfio_released);
	kfree(drv->vfio_wrapped);
	drv->vfio_wrapped = NULL;
}

/*
 * After the driver's probe, with the lifecycle lock held: registers the
 * VFIO device, which makes the mdev's iommu_group and /dev/vfio node.
 */
int mdevfw_vfio_register_locked(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;
	struct mdevfw_driver *drv = parent->ops->driver;
	struct mdevfw_vfio *v;
	int ret;

	mdevfw_assert_locked(parent);
	init_completion(&mdev->vfio_gone);
	init_completion(&mdev->vfio_decided);
	if (!drv->vfio_wrapped)
		return 0;
	/* mdevfw_parent_vfio_unplug() has started: the parent is going. */
	if (parent->vfio_closing)
		return -ENODEV;

	v = vfio_alloc_device(mdevfw_vfio, vdev, &mdev->dev, drv->vfio_wrapped);
	if (IS_ERR(v))
		return PTR_ERR(v);
	v->mdev = mdev;
	v->ops = drv->vfio_ops;
	v->drv = drv;
	atomic_inc(&drv->vfio_devs);
	ret = mdevfw_mig_init(mdev, &v->vdev);
	if (ret) {
		vfio_put_device(&v->vdev);
		return ret;
	}

	/*
	 * LIVE only once registered: sysfs "remove" may already run (the
	 * mdev's files exist) and unplugs only a LIVE device; an open before
	 * that gets -ENODEV, and create has not returned yet.
	 */
	ret = vfio_register_emulated_iommu_dev(&v->vdev);
	if (ret) {
		/* Never registered: nobody could open it. */
		mdevfw_mig_exit(mdev);
		vfio_put_device(&v->vdev);
		return ret;
	}
	raw_spin_lock_irq(&parent->open_lock);
	mdev->vfio = v;
	mdev->vfio_state = MDEVFW_VFIO_LIVE;
	raw_spin_unlock_irq(&parent->open_lock);
	return 0;
}

/* The state is UNPLUGGING or REVOKED, set by the caller: unregister. */
static void mdevfw_vfio_unregister(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;
	struct mdevfw_vfio *v = mdev->vfio;

	/* Waits for the user, calling the vendor's request meanwhile. */
	vfio_unregister_group_dev(&v->vdev);
	mdevfw_mig_exit(mdev);
	raw_spin_lock_irq(&parent->open_lock);
	WARN_ON(mdev->vfio_open);
	mdev->vfio = NULL;
	mdev->vfio_state = MDEVFW_VFIO_GONE;
	raw_spin_unlock_irq(&parent->open_lock);
	vfio_put_device(&v->vdev);
	complete_all(&mdev->vfio_gone);
}

/**
 * mdevfw_vfio_unplug() - unregister an mdev's VFIO device, waiting for its user
 * @mdev: an mdev the caller holds a reference on
 *
 * Blocks until user space has closed the device; vfio calls the vendor's
 * request operation meanwhile, which should ask the user to let go. A
 * second caller waits for the first. Returns at once for an mdev without
 * a VFIO device, or whose device is gone.
 *
 * Context: process context, no lifecycle lock, no SRCU read section, no
 * lock that another parent needs.
 */
void mdevfw_vfio_unplug(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;
	u8 state;

	might_sleep();
	mdevfw_assert_unlocked(parent);
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lockdep_assert_not_held(&mdevfw_srcu);
#endif
	raw_spin_lock_irq(&parent->open_lock);
	state = mdev->vfio_state;
	if (state == MDEVFW_VFIO_LIVE)
		mdev->vfio_state = MDEVFW_VFIO_UNPLUGGING;
	raw_spin_unlock_irq(&parent->open_lock);

	if (state == MDEVFW_VFIO_LIVE)
		mdevfw_vfio_unregister(mdev);
	else if (state != MDEVFW_VFIO_NONE)
		wait_for_completion(&mdev->vfio_gone);
}

/*
 * The unregister of a detach, in a kernel thread of its own with no lock
 * held. It completes vfio_decided when the unregister has returned, if
 * the request wrapper has not done so before (a holder). Then, if the
 * detacher left the removal to it (vfio_detached), it takes the
 * lifecycle lock and removes the mdev, unless something else removed it
 * meanwhile (sysfs remove, or the parent's unpublish). It holds a
 * reference on the mdev, one on the parent, whose lifecycle lock it
 * takes (mdevfw_parent_wait() waits for it), and one on this module,
 * whose code it runs until it exits.
 */
static int mdevfw_vfio_detach_thread(void *data)
{
	struct mdevfw_device *mdev = data;
	struct mdevfw_parent *parent = mdev->parent;

	mdevfw_assert_unlocked(parent);
	mdevfw_vfio_unregister(mdev);
	complete(&mdev->vfio_decided);

	if (!mdevfw_lock_live(parent)) {
		if (mdev->active && mdev->vfio_detached)
			mdevfw_device_remove_locked(mdev);
		mdevfw_unlock(parent);
	}
	put_device(&mdev->dev);
	mdevfw_parent_put(parent);
	module_put_and_kthread_exit(0);
}

/**
 * mdevfw_vfio_unplugging() - whether a removal waits for an mdev's VFIO user
 * @mdev: a live mdev
 *
 * For a message only: true once an unplug (sysfs remove) has started
 * on the VFIO device, which a detach then refuses with -EBUSY.
 *
 * Context: any; takes parent->open_lock.
 * Return: true if the VFIO device is being unplugged, or gone.
 */
bool mdevfw_vfio_unplugging(struct mdevfw_device *mdev)
{
	unsigned long flags;
	bool ret;

	raw_spin_lock_irqsave(&mdev->parent->open_lock, flags);
	ret = mdev->vfio_state == MDEVFW_VFIO_UNPLUGGING ||
	      mdev->vfio_state == MDEVFW_VFIO_GONE;
	raw_spin_unlock_irqrestore(&mdev->parent->open_lock, flags);
	return ret;
}

/* Under open_lock: 0 if @mdev's VFIO device may be detached now. */
static int mdevfw_vfio_may_detach(struct mdevfw_device *mdev)
{
	lockdep_assert_held(&mdev->parent->open_lock);
	if (mdev->vfio_state == MDEVFW_VFIO_UNPLUGGING || mdev->vfio_open)
		return -EBUSY;
	return 0;
}

/**
 * mdevfw_vfio_detach_locked() - unregister an mdev's VFIO device, never waiting for its user
 * @mdev: a live mdev
 *
 * For removals that hold the lifecycle lock (devlink port del): refuses
 * while the device is open, or while a remove waits for its user;
 * otherwise refuses every new open and unregisters the device from a
 * kernel thread, with no lock held. It waits only until that thread knows
 * whether a process holds the device file, which takes no action of
 * user space: vfio calls the request operation at once if one does.
 *
 * Context: the lifecycle lock is held.
 * Return: 0 once the VFIO device is gone (or for an mdev without one);
 * -EBUSY while it is open or a remove waits for its user; -ENOMEM (or
 * another error of kthread_create()) if no thread could be made;
 * -EINPROGRESS
 * while a process holds its file without having opened the device (a
 * VFIO cdev not bound): the device is unregistered when that file is
 * closed, and the caller sets mdev->vfio_detached to leave the removal to
 * the thread.
 */
int mdevfw_vfio_detach_locked(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;
	struct task_struct *t;
	int ret;
	u8 state;

	might_sleep();
	mdevfw_assert_locked(parent);
	/* Under the lifecycle lock, only an unplug leaves LIVE. */
	raw_spin_lock_irq(&parent->open_lock);
	state = mdev->vfio_state;
	ret = mdevfw_vfio_may_detach(mdev);
	raw_spin_unlock_irq(&parent->open_lock);
	if (ret || state != MDEVFW_VFIO_LIVE)
		return ret;

	/* Made before the state changes: a failure leaves it LIVE. */
	t = kthread_create(mdevfw_vfio_detach_thread, mdev, "mdevfw-detach");
	if (IS_ERR(t))
		return PTR_ERR(t);

	raw_spin_lock_irq(&parent->open_lock);
	state = mdev->vfio_state;
	ret = mdevfw_vfio_may_detach(mdev);
	if (!ret && state == MDEVFW_VFIO_LIVE)
		mdev->vfio_state = MDEVFW_VFIO_UNPLUGGING;
	raw_spin_unlock_irq(&parent->open_lock);
	if (ret || state != MDEVFW_VFIO_LIVE) {
		/* Never woken: its function does not run. */
		kthread_stop(t);
		return ret;
	}

	/* For the thread: all are put at its end. */
	__module_get(THIS_MODULE);
	get_device(&mdev->dev);
	kref_get(&parent->ref);
	reinit_completion(&mdev->vfio_decided);
	wake_up_process(t);
	/* Kernel work only: the unregister returns, or vfio calls request. */
	wait_for_completion(&mdev->vfio_decided);

	raw_spin_lock_irq(&parent->open_lock);
	state = mdev->vfio_state;
	raw_spin_unlock_irq(&parent->open_lock);
	return state == MDEVFW_VFIO_GONE ? 0 : -EINPROGRESS;
}

/*
 * From mdevfw_device_remove_locked(), before the driver's remove. The
 * front doors have unplugged or detached the device already; one that
 * nobody has open is unregistered here at once (a vendor's own removal
 * under the lock, create's error path); a device still open or being
 * unplugged here is
 * a vendor that did not call mdevfw_parent_vfio_unplug() before
 * unpublishing, and this then waits under the lock, with a warning.
 */
void mdevfw_vfio_remove_locked(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;
	u8 state;

	mdevfw_assert_locked(parent);
	raw_spin_lock_irq(&parent->open_lock);
	state = mdev->vfio_state;
	if (state == MDEVFW_VFIO_LIVE)
		mdev->vfio_state = MDEVFW_VFIO_REVOKED;
	raw_spin_unlock_irq(&parent->open_lock);

	switch (state) {
	case MDEVFW_VFIO_LIVE:
		WARN(READ_ONCE(mdev->vfio_open),
		     "mdevfw: %s: VFIO device open at remove: call mdevfw_parent_vfio_unplug() first\n",
		     dev_name(&mdev->dev));
		fallthrough;
	case MDEVFW_VFIO_REVOKED:
		mdevfw_vfio_unregister(mdev);
		break;
	case MDEVFW_VFIO_UNPLUGGING:
		WARN(1, "mdevfw: %s: removed while its VFIO user is waited for\n",
		     dev_name(&mdev->dev));
		wait_for_completion(&mdev->vfio_gone);
		break;
	default:
		break;
	}
}
