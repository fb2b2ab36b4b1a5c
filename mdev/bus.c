// SPDX-License-Identifier: GPL-2.0
/*
 * The "mdev" bus. Drivers never bind by matching: create binds the
 * parent's driver explicitly, with the lifecycle lock held, so probe and
 * remove always run under it. Sysfs bind and unbind are suppressed for the
 * same reason.
 */
#include <linux/module.h>
#include "../core/core.h"

static inline struct mdevfw_driver *to_mdevfw_driver(const struct device_driver *drv)
{
	return container_of(drv, struct mdevfw_driver, driver);
}

static int mdevfw_bus_match(struct device *dev,
			    MDEVFW_CONST_MATCH_DRV struct device_driver *drv)
{
	/* Every binding is explicit: see mdevfw_device_create_locked(). */
	return 0;
}

static int mdevfw_bus_probe(struct device *dev)
{
	struct mdevfw_device *mdev = to_mdevfw_device(dev);
	struct mdevfw_driver *drv = to_mdevfw_driver(dev->driver);

	mdevfw_assert_locked(mdev->parent);
	return drv->probe ? drv->probe(mdev) : 0;
}

static void mdevfw_bus_remove(struct device *dev)
{
	struct mdevfw_device *mdev = to_mdevfw_device(dev);
	struct mdevfw_driver *drv = to_mdevfw_driver(dev->driver);

	mdevfw_assert_locked(mdev->parent);
	if (drv->remove)
		drv->remove(mdev);
}

static int mdevfw_bus_uevent(MDEVFW_CONST_UEVENT_DEV struct device *dev,
			     struct kobj_uevent_env *env)
{
	const struct mdevfw_device *mdev =
		container_of(dev, struct mdevfw_device, dev);
	int ret;

	ret = add_uevent_var(env, "MDEV_TYPE=%s",
			     kobject_name(&mdev->type->kobj));
	if (!ret && dev->parent)
		ret = add_uevent_var(env, "MDEV_PARENT=%s",
				     dev_name(dev->parent));
	if (!ret && mdev->alias[0])
		ret = add_uevent_var(env, "MDEV_ALIAS=%s", mdev->alias);
	return ret;
}

MDEVFW_BUS_TYPE mdevfw_bus_type = {
	.name = MDEVFW_BUS_NAME,
	.match = mdevfw_bus_match,
	.probe = mdevfw_bus_probe,
	.remove = mdevfw_bus_remove,
	.uevent = mdevfw_bus_uevent,
	.dev_groups = mdevfw_device_groups,
};

/**
 * __mdevfw_register_driver() - register the driver of a parent's mdevs
 * @drv: the driver, with .driver.name set
 * @owner: the module that owns it; use mdevfw_register_driver()
 *
 * Return: 0; -EINVAL if @drv->vfio_ops sets an operation the framework
 * owns; -EOPNOTSUPP if it is set and the kernel has no VFIO; -ENOMEM; or a
 * driver_register() error.
 */
int __mdevfw_register_driver(struct mdevfw_driver *drv, struct module *owner)
{
	int ret;

	if (WARN_ON(!drv->driver.name))
		return -EINVAL;
	drv->driver.bus = &mdevfw_bus_type;
	drv->driver.owner = owner;
	drv->driver.suppress_bind_attrs = true;
	ret = mdevfw_vfio_driver_init(drv);
	if (ret)
		return ret;
	ret = driver_register(&drv->driver);
	if (ret)
		mdevfw_vfio_driver_exit(drv);
	return ret;
}
EXPORT_SYMBOL_MDEVFW(__mdevfw_register_driver);

/**
 * mdevfw_unregister_driver() - unregister a driver of mdevs
 * @drv: the driver
 *
 * Every parent that uses @drv must have been unregistered first: an mdev
 * still bound here would be removed outside its lifecycle lock.
 */
void mdevfw_unregister_driver(struct mdevfw_driver *drv)
{
	driver_unregister(&drv->driver);
	mdevfw_vfio_driver_exit(drv);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_unregister_driver);
