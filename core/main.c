// SPDX-License-Identifier: GPL-2.0
/*
 * Module init and exit, and the state that is global to the framework:
 * the one SRCU domain, the lockdep map of sysfs handlers, the bus and the
 * mdev_bus class link directory.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include "core.h"

/*
 * One static domain for every parent: cleanup_srcu_struct() sleeps, so a
 * per-parent domain could not be torn down from a release function.
 */
DEFINE_SRCU(mdevfw_srcu);

#ifdef CONFIG_LOCKDEP
static struct lock_class_key mdevfw_active_key;
struct lockdep_map mdevfw_active_map =
	STATIC_LOCKDEP_MAP_INIT("mdevfw_sysfs_active", &mdevfw_active_key);
#endif

struct class_compat *mdevfw_class_compat;

/*
 * Upstream mdev.ko (loaded by kvmgt and vfio_ap) claims the same bus name.
 * bus_register() of a taken name dumps a stack before it fails, so look
 * first: /sys/bus is the kset that holds every bus, the platform bus's.
 */
static bool mdevfw_bus_taken(void)
{
	struct kset *platform = bus_get_kset(&platform_bus_type);
	struct kobject *kobj;

	if (!platform || !platform->kobj.kset)
		return false;
	kobj = kset_find_obj(platform->kobj.kset, MDEVFW_BUS_NAME);
	if (!kobj)
		return false;
	kobject_put(kobj);
	return true;
}

static int __init mdevfw_init(void)
{
	int ret;

	if (mdevfw_bus_taken()) {
		pr_err("mdevfw: the \"%s\" bus already exists (upstream mdev.ko is loaded?); unload it first\n",
		       MDEVFW_BUS_NAME);
		return -EBUSY;
	}
	ret = mdevfw_index_init();
	if (ret)
		return ret;
	ret = bus_register(&mdevfw_bus_type);
	if (ret)
		goto err_index;
	mdevfw_class_compat = class_compat_register(MDEVFW_CLASS_NAME);
	if (!mdevfw_class_compat) {
		ret = -ENOMEM;
		goto err_bus;
	}
	return 0;

err_bus:
	bus_unregister(&mdevfw_bus_type);
err_index:
	mdevfw_index_exit();
	return ret;
}

static void __exit mdevfw_exit(void)
{
	class_compat_unregister(mdevfw_class_compat);
	bus_unregister(&mdevfw_bus_type);
	mdevfw_index_exit();
	/* No detach thread runs: each holds a reference on this module. */
	/* Let any reader still inside finish before the module text goes. */
	synchronize_srcu(&mdevfw_srcu);
}

module_init(mdevfw_init);
module_exit(mdevfw_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdevfw: a mediated device framework for SR-IOV and SF parents");
MODULE_AUTHOR("The mdevfw authors");
