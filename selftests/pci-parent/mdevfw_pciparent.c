// SPDX-License-Identifier: GPL-2.0
/*
 * A parent on a PCI function, as a real vendor's is, for the libvirt test:
 * libvirt's node-device driver shows the mdev_types capability only for
 * parents it knows (PCI functions, s390 subchannels and AP matrices, and
 * upstream mtty's class), not for the sample's virtual msample bus.
 *
 * The driver has no ID table: a test binds it to a function nobody drives
 * through driver_override. Its probe registers a parent with one type,
 * "vf" (vfio-pci, at most 4); each mdev is a VFIO device with no regions,
 * enough for an iommu_group and for libvirt to list it.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include <mdevfw.h>

struct pcip {
	struct mdevfw_parent parent;
};

static int pcip_mdev_probe(struct mdevfw_device *mdev)
{
	return 0;
}

static void pcip_mdev_remove(struct mdevfw_device *mdev)
{
}

static const struct vfio_device_ops pcip_vfio_ops = {
	.name = "mdevfw-pcip",
};

static struct mdevfw_driver pcip_mdev_driver = {
	.probe = pcip_mdev_probe,
	.remove = pcip_mdev_remove,
	.vfio_ops = &pcip_vfio_ops,
	.driver.name = "mdevfw_pcip_mdev",
};

static const struct mdevfw_parent_ops pcip_parent_ops = {
	.driver = &pcip_mdev_driver,
};

static const struct mdevfw_type_info pcip_type = {
	.sysfs_name = "vf",
	.pretty_name = "A function of nothing",
	.device_api = "vfio-pci",
	.max_instances = 4,
};

static int pcip_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct mdevfw_type *type;
	struct pcip *p;
	int ret;

	p = devm_kzalloc(&pdev->dev, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	ret = mdevfw_parent_init(&p->parent, &pdev->dev, &pcip_parent_ops, 0);
	if (ret)
		return ret;
	mdevfw_lock(&p->parent);
	type = mdevfw_type_add_locked(&p->parent, &pcip_type, p);
	ret = PTR_ERR_OR_ZERO(type);
	if (!ret)
		ret = mdevfw_parent_register_locked(&p->parent);
	mdevfw_unlock(&p->parent);
	if (ret) {
		mdevfw_parent_wait(&p->parent);
		return ret;
	}
	pci_set_drvdata(pdev, p);
	return 0;
}

static void pcip_remove(struct pci_dev *pdev)
{
	struct pcip *p = pci_get_drvdata(pdev);

	mdevfw_parent_vfio_unplug(&p->parent);
	mdevfw_parent_unregister(&p->parent);
}

static struct pci_driver pcip_pci_driver = {
	.name = "mdevfw_pcip",
	.probe = pcip_probe,
	.remove = pcip_remove,
	/* No ID table: bound only through driver_override. */
};

static int __init pcip_init(void)
{
	int ret;

	ret = mdevfw_register_driver(&pcip_mdev_driver);
	if (ret)
		return ret;
	ret = pci_register_driver(&pcip_pci_driver);
	if (ret)
		mdevfw_unregister_driver(&pcip_mdev_driver);
	return ret;
}

static void __exit pcip_exit(void)
{
	pci_unregister_driver(&pcip_pci_driver);
	mdevfw_unregister_driver(&pcip_mdev_driver);
}

module_init(pcip_init);
module_exit(pcip_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdevfw selftests: a parent on a PCI function, for libvirt");
MDEVFW_IMPORT_NS();
