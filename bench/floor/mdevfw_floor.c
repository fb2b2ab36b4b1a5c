// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmarks' floor: what the driver core alone costs for one
 * create+remove cycle through sysfs.
 *
 * A minimal bus, "mdevfw_floor", and a root device with a type-like
 * kobject whose "create" file registers a bare device named by the
 * written UUID. Each device's own "remove" file unregisters it, after
 * device_remove_file_self(), as mdevfw's does:
 *
 *   /sys/devices/mdevfw_floor/types/x/create        (a kobject attribute)
 *   /sys/bus/mdevfw_floor/devices/<uuid>/remove      (a device attribute)
 *
 * So a cycle is the same two sysfs writes as one of mdevfw's. Two more
 * types add, one at a time, what mdevfw does beyond that, for the
 * breakdown in Documentation/benchmarks.rst:
 *
 *   types/links/create   also the two symlinks of an mdev (mdev_type, and
 *                        the type's devices/ entry)
 *   types/bind/create    also a driver bound to each device
 *                        (device_driver_attach), as mdevfw binds its own
 *
 * The bus never matches a driver by itself, as mdevfw's does not.
 */
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <mdevfw_compat.h>
#include <linux/uuid.h>

struct floor_type {
	const char *name;
	bool links;
	bool bind;
	struct kobject *kobj;
	struct kobject *devices;
};

static struct floor_type floor_kinds[] = {
	{ .name = "x" },
	{ .name = "links", .links = true },
	{ .name = "bind", .links = true, .bind = true },
};

struct floor_dev {
	struct device dev;
	struct list_head node;
	struct floor_type *linked;
};

static struct device *floor_root;
static struct kobject *floor_types;
/* Guards floor_devs, so remove and module exit never race on a device. */
static DEFINE_MUTEX(floor_lock);
static LIST_HEAD(floor_devs);

static void floor_dev_release(struct device *dev)
{
	kfree(container_of(dev, struct floor_dev, dev));
}

static void floor_dev_del_locked(struct floor_dev *fd)
{
	lockdep_assert_held(&floor_lock);
	list_del_init(&fd->node);
	if (fd->linked) {
		sysfs_remove_link(fd->linked->devices, dev_name(&fd->dev));
		sysfs_remove_link(&fd->dev.kobj, "mdev_type");
	}
	device_unregister(&fd->dev);
}

static ssize_t remove_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct floor_dev *fd = container_of(dev, struct floor_dev, dev);
	unsigned long val;

	if (kstrtoul(buf, 0, &val) < 0)
		return -EINVAL;
	if (!val)
		return count;
	get_device(dev);
	if (device_remove_file_self(dev, attr)) {
		mutex_lock(&floor_lock);
		if (!list_empty(&fd->node))
			floor_dev_del_locked(fd);
		mutex_unlock(&floor_lock);
	}
	put_device(dev);
	return count;
}
static DEVICE_ATTR_WO(remove);

static struct attribute *floor_dev_attrs[] = {
	&dev_attr_remove.attr,
	NULL,
};
ATTRIBUTE_GROUPS(floor_dev);

static int floor_match(struct device *dev,
		       MDEVFW_CONST_MATCH_DRV struct device_driver *drv)
{
	return 0;
}

static MDEVFW_BUS_TYPE floor_bus = {
	.name = "mdevfw_floor",
	.match = floor_match,
	.dev_groups = floor_dev_groups,
};

static int floor_probe(struct device *dev)
{
	return 0;
}

static struct device_driver floor_driver = {
	.name = "mdevfw_floor",
	.bus = &floor_bus,
	.probe = floor_probe,
	.suppress_bind_attrs = true,
};

static ssize_t create_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	struct floor_type *type = NULL;
	struct floor_dev *fd;
	guid_t uuid;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(floor_kinds); i++)
		if (floor_kinds[i].kobj == kobj)
			type = &floor_kinds[i];
	if (WARN_ON(!type))
		return -ENODEV;
	if (count != UUID_STRING_LEN &&
	    !(count == UUID_STRING_LEN + 1 && buf[UUID_STRING_LEN] == '\n'))
		return -EINVAL;
	if (guid_parse(buf, &uuid))
		return -EINVAL;

	fd = kzalloc(sizeof(*fd), GFP_KERNEL);
	if (!fd)
		return -ENOMEM;
	INIT_LIST_HEAD(&fd->node);
	device_initialize(&fd->dev);
	fd->dev.parent = floor_root;
	fd->dev.bus = &floor_bus;
	fd->dev.release = floor_dev_release;
	ret = dev_set_name(&fd->dev, "%pUl", &uuid);
	if (ret)
		goto err_put;

	mutex_lock(&floor_lock);
	ret = device_add(&fd->dev);
	if (ret)
		goto err_unlock;
	if (type->links) {
		ret = sysfs_create_link(&fd->dev.kobj, type->kobj, "mdev_type");
		if (ret)
			goto err_del;
		ret = sysfs_create_link(type->devices, &fd->dev.kobj,
					dev_name(&fd->dev));
		if (ret) {
			sysfs_remove_link(&fd->dev.kobj, "mdev_type");
			goto err_del;
		}
		fd->linked = type;
	}
	if (type->bind) {
		ret = device_driver_attach(&floor_driver, &fd->dev);
		if (ret) {
			list_add(&fd->node, &floor_devs);
			floor_dev_del_locked(fd);
			mutex_unlock(&floor_lock);
			return ret;
		}
	}
	list_add(&fd->node, &floor_devs);
	mutex_unlock(&floor_lock);
	return count;

err_del:
	device_del(&fd->dev);
err_unlock:
	mutex_unlock(&floor_lock);
err_put:
	put_device(&fd->dev);
	return ret;
}

static struct kobj_attribute create_attr = __ATTR_WO(create);

static void floor_devs_del_all(void)
{
	struct floor_dev *fd, *tmp;

	mutex_lock(&floor_lock);
	list_for_each_entry_safe(fd, tmp, &floor_devs, node)
		floor_dev_del_locked(fd);
	mutex_unlock(&floor_lock);
}

static void floor_types_del(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(floor_kinds); i++) {
		struct floor_type *type = &floor_kinds[i];

		/* Removing the create file waits for its writers. */
		if (type->kobj)
			sysfs_remove_file(type->kobj, &create_attr.attr);
	}
	floor_devs_del_all();
	for (i = 0; i < ARRAY_SIZE(floor_kinds); i++) {
		kobject_put(floor_kinds[i].devices);
		kobject_put(floor_kinds[i].kobj);
		floor_kinds[i].devices = NULL;
		floor_kinds[i].kobj = NULL;
	}
}

static int floor_type_add(struct floor_type *type)
{
	type->kobj = kobject_create_and_add(type->name, floor_types);
	if (!type->kobj)
		return -ENOMEM;
	type->devices = kobject_create_and_add("devices", type->kobj);
	if (!type->devices)
		return -ENOMEM;
	return sysfs_create_file(type->kobj, &create_attr.attr);
}

static int __init floor_init(void)
{
	int i, ret;

	ret = bus_register(&floor_bus);
	if (ret)
		return ret;
	ret = driver_register(&floor_driver);
	if (ret)
		goto err_bus;
	floor_root = root_device_register("mdevfw_floor");
	if (IS_ERR(floor_root)) {
		ret = PTR_ERR(floor_root);
		goto err_driver;
	}
	floor_types = kobject_create_and_add("types", &floor_root->kobj);
	if (!floor_types) {
		ret = -ENOMEM;
		goto err_root;
	}
	for (i = 0; i < ARRAY_SIZE(floor_kinds); i++) {
		ret = floor_type_add(&floor_kinds[i]);
		if (ret)
			goto err_types;
	}
	return 0;

err_types:
	floor_types_del();
	kobject_put(floor_types);
err_root:
	root_device_unregister(floor_root);
err_driver:
	driver_unregister(&floor_driver);
err_bus:
	bus_unregister(&floor_bus);
	return ret;
}

static void __exit floor_exit(void)
{
	floor_types_del();
	kobject_put(floor_types);
	root_device_unregister(floor_root);
	driver_unregister(&floor_driver);
	bus_unregister(&floor_bus);
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdevfw benchmarks: a bare device per sysfs write, the driver core's floor");
