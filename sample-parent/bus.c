// SPDX-License-Identifier: GPL-2.0
/*
 * The msample bus: PF devices made and destroyed at runtime, as netdevsim
 * does it.
 *
 *   echo "ID [PORTS]" > /sys/bus/msample/new_device
 *   echo "ID" > /sys/bus/msample/del_device
 *
 * PORTS is the size of the parent's serial port pool (default 24, as
 * mtty). The device is named msample<ID>; its probe makes the devlink
 * instance and registers the mdev parent.
 */
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include "sample.h"

static DEFINE_IDA(msample_ids);
/* Serialises new_device, del_device and module exit; outermost lock. */
static DEFINE_MUTEX(msample_devs_lock);
static LIST_HEAD(msample_devs);

/*
 * PFs whose memory is not freed yet. The last put of a PF comes from
 * devlink's RCU-deferred release, after del_device has returned, so
 * module exit waits for this to reach zero before its text goes.
 */
static atomic_t msample_live_devs = ATOMIC_INIT(0);

static void msample_bus_dev_release(struct device *dev)
{
	kfree(to_msample_bus_dev(dev));
	if (atomic_dec_and_test(&msample_live_devs))
		wake_up_var(&msample_live_devs);
}

static int msample_bus_probe(struct device *dev)
{
	struct msample_bus_dev *bdev = to_msample_bus_dev(dev);

	bdev->probe_err = msample_dev_probe(bdev);
	return bdev->probe_err;
}

static void msample_bus_remove(struct device *dev)
{
	msample_dev_remove(to_msample_bus_dev(dev));
}

static int msample_dev_new(unsigned int id, unsigned int ports)
{
	struct msample_bus_dev *bdev;
	int ret;

	lockdep_assert_held(&msample_devs_lock);
	bdev = kzalloc(sizeof(*bdev), GFP_KERNEL);
	if (!bdev)
		return -ENOMEM;
	/* The ID is free again at del_device, not at the (later) release. */
	ret = ida_alloc_range(&msample_ids, id, id, GFP_KERNEL);
	if (ret < 0) {
		kfree(bdev);
		return ret == -ENOSPC ? -EEXIST : ret;
	}
	atomic_inc(&msample_live_devs);
	bdev->dev.id = id;
	bdev->dev.bus = &msample_bus;
	bdev->dev.release = msample_bus_dev_release;
	bdev->ports = ports;
	bdev->probe_err = -ENODEV;
	device_initialize(&bdev->dev);
	ret = dev_set_name(&bdev->dev, MSAMPLE_NAME "%u", id);
	if (!ret)
		ret = device_add(&bdev->dev);
	if (!ret && bdev->probe_err) {
		ret = bdev->probe_err;
		device_del(&bdev->dev);
	}
	if (ret) {
		put_device(&bdev->dev);
		ida_free(&msample_ids, id);
		return ret;
	}
	list_add_tail(&bdev->list, &msample_devs);
	return 0;
}

static void msample_dev_del(struct msample_bus_dev *bdev)
{
	unsigned int id = bdev->dev.id;

	lockdep_assert_held(&msample_devs_lock);
	list_del(&bdev->list);
	device_unregister(&bdev->dev);
	ida_free(&msample_ids, id);
}

/*
 * Parses up to @max unsigned decimal numbers separated by blanks, with an
 * optional trailing newline. kstrtouint() refuses what does not fit, where
 * sscanf("%u") would wrap it. Returns how many, or -EINVAL.
 */
/*
 * Deletes a PF the caller holds a reference on, unless another delete got
 * there first (-ENOENT). Its VFIO users are waited for first, holding no
 * lock that another PF needs (Documentation/locking.rst, invariant 10).
 */
static int msample_dev_unplug_del(struct msample_bus_dev *bdev)
{
	struct msample_bus_dev *pos;
	int ret = -ENOENT;

	msample_dev_unplug(bdev);
	mutex_lock(&msample_devs_lock);
	list_for_each_entry(pos, &msample_devs, list) {
		if (pos == bdev) {
			msample_dev_del(bdev);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&msample_devs_lock);
	put_device(&bdev->dev);
	return ret;
}

static int msample_parse(const char *buf, size_t count, unsigned int *vals,
			 int max)
{
	char tok[12];
	int n = 0;

	while (count) {
		size_t len = 0;

		while (count && (*buf == ' ' || *buf == '\n'))
			buf++, count--;
		while (len < count && buf[len] != ' ' && buf[len] != '\n')
			len++;
		if (!len)
			break;
		if (n == max || len >= sizeof(tok))
			return -EINVAL;
		memcpy(tok, buf, len);
		tok[len] = '\0';
		if (kstrtouint(tok, 10, &vals[n++]))
			return -EINVAL;
		buf += len;
		count -= len;
	}
	return n ?: -EINVAL;
}

static ssize_t new_device_store(MDEVFW_BUS_TYPE *bus, const char *buf,
				size_t count)
{
	unsigned int v[2] = { 0, MSAMPLE_DEFAULT_PORTS };
	int ret;

	ret = msample_parse(buf, count, v, 2);
	if (ret < 0 || v[0] > INT_MAX || v[1] > MSAMPLE_MAX_PORTS) {
		pr_err_ratelimited(MSAMPLE_NAME ": new_device takes \"ID [PORTS]\", ID <= %d, PORTS <= %u\n",
				   INT_MAX, MSAMPLE_MAX_PORTS);
		return -EINVAL;
	}
	mutex_lock(&msample_devs_lock);
	ret = msample_dev_new(v[0], v[1]);
	mutex_unlock(&msample_devs_lock);
	if (ret == -EEXIST)
		pr_err_ratelimited(MSAMPLE_NAME ": new_device: " MSAMPLE_NAME "%u exists\n", v[0]);
	return ret ?: count;
}
static BUS_ATTR_WO(new_device);

static ssize_t del_device_store(MDEVFW_BUS_TYPE *bus, const char *buf,
				size_t count)
{
	struct msample_bus_dev *bdev;
	unsigned int id;
	int ret;

	if (msample_parse(buf, count, &id, 1) != 1) {
		pr_err_ratelimited(MSAMPLE_NAME ": del_device takes \"ID\"\n");
		return -EINVAL;
	}
	ret = -ENOENT;
	mutex_lock(&msample_devs_lock);
	list_for_each_entry(bdev, &msample_devs, list) {
		if (bdev->dev.id == id) {
			get_device(&bdev->dev);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&msample_devs_lock);
	if (!ret)
		ret = msample_dev_unplug_del(bdev);
	if (ret)
		pr_err_ratelimited(MSAMPLE_NAME ": del_device: no " MSAMPLE_NAME "%u\n", id);
	return ret ?: count;
}
static BUS_ATTR_WO(del_device);

static struct attribute *msample_bus_attrs[] = {
	&bus_attr_new_device.attr,
	&bus_attr_del_device.attr,
	NULL,
};
ATTRIBUTE_GROUPS(msample_bus);

MDEVFW_BUS_TYPE msample_bus = {
	.name = MSAMPLE_NAME,
	.bus_groups = msample_bus_groups,
	.probe = msample_bus_probe,
	.remove = msample_bus_remove,
};

static struct device_driver msample_bus_driver = {
	.name = MSAMPLE_NAME,
	.bus = &msample_bus,
	.owner = THIS_MODULE,
	.suppress_bind_attrs = true,
};

/*
 * Off for the fault-injection test on a kernel without its stack-trace
 * filter: a failure in vfio's group creation WARNs in vfio's error path.
 */
static bool vfio = true;
module_param(vfio, bool, 0444);
MODULE_PARM_DESC(vfio, "give each mdev a VFIO device, if the kernel has VFIO (default: on)");

static int __init msample_init(void)
{
	int ret;

	if (!vfio)
		msample_mdev_driver.vfio_ops = NULL;
	ret = msample_serial_init();
	if (ret)
		return ret;
	ret = mdevfw_register_driver(&msample_mdev_driver);
	if (ret)
		goto err_serial;
	ret = bus_register(&msample_bus);
	if (ret)
		goto err_mdev_driver;
	ret = driver_register(&msample_bus_driver);
	if (ret)
		goto err_bus;
	return 0;

err_bus:
	bus_unregister(&msample_bus);
err_mdev_driver:
	mdevfw_unregister_driver(&msample_mdev_driver);
err_serial:
	msample_serial_exit();
	return ret;
}

static void __exit msample_exit(void)
{
	struct msample_bus_dev *bdev;

	/* Parents with live mdevs and open ttys go the same way del_device does. */
	for (;;) {
		mutex_lock(&msample_devs_lock);
		bdev = list_first_entry_or_null(&msample_devs,
						struct msample_bus_dev, list);
		if (bdev)
			get_device(&bdev->dev);
		mutex_unlock(&msample_devs_lock);
		if (!bdev)
			break;
		msample_dev_unplug_del(bdev);
	}
	wait_var_event(&msample_live_devs, !atomic_read(&msample_live_devs));

	driver_unregister(&msample_bus_driver);
	bus_unregister(&msample_bus);
	mdevfw_unregister_driver(&msample_mdev_driver);
	msample_serial_exit();
}

module_init(msample_init);
module_exit(msample_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdevfw sample parent: virtual PFs with mtty-style serial mdevs");
MDEVFW_IMPORT_NS();
