// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal parent for the selftests: no devlink (its lifecycle lock is
 * the parent's own mutex), per-type limits, an "available" callback, a
 * probe that can be told to fail, and types added and removed at runtime
 * through /sys/devices/mdevfw_tp0/types:
 *
 *   echo +NAME > types     add type NAME (at most 2 instances)
 *   echo -NAME > types     remove it: -EBUSY while it has mdevs
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <mdevfw.h>

static int probe_err;
module_param(probe_err, int, 0644);
MODULE_PARM_DESC(probe_err, "errno the mdev probe returns (0: succeed)");

static unsigned int b_avail = 3;
module_param(b_avail, uint, 0644);
MODULE_PARM_DESC(b_avail, "what type b's available callback reports");

struct tp_type {
	struct list_head node;
	struct mdevfw_type *type;
	struct mdevfw_type_info info;
	char name[16];
};

static struct device *tp_dev;
static struct mdevfw_parent tp_parent;
static LIST_HEAD(tp_types);	/* under the lifecycle lock */

static unsigned int tp_b_available(struct mdevfw_type *type)
{
	return READ_ONCE(b_avail);
}

static int tp_probe(struct mdevfw_device *mdev)
{
	mdevfw_assert_locked(mdev->parent);
	return READ_ONCE(probe_err);
}

static void tp_remove(struct mdevfw_device *mdev)
{
	mdevfw_assert_locked(mdev->parent);
}

static struct mdevfw_driver tp_driver = {
	.probe = tp_probe,
	.remove = tp_remove,
	.driver.name = "mdevfw_tp",
};

static const struct mdevfw_parent_ops tp_ops = {
	.driver = &tp_driver,
};

static int tp_type_add_locked(const char *name, unsigned int max,
			      unsigned int (*available)(struct mdevfw_type *))
{
	struct tp_type *t;

	list_for_each_entry(t, &tp_types, node)
		if (!strcmp(t->name, name))
			return -EEXIST;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	strscpy(t->name, name, sizeof(t->name));
	t->info.sysfs_name = t->name;
	t->info.device_api = "vfio-pci";
	t->info.max_instances = max;
	t->info.available = available;
	t->type = mdevfw_type_add_locked(&tp_parent, &t->info, t);
	if (IS_ERR(t->type)) {
		int ret = PTR_ERR(t->type);

		kfree(t);
		return ret;
	}
	list_add_tail(&t->node, &tp_types);
	return 0;
}

static int tp_type_remove_locked(const char *name)
{
	struct tp_type *t;
	int ret;

	list_for_each_entry(t, &tp_types, node) {
		if (strcmp(t->name, name))
			continue;
		ret = mdevfw_type_remove_locked(t->type);
		if (ret)
			return ret;
		list_del(&t->node);
		kfree(t);
		return 0;
	}
	return -ENOENT;
}

/*
 * This file belongs to the parent's device and is removed only after the
 * parent is unregistered, outside the lifecycle lock, so its handler may
 * block on that lock.
 */
static ssize_t types_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	char name[16];
	int ret;

	if (count < 2 || count > sizeof(name) || (buf[0] != '+' && buf[0] != '-'))
		return -EINVAL;
	strscpy(name, buf + 1, sizeof(name));
	strim(name);
	if (!name[0])
		return -EINVAL;
	mdevfw_lock(&tp_parent);
	if (buf[0] == '+')
		ret = tp_type_add_locked(name, 2, NULL);
	else
		ret = tp_type_remove_locked(name);
	mdevfw_unlock(&tp_parent);
	return ret ?: count;
}
static DEVICE_ATTR_WO(types);

static void tp_types_free(void)
{
	struct tp_type *t, *tmp;

	/* The framework removed the types themselves at unregister. */
	list_for_each_entry_safe(t, tmp, &tp_types, node) {
		list_del(&t->node);
		kfree(t);
	}
}

static int __init tp_init(void)
{
	int ret;

	ret = mdevfw_register_driver(&tp_driver);
	if (ret)
		return ret;
	tp_dev = root_device_register("mdevfw_tp0");
	if (IS_ERR(tp_dev)) {
		ret = PTR_ERR(tp_dev);
		goto err_driver;
	}
	ret = mdevfw_parent_init(&tp_parent, tp_dev, &tp_ops, 0);
	if (ret)
		goto err_dev;

	mdevfw_lock(&tp_parent);
	ret = tp_type_add_locked("a", 2, NULL);
	if (!ret)
		ret = tp_type_add_locked("b", 0, tp_b_available);
	if (!ret)
		ret = mdevfw_parent_register_locked(&tp_parent);
	mdevfw_unlock(&tp_parent);
	if (ret)
		goto err_wait;
	ret = device_create_file(tp_dev, &dev_attr_types);
	if (ret)
		goto err_unregister;
	return 0;

err_unregister:
	mdevfw_lock(&tp_parent);
	mdevfw_parent_unpublish_locked(&tp_parent);
	mdevfw_unlock(&tp_parent);
err_wait:
	mdevfw_parent_wait(&tp_parent);
	tp_types_free();
err_dev:
	root_device_unregister(tp_dev);
err_driver:
	mdevfw_unregister_driver(&tp_driver);
	return ret;
}

static void __exit tp_exit(void)
{
	device_remove_file(tp_dev, &dev_attr_types);
	mdevfw_parent_unregister(&tp_parent);
	tp_types_free();
	root_device_unregister(tp_dev);
	mdevfw_unregister_driver(&tp_driver);
}

module_init(tp_init);
module_exit(tp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdevfw: a minimal parent without devlink, for the selftests");
MDEVFW_IMPORT_NS();
