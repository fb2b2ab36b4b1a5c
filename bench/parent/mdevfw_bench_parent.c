// SPDX-License-Identifier: GPL-2.0
/*
 * A parent for the benchmarks: one type without ports ("x": pool_cost 0,
 * no instance limit that matters), no vendor attributes, no devlink, so a
 * create makes no char device and the framework's own cost is what is
 * measured. Parents come and go at runtime, each a root device:
 *
 *   echo ID > /sys/devices/mdevfw_bench/new_parent   parent mdevfw_bench<ID>
 *   echo ID > /sys/devices/mdevfw_bench/new_slow_parent
 *                      the same, with a second type "slow" whose
 *                      description handler sleeps slow_ms (a module
 *                      parameter, default 1000)
 *   echo ID > /sys/devices/mdevfw_bench/del_parent   unregister it
 *   cat /sys/devices/mdevfw_bench/last_unregister    "UNPUBLISH_NS WAIT_NS"
 *   cat /sys/devices/mdevfw_bench/slow_readers       handlers asleep now
 *
 * last_unregister splits the last del_parent into its two halves: the
 * unpublish under the lifecycle lock (removes every mdev) and the wait
 * for SRCU readers and references. The slow type is for the case of a
 * vendor handler of one parent that sleeps while another parent goes.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <mdevfw.h>

struct bench_parent {
	struct list_head node;
	struct device *dev;
	struct mdevfw_parent parent;
	unsigned int id;
};

static struct device *bench_root;
/* Serialises new_parent, del_parent and module exit. */
static DEFINE_MUTEX(bench_lock);
static LIST_HEAD(bench_parents);
static u64 bench_unpublish_ns, bench_wait_ns;
static atomic_t bench_slow_readers = ATOMIC_INIT(0);

static unsigned int slow_ms = 1000;
module_param(slow_ms, uint, 0644);
MODULE_PARM_DESC(slow_ms, "how long the slow type's description handler sleeps");

static int bench_probe(struct mdevfw_device *mdev)
{
	return 0;
}

static void bench_remove(struct mdevfw_device *mdev)
{
}

static struct mdevfw_driver bench_driver = {
	.probe = bench_probe,
	.remove = bench_remove,
	.driver.name = "mdevfw_bench",
};

static const struct mdevfw_parent_ops bench_ops = {
	.driver = &bench_driver,
};

static const struct mdevfw_type_info bench_type = {
	.sysfs_name = "x",
	.pretty_name = "No ports",
	.device_api = "vfio-pci",
	.pool_cost = 0,
	.max_instances = 1U << 30,
};

/* A vendor handler that takes its time, as one waiting for hardware. */
static ssize_t bench_slow_description(struct mdevfw_type *type, char *buf)
{
	atomic_inc(&bench_slow_readers);
	msleep(READ_ONCE(slow_ms));
	atomic_dec(&bench_slow_readers);
	return sysfs_emit(buf, "slept %u ms\n", READ_ONCE(slow_ms));
}

static const struct mdevfw_type_info bench_slow_type = {
	.sysfs_name = "slow",
	.pretty_name = "A slow description",
	.device_api = "vfio-pci",
	.description = bench_slow_description,
	.pool_cost = 0,
	.max_instances = 1,
};

static struct bench_parent *bench_find_locked(unsigned int id)
{
	struct bench_parent *bp;

	lockdep_assert_held(&bench_lock);
	list_for_each_entry(bp, &bench_parents, node)
		if (bp->id == id)
			return bp;
	return NULL;
}

static int bench_parent_new_locked(unsigned int id, bool slow)
{
	struct bench_parent *bp;
	struct mdevfw_type *type;
	char name[32];
	int ret;

	lockdep_assert_held(&bench_lock);
	if (bench_find_locked(id))
		return -EEXIST;
	bp = kzalloc(sizeof(*bp), GFP_KERNEL);
	if (!bp)
		return -ENOMEM;
	bp->id = id;
	snprintf(name, sizeof(name), "mdevfw_bench%u", id);
	bp->dev = root_device_register(name);
	if (IS_ERR(bp->dev)) {
		ret = PTR_ERR(bp->dev);
		kfree(bp);
		return ret;
	}
	ret = mdevfw_parent_init(&bp->parent, bp->dev, &bench_ops, 0);
	if (ret)
		goto err_dev;

	mdevfw_lock(&bp->parent);
	type = mdevfw_type_add_locked(&bp->parent, &bench_type, bp);
	ret = PTR_ERR_OR_ZERO(type);
	if (!ret && slow) {
		type = mdevfw_type_add_locked(&bp->parent, &bench_slow_type, bp);
		ret = PTR_ERR_OR_ZERO(type);
	}
	if (!ret)
		ret = mdevfw_parent_register_locked(&bp->parent);
	mdevfw_unlock(&bp->parent);
	if (ret) {
		mdevfw_parent_wait(&bp->parent);
		goto err_dev;
	}
	list_add_tail(&bp->node, &bench_parents);
	return 0;

err_dev:
	root_device_unregister(bp->dev);
	kfree(bp);
	return ret;
}

static void bench_parent_del_locked(struct bench_parent *bp)
{
	ktime_t t0, t1, t2;

	lockdep_assert_held(&bench_lock);
	list_del(&bp->node);
	t0 = ktime_get();
	mdevfw_lock(&bp->parent);
	mdevfw_parent_unpublish_locked(&bp->parent);
	mdevfw_unlock(&bp->parent);
	t1 = ktime_get();
	mdevfw_parent_wait(&bp->parent);
	t2 = ktime_get();
	WRITE_ONCE(bench_unpublish_ns, ktime_to_ns(ktime_sub(t1, t0)));
	WRITE_ONCE(bench_wait_ns, ktime_to_ns(ktime_sub(t2, t1)));
	root_device_unregister(bp->dev);
	kfree(bp);
}

static ssize_t bench_new(const char *buf, size_t count, bool slow)
{
	unsigned int id;
	int ret;

	ret = kstrtouint(buf, 0, &id);
	if (ret)
		return ret;
	mutex_lock(&bench_lock);
	ret = bench_parent_new_locked(id, slow);
	mutex_unlock(&bench_lock);
	return ret ?: count;
}

static ssize_t new_parent_store(struct device *dev, struct device_attribute *attr,
				const char *buf, size_t count)
{
	return bench_new(buf, count, false);
}
static DEVICE_ATTR_WO(new_parent);

static ssize_t new_slow_parent_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	return bench_new(buf, count, true);
}
static DEVICE_ATTR_WO(new_slow_parent);

static ssize_t slow_readers_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&bench_slow_readers));
}
static DEVICE_ATTR_RO(slow_readers);

/*
 * This file belongs to the root device, not to a parent, so its handler
 * may wait for the parent's lifecycle lock and its readers.
 */
static ssize_t del_parent_store(struct device *dev, struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct bench_parent *bp;
	unsigned int id;
	int ret;

	ret = kstrtouint(buf, 0, &id);
	if (ret)
		return ret;
	mutex_lock(&bench_lock);
	bp = bench_find_locked(id);
	if (bp)
		bench_parent_del_locked(bp);
	mutex_unlock(&bench_lock);
	return bp ? count : -ENOENT;
}
static DEVICE_ATTR_WO(del_parent);

static ssize_t last_unregister_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu %llu\n", READ_ONCE(bench_unpublish_ns),
			  READ_ONCE(bench_wait_ns));
}
static DEVICE_ATTR_RO(last_unregister);

static struct attribute *bench_root_attrs[] = {
	&dev_attr_new_parent.attr,
	&dev_attr_new_slow_parent.attr,
	&dev_attr_del_parent.attr,
	&dev_attr_last_unregister.attr,
	&dev_attr_slow_readers.attr,
	NULL,
};

static const struct attribute_group bench_root_group = {
	.attrs = bench_root_attrs,
};

static int __init bench_init(void)
{
	int ret;

	ret = mdevfw_register_driver(&bench_driver);
	if (ret)
		return ret;
	bench_root = root_device_register("mdevfw_bench");
	if (IS_ERR(bench_root)) {
		ret = PTR_ERR(bench_root);
		goto err_driver;
	}
	ret = sysfs_create_group(&bench_root->kobj, &bench_root_group);
	if (ret)
		goto err_root;
	return 0;

err_root:
	root_device_unregister(bench_root);
err_driver:
	mdevfw_unregister_driver(&bench_driver);
	return ret;
}

static void __exit bench_exit(void)
{
	struct bench_parent *bp, *tmp;

	/* Removing the files waits for their writers. */
	sysfs_remove_group(&bench_root->kobj, &bench_root_group);
	mutex_lock(&bench_lock);
	list_for_each_entry_safe(bp, tmp, &bench_parents, node)
		bench_parent_del_locked(bp);
	mutex_unlock(&bench_lock);
	root_device_unregister(bench_root);
	mdevfw_unregister_driver(&bench_driver);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdevfw benchmarks: a parent with a type without ports");
MDEVFW_IMPORT_NS();
