// SPDX-License-Identifier: GPL-2.0
/*
 * mtty-style types: one serial port or two, taken from the parent's pool
 * of ports, and the mdev driver that makes each mdev's ports.
 *
 * Type "msample-1" costs one port of the pool and "msample-2" two, so
 * available_instances of each reflects what the other consumed. The
 * framework does the accounting; the sample only states the costs.
 */
#include <linux/slab.h>
#include "sample.h"

static ssize_t msample_type_description(struct mdevfw_type *type, char *buf)
{
	const struct mdevfw_type_info *info = mdevfw_type_info(type);

	return sysfs_emit(buf, "virtual serial ports=%u, loopback\n",
			  info->pool_cost);
}

static const struct mdevfw_type_info msample_types[] = {
	{
		.sysfs_name = "1",
		.pretty_name = "Single port serial",
		.device_api = "vfio-pci",
		.pool_cost = 1,
		.description = msample_type_description,
		.migratable = true,
	},
	{
		.sysfs_name = "2",
		.pretty_name = "Dual port serial",
		.device_api = "vfio-pci",
		.pool_cost = 2,
		.description = msample_type_description,
		.migratable = true,
	},
};

int msample_types_add_locked(struct msample *ms)
{
	struct mdevfw_type *added[ARRAY_SIZE(msample_types)];
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(msample_types); i++) {
		added[i] = mdevfw_type_add_locked(&ms->parent, &msample_types[i],
						  ms);
		if (IS_ERR(added[i])) {
			ret = PTR_ERR(added[i]);
			while (i--)
				mdevfw_type_remove_locked(added[i]);
			return ret;
		}
	}
	return 0;
}

/* Vendor attribute: loopback, "1" echoes what is written, "0" drops it. */
static ssize_t loopback_show(struct mdevfw_device *mdev, char *buf)
{
	struct msample_mdev *sm = dev_get_drvdata(&mdev->dev);

	return sysfs_emit(buf, "%d\n", READ_ONCE(sm->loopback));
}

static ssize_t loopback_store(struct mdevfw_device *mdev, const char *buf,
			      size_t count)
{
	struct msample_mdev *sm = dev_get_drvdata(&mdev->dev);
	unsigned int i;
	bool on;

	if (kstrtobool(buf, &on)) {
		dev_err_ratelimited(&mdev->dev, "loopback takes 0 or 1\n");
		return -EINVAL;
	}
	WRITE_ONCE(sm->loopback, on);
	for (i = 0; i < sm->nports; i++)
		msample_port_set_loopback(sm->ports[i], on);
	return count;
}
static MDEVFW_DEVICE_ATTR_RW(loopback);

/* Read-only: the tty names, one per line, for scripts and the demo. */
static ssize_t ports_show(struct mdevfw_device *mdev, char *buf)
{
	struct msample_mdev *sm = dev_get_drvdata(&mdev->dev);
	unsigned int i;
	int len = 0;

	for (i = 0; i < sm->nports; i++)
		len += sysfs_emit_at(buf, len, "ttyMDEV%u\n",
				     sm->ports[i]->index);
	return len;
}
static MDEVFW_DEVICE_ATTR_RO(ports);

static struct attribute *msample_mdev_attrs[] = {
	&mdevfw_dev_attr_loopback.attr.attr,
	&mdevfw_dev_attr_ports.attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(msample_mdev);

/*
 * Whether new mdevs can live-migrate: the vendor's per-mdev say, through
 * mdevfw_device_set_migratable_locked() in probe (Documentation/sample.rst).
 */
static bool migratable = true;
module_param(migratable, bool, 0644);
MODULE_PARM_DESC(migratable, "new mdevs can live-migrate through VFIO (default: on)");

/* Runs with the lifecycle lock (the devlink instance lock) held. */
static int msample_mdev_probe(struct mdevfw_device *mdev)
{
	unsigned int nports = mdevfw_type_info(mdev->type)->pool_cost;
	struct msample_mdev *sm;
	unsigned int i;

	/* Before the VFIO device exists, it may change freely. */
	if (!READ_ONCE(migratable)) {
		int ret = mdevfw_device_set_migratable_locked(mdev, false);

		if (ret && ret != -EOPNOTSUPP)
			return ret;
	}

	sm = kzalloc(struct_size(sm, ports, nports), GFP_KERNEL);
	if (!sm)
		return -ENOMEM;
	sm->loopback = true;
	for (i = 0; i < nports; i++) {
		sm->ports[i] = msample_port_create(mdev);
		if (IS_ERR(sm->ports[i])) {
			int ret = PTR_ERR(sm->ports[i]);

			while (i--)
				msample_port_destroy(sm->ports[i]);
			kfree(sm);
			return ret;
		}
		sm->nports++;
	}
	msample_vfio_init(sm);
	dev_set_drvdata(&mdev->dev, sm);
	return 0;
}

/* Runs with the lifecycle lock held; hangs up open ttys, never waits for them. */
static void msample_mdev_remove(struct mdevfw_device *mdev)
{
	struct msample_mdev *sm = dev_get_drvdata(&mdev->dev);
	unsigned int i;

	for (i = 0; i < sm->nports; i++)
		msample_port_destroy(sm->ports[i]);
	kfree(sm);
	dev_set_drvdata(&mdev->dev, NULL);
}

struct mdevfw_driver msample_mdev_driver = {
	.probe = msample_mdev_probe,
	.remove = msample_mdev_remove,
	.vfio_ops = MSAMPLE_VFIO_OPS,
	.mig_ops = MSAMPLE_MIG_OPS,
	.driver = {
		.name = MSAMPLE_NAME,
		.dev_groups = msample_mdev_groups,
	},
};
