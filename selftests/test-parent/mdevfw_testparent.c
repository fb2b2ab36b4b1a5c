// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal parent for the selftests: no devlink (its lifecycle lock is
 * the parent's own mutex), per-type limits and pool costs, an
 * "available" callback, a probe that can be told to fail, and the vendor
 * calls that no sysfs path of the framework makes. The parent's device is
 * the platform device mdevfw_tp0, bound to the driver mdevfw_tp_pf, whose
 * name differs from the mdev driver's (mdevfw_tp). Files of that device:
 *
 *   types   write +NAME[:COST] to add type NAME: at most 2 instances, or,
 *           with COST, COST units of the pool each; -NAME to remove it
 *           (-EBUSY while it has mdevs); several of these, separated
 *           by spaces, under one hold of the lifecycle lock (one change
 *           event), stopping at the first that fails; "!" to tell the
 *           framework that b_avail may have changed
 *           (mdevfw_parent_changed_locked()).
 *           Read: "NAME AVAILABLE" per type, from mdevfw_type_available().
 *   mdevs   write "+NAME UUID" to create an mdev of type NAME with
 *           mdevfw_device_create_locked(), "-UUID" to remove one with
 *           mdevfw_device_remove_locked().
 *   dup     write 1: register a second parent on the same device with
 *           mdevfw_parent_register(); the write fails with its errno.
 *   reload  write 1: what a devlink reload that unpublished its parent in
 *           reload_down would do in reload_up, initialise the parent
 *           again before it was waited for; the write fails with that
 *           errno, after the parent was brought back the right way.
 *
 * Files of each mdev:
 *
 *   open    write 1: mdevfw_device_open() from a hard interrupt (an
 *           hrtimer) under an IRQ-safe lock of ours; 0:
 *           mdevfw_device_close() under that lock, interrupts off.
 *           Read: how many opens the mdev holds. A plain device
 *           attribute, not an MDEVFW_DEVICE_ATTR_*(): the store waits
 *           for its hrtimer, and those run in an mdevfw_srcu read
 *           section, where nothing blocks (locking.rst, invariant 2).
 *   type    its type's name, found with mdevfw_type_priv()
 */
#include <linux/hrtimer.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <mdevfw.h>

static int probe_err;
module_param(probe_err, int, 0644);
MODULE_PARM_DESC(probe_err, "errno the mdev probe returns (0: succeed)");

static unsigned int b_avail = 3;
module_param(b_avail, uint, 0644);
MODULE_PARM_DESC(b_avail, "what type b's available callback reports");

static unsigned int pool_size;
module_param(pool_size, uint, 0444);
MODULE_PARM_DESC(pool_size, "the parent's pool, for types with a cost");

static bool leak_open;
module_param(leak_open, bool, 0644);
MODULE_PARM_DESC(leak_open, "the mdev remove forgets to close what is open (a vendor bug)");

#define TP_NAME_LEN	16

struct tp_type {
	struct list_head node;
	struct mdevfw_type *type;
	struct mdevfw_type_info info;
	char name[TP_NAME_LEN];
};

struct tp_mdev {
	struct list_head node;		/* on tp_mdevs, under the lifecycle lock */
	struct mdevfw_device *mdev;
	unsigned int opens;		/* under tp_irq_lock */
};

static struct platform_device *tp_pdev;
static struct mdevfw_parent tp_parent;
static LIST_HEAD(tp_types);	/* under the lifecycle lock */
static LIST_HEAD(tp_mdevs);	/* under the lifecycle lock */
/* Taken in hard interrupt context: IRQ-safe, as a UART's port lock. */
static DEFINE_RAW_SPINLOCK(tp_irq_lock);
/*
 * reload takes it exclusively around its unpublish, wait and register
 * again, the handlers of the parent device's other files shared: none of
 * them may find tp_types freed, or sleep in mdevfw_lock() on a parent
 * that mdevfw_parent_init() zeroes. Outside the lifecycle lock.
 */
static DECLARE_RWSEM(tp_reload_sem);

static unsigned int tp_b_available(struct mdevfw_type *type)
{
	return READ_ONCE(b_avail);
}

struct tp_irq_open {
	struct hrtimer timer;
	struct completion done;
	struct tp_mdev *tm;
	int ret;
};

static enum hrtimer_restart tp_irq_open_fn(struct hrtimer *timer)
{
	struct tp_irq_open *op = container_of(timer, struct tp_irq_open, timer);

	/* The test proves nothing unless this is a hard interrupt. */
	WARN_ON_ONCE(!in_hardirq());
	raw_spin_lock(&tp_irq_lock);
	op->ret = mdevfw_device_open(op->tm->mdev);
	if (!op->ret)
		op->tm->opens++;
	raw_spin_unlock(&tp_irq_lock);
	complete(&op->done);
	return HRTIMER_NORESTART;
}

/* mdevfw_device_open() in hard interrupt context, under tp_irq_lock. */
static int tp_open_in_irq(struct tp_mdev *tm)
{
	struct tp_irq_open op = { .tm = tm };

	init_completion(&op.done);
	hrtimer_init_on_stack(&op.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	op.timer.function = tp_irq_open_fn;
	hrtimer_start(&op.timer, ns_to_ktime(1000), HRTIMER_MODE_REL_HARD);
	wait_for_completion(&op.done);
	hrtimer_cancel(&op.timer);
	destroy_hrtimer_on_stack(&op.timer);
	return op.ret;
}

/*
 * The driver core adds the mdev's dev_groups after probe and removes them,
 * waiting for their handlers, before remove: drvdata is ours throughout.
 */
static ssize_t open_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct tp_mdev *tm = dev_get_drvdata(dev);
	unsigned long flags;
	unsigned int opens;

	raw_spin_lock_irqsave(&tp_irq_lock, flags);
	opens = tm->opens;
	raw_spin_unlock_irqrestore(&tp_irq_lock, flags);
	return sysfs_emit(buf, "%u\n", opens);
}

static ssize_t open_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct mdevfw_device *mdev = to_mdevfw_device(dev);
	struct tp_mdev *tm = dev_get_drvdata(dev);
	unsigned long flags;
	bool on;
	int ret;

	if (kstrtobool(buf, &on))
		return -EINVAL;
	if (on)
		return tp_open_in_irq(tm) ?: count;

	raw_spin_lock_irqsave(&tp_irq_lock, flags);
	ret = tm->opens ? 0 : -EINVAL;
	if (!ret) {
		mdevfw_device_close(mdev);
		tm->opens--;
	}
	raw_spin_unlock_irqrestore(&tp_irq_lock, flags);
	return ret ?: count;
}
static DEVICE_ATTR_RW(open);

static ssize_t type_show(struct mdevfw_device *mdev, char *buf)
{
	struct tp_type *t = mdevfw_type_priv(mdev->type);

	return sysfs_emit(buf, "%s\n", t->name);
}
static MDEVFW_DEVICE_ATTR_RO(type);

static struct attribute *tp_mdev_attrs[] = {
	&dev_attr_open.attr,
	&mdevfw_dev_attr_type.attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(tp_mdev);

static int tp_probe(struct mdevfw_device *mdev)
{
	struct tp_mdev *tm;
	int ret;

	mdevfw_assert_locked(mdev->parent);
	ret = READ_ONCE(probe_err);
	if (ret)
		return ret;
	tm = kzalloc(sizeof(*tm), GFP_KERNEL);
	if (!tm)
		return -ENOMEM;
	tm->mdev = mdev;
	list_add_tail(&tm->node, &tp_mdevs);
	dev_set_drvdata(&mdev->dev, tm);
	return 0;
}

/* Revokes the opens, unless told to forget them. */
static void tp_remove(struct mdevfw_device *mdev)
{
	struct tp_mdev *tm = dev_get_drvdata(&mdev->dev);
	unsigned long flags;

	mdevfw_assert_locked(mdev->parent);
	raw_spin_lock_irqsave(&tp_irq_lock, flags);
	for (; tm->opens && !READ_ONCE(leak_open); tm->opens--)
		mdevfw_device_close(mdev);
	raw_spin_unlock_irqrestore(&tp_irq_lock, flags);
	list_del(&tm->node);
	kfree(tm);
	dev_set_drvdata(&mdev->dev, NULL);
}

static struct mdevfw_driver tp_driver = {
	.probe = tp_probe,
	.remove = tp_remove,
	.driver = {
		.name = "mdevfw_tp",
		.dev_groups = tp_mdev_groups,
	},
};

static const struct mdevfw_parent_ops tp_ops = {
	.driver = &tp_driver,
};

static struct tp_type *tp_type_find_locked(const char *name)
{
	struct tp_type *t;

	mdevfw_assert_locked(&tp_parent);
	list_for_each_entry(t, &tp_types, node)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static int tp_type_add_locked(const char *name, unsigned int max,
			      unsigned int cost,
			      unsigned int (*available)(struct mdevfw_type *))
{
	struct tp_type *t;

	if (tp_type_find_locked(name))
		return -EEXIST;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	strscpy(t->name, name, sizeof(t->name));
	t->info.sysfs_name = t->name;
	t->info.device_api = "vfio-pci";
	t->info.max_instances = max;
	t->info.pool_cost = cost;
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
	struct tp_type *t = tp_type_find_locked(name);
	int ret;

	if (!t)
		return -ENOENT;
	ret = mdevfw_type_remove_locked(t->type);
	if (ret)
		return ret;
	list_del(&t->node);
	kfree(t);
	return 0;
}

static int tp_types_add_locked(void)
{
	int ret;

	ret = tp_type_add_locked("a", 2, 0, NULL);
	if (!ret)
		ret = tp_type_add_locked("b", 0, 0, tp_b_available);
	return ret;
}

static void tp_types_free(void)
{
	struct tp_type *t, *tmp;

	/* The framework removed the types themselves at unregister. */
	list_for_each_entry_safe(t, tmp, &tp_types, node) {
		list_del(&t->node);
		kfree(t);
	}
}

/*
 * The files below belong to the parent's device and are removed only
 * after the parent is unregistered, outside the lifecycle lock, so their
 * handlers may block on that lock.
 */
static ssize_t types_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct tp_type *t;
	int len = 0;

	down_read(&tp_reload_sem);
	mdevfw_lock(&tp_parent);
	list_for_each_entry(t, &tp_types, node)
		len += sysfs_emit_at(buf, len, "%s %u\n", t->name,
				     mdevfw_type_available(t->type));
	mdevfw_unlock(&tp_parent);
	up_read(&tp_reload_sem);
	return len;
}

/* One "+NAME[:COST]" or "-NAME" of a write to "types". */
static int tp_types_op_locked(const char *op)
{
	unsigned int cost = 0;
	char name[TP_NAME_LEN];
	char *colon;

	if (strlen(op) < 2 || strlen(op) > sizeof(name) + 10 ||
	    (op[0] != '+' && op[0] != '-'))
		return -EINVAL;
	strscpy(name, op + 1, sizeof(name));
	colon = strchr(name, ':');
	if (colon) {
		*colon = '\0';
		if (op[0] != '+' || kstrtouint(colon + 1, 0, &cost) || !cost)
			return -EINVAL;
	}
	if (!name[0])
		return -EINVAL;
	if (op[0] == '+')
		return tp_type_add_locked(name, 2, cost, NULL);
	return tp_type_remove_locked(name);
}

/*
 * "!": the vendor's own count changed. Else operations separated by
 * spaces, all under one hold of the lock, so that one change event says
 * them all; the first that fails stops the rest (those before it stay).
 */
static ssize_t types_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	char *ops, *cur, *op;
	int ret = -EINVAL;

	if (count && buf[0] == '!') {
		/* b_avail may have changed: the framework cannot see it. */
		down_read(&tp_reload_sem);
		mdevfw_lock(&tp_parent);
		mdevfw_parent_changed_locked(&tp_parent);
		mdevfw_unlock(&tp_parent);
		up_read(&tp_reload_sem);
		return count;
	}
	ops = kmemdup_nul(buf, count, GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	cur = ops;
	down_read(&tp_reload_sem);
	mdevfw_lock(&tp_parent);
	while ((op = strsep(&cur, "\n "))) {
		if (!op[0])
			continue;
		ret = tp_types_op_locked(op);
		if (ret)
			break;
	}
	mdevfw_unlock(&tp_parent);
	up_read(&tp_reload_sem);
	kfree(ops);
	return ret ?: count;
}
static DEVICE_ATTR_RW(types);

static ssize_t mdevs_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	char name[TP_NAME_LEN], uuid_str[UUID_STRING_LEN + 1];
	struct tp_mdev *tm;
	struct tp_type *t;
	guid_t uuid;
	int ret;

	if (buf[0] == '+') {
		if (sscanf(buf + 1, "%15s %36s", name, uuid_str) != 2)
			return -EINVAL;
	} else if (buf[0] == '-') {
		if (sscanf(buf + 1, "%36s", uuid_str) != 1)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (guid_parse(uuid_str, &uuid))
		return -EINVAL;

	down_read(&tp_reload_sem);
	mdevfw_lock(&tp_parent);
	if (buf[0] == '+') {
		t = tp_type_find_locked(name);
		ret = t ? mdevfw_device_create_locked(&tp_parent, t->type,
						      &uuid, NULL) : -ENOENT;
	} else {
		ret = -ENOENT;
		list_for_each_entry(tm, &tp_mdevs, node) {
			if (guid_equal(&tm->mdev->uuid, &uuid)) {
				mdevfw_device_remove_locked(tm->mdev);
				ret = 0;
				break;
			}
		}
	}
	mdevfw_unlock(&tp_parent);
	up_read(&tp_reload_sem);
	return ret ?: count;
}
static DEVICE_ATTR_WO(mdevs);

static ssize_t dup_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	struct mdevfw_parent *dup;
	int ret;

	dup = kzalloc(sizeof(*dup), GFP_KERNEL);
	if (!dup)
		return -ENOMEM;
	ret = mdevfw_parent_init(dup, dev, &tp_ops, 0);
	if (!ret)
		ret = mdevfw_parent_register(dup);
	if (!ret)
		mdevfw_parent_unregister(dup);
	else
		mdevfw_parent_wait(dup);
	kfree(dup);
	return ret ?: count;
}
static DEVICE_ATTR_WO(dup);

static int tp_register(void)
{
	int ret;

	ret = mdevfw_parent_init(&tp_parent, &tp_pdev->dev, &tp_ops,
				 pool_size);
	if (ret)
		return ret;
	mdevfw_lock(&tp_parent);
	ret = tp_types_add_locked();
	mdevfw_unlock(&tp_parent);
	/* On failure this removes the types too. */
	if (!ret)
		ret = mdevfw_parent_register(&tp_parent);
	if (ret) {
		mdevfw_parent_wait(&tp_parent);
		tp_types_free();
	}
	return ret;
}

static ssize_t reload_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	int ret, again;

	down_write(&tp_reload_sem);
	mdevfw_lock(&tp_parent);
	/* reload_down, done wrong: the parent goes, mdevs and types with it */
	mdevfw_parent_unpublish_locked(&tp_parent);
	/* reload_up: still under the lock, so not waited for */
	ret = mdevfw_parent_init(&tp_parent, &tp_pdev->dev, &tp_ops, pool_size);
	mdevfw_unlock(&tp_parent);
	if (!ret) {
		/* The framework let a parent it still holds be zeroed. */
		up_write(&tp_reload_sem);
		return count;
	}

	/* The right way: wait without the lock, then start again. */
	mdevfw_parent_wait(&tp_parent);
	tp_types_free();
	again = tp_register();
	up_write(&tp_reload_sem);
	return again ?: ret;
}
static DEVICE_ATTR_WO(reload);

static struct attribute *tp_dev_attrs[] = {
	&dev_attr_types.attr,
	&dev_attr_mdevs.attr,
	&dev_attr_dup.attr,
	&dev_attr_reload.attr,
	NULL,
};
ATTRIBUTE_GROUPS(tp_dev);

/* The parent device's own driver: it only gives the device a driver name. */
static int tp_pf_probe(struct platform_device *pdev)
{
	return 0;
}

static const struct platform_device_id tp_pf_ids[] = {
	{ .name = "mdevfw_tp0" },
	{ }
};

static struct platform_driver tp_pf_driver = {
	.probe = tp_pf_probe,
	.id_table = tp_pf_ids,
	.driver = {
		.name = "mdevfw_tp_pf",
		.suppress_bind_attrs = true,
	},
};

static int __init tp_init(void)
{
	int ret;

	ret = mdevfw_register_driver(&tp_driver);
	if (ret)
		return ret;
	ret = platform_driver_register(&tp_pf_driver);
	if (ret)
		goto err_driver;
	tp_pdev = platform_device_register_simple("mdevfw_tp0",
						  PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(tp_pdev)) {
		ret = PTR_ERR(tp_pdev);
		goto err_pf_driver;
	}
	if (!tp_pdev->dev.driver) {
		ret = -ENODEV;
		goto err_pdev;
	}
	ret = tp_register();
	if (ret)
		goto err_pdev;
	ret = device_add_groups(&tp_pdev->dev, tp_dev_groups);
	if (ret)
		goto err_unregister;
	return 0;

err_unregister:
	mdevfw_parent_unregister(&tp_parent);
	tp_types_free();
err_pdev:
	platform_device_unregister(tp_pdev);
err_pf_driver:
	platform_driver_unregister(&tp_pf_driver);
err_driver:
	mdevfw_unregister_driver(&tp_driver);
	return ret;
}

static void __exit tp_exit(void)
{
	device_remove_groups(&tp_pdev->dev, tp_dev_groups);
	mdevfw_parent_unregister(&tp_parent);
	tp_types_free();
	platform_device_unregister(tp_pdev);
	platform_driver_unregister(&tp_pf_driver);
	mdevfw_unregister_driver(&tp_driver);
}

module_init(tp_init);
module_exit(tp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdevfw: a minimal parent without devlink, for the selftests");
MDEVFW_IMPORT_NS();
