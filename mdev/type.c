// SPDX-License-Identifier: GPL-2.0
/*
 * Type directories: <parent>/mdev_supported_types/<driver>-<name>/, where
 * <driver> is the parent device's driver (mdevfw_type_prefix()), with
 * create, available_instances, device_api, name, description and devices/.
 *
 * Query attributes never take the lifecycle lock; those that call the
 * vendor hold a parent reference, not the SRCU read section, for a
 * vendor callback may sleep. create is the one handler that needs the
 * lock: it takes a parent reference under SRCU, leaves the read section,
 * lets go of its file's active reference (sysfs_break_active_protection(),
 * holding a reference on the type's kobject instead) and only then blocks
 * on the lock. A concurrent unregister therefore never waits for it, and
 * it finds the parent dead when it gets the lock.
 */
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include "../core/core.h"

struct mdevfw_type_attribute {
	struct attribute attr;
	ssize_t (*show)(struct mdevfw_type *type, char *buf);
	ssize_t (*store)(struct mdevfw_type *type, struct attribute *attr,
			 const char *buf, size_t count);
};

#define to_type_attr(_attr) container_of(_attr, struct mdevfw_type_attribute, attr)

/* "<parent device>/<type>" for messages, from the kobject hierarchy. */
static const char *mdevfw_type_parent_name(struct mdevfw_type *type)
{
	struct kobject *kset_kobj = type->kobj.parent;

	return kset_kobj && kset_kobj->parent ?
	       kobject_name(kset_kobj->parent) : "?";
}

#define mdevfw_type_err(type, fmt, ...)					\
	pr_err_ratelimited("mdevfw: %s/%s: " fmt,			\
			   mdevfw_type_parent_name(type),		\
			   kobject_name(&(type)->kobj), ##__VA_ARGS__)

static ssize_t mdevfw_type_attr_show(struct kobject *kobj,
				     struct attribute *attr, char *buf)
{
	struct mdevfw_type_attribute *tattr = to_type_attr(attr);
	ssize_t ret;

	mdevfw_active_acquire();
	ret = tattr->show ? tattr->show(to_mdevfw_type(kobj), buf) : -EIO;
	mdevfw_active_release();
	return ret;
}

static ssize_t mdevfw_type_attr_store(struct kobject *kobj,
				      struct attribute *attr,
				      const char *buf, size_t count)
{
	struct mdevfw_type_attribute *tattr = to_type_attr(attr);
	ssize_t ret;

	mdevfw_active_acquire();
	ret = tattr->store ? tattr->store(to_mdevfw_type(kobj), attr, buf, count)
			   : -EIO;
	mdevfw_active_release();
	return ret;
}

static const struct sysfs_ops mdevfw_type_sysfs_ops = {
	.show = mdevfw_type_attr_show,
	.store = mdevfw_type_attr_store,
};

static unsigned int mdevfw_type_avail(struct mdevfw_parent *parent,
				      struct mdevfw_type *type)
{
	const struct mdevfw_type_info *info = type->info;

	if (info->available)
		return info->available(type);
	return mdevfw_avail(READ_ONCE(parent->pool_size),
			    READ_ONCE(parent->pool_used), info->pool_cost,
			    info->max_instances, READ_ONCE(type->used));
}

/* Under the lifecycle lock: the figure create checks against. */
unsigned int mdevfw_type_available_locked(struct mdevfw_type *type)
{
	struct mdevfw_parent *parent = rcu_dereference_protected(type->parent, true);

	mdevfw_assert_locked(parent);
	return mdevfw_type_avail(parent, type);
}

/**
 * mdevfw_type_available() - what available_instances shows
 * @type: the type
 *
 * The vendor's @available callback runs with a reference on the parent,
 * outside the SRCU read section: if it sleeps, no other parent's
 * unregistration waits for it (locking.rst, invariant 2).
 *
 * Context: any process context; takes no lock.
 * Return: the number of instances that can still be created, 0 once the
 * type or its parent is gone.
 */
unsigned int mdevfw_type_available(struct mdevfw_type *type)
{
	struct mdevfw_parent *parent = mdevfw_type_get_parent(type);
	unsigned int avail;

	if (!parent)
		return 0;
	avail = mdevfw_type_avail(parent, type);
	mdevfw_parent_put(parent);
	return avail;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_type_available);

static ssize_t available_instances_show(struct mdevfw_type *type, char *buf)
{
	return sysfs_emit(buf, "%u\n", mdevfw_type_available(type));
}

static ssize_t device_api_show(struct mdevfw_type *type, char *buf)
{
	return sysfs_emit(buf, "%s\n", type->info->device_api);
}

/* As upstream: the sysfs name when the vendor gives no pretty name. */
static ssize_t name_show(struct mdevfw_type *type, char *buf)
{
	return sysfs_emit(buf, "%s\n", type->info->pretty_name ?:
			  type->info->sysfs_name);
}

/* The vendor's callback may sleep: a reference, not the read section. */
static ssize_t description_show(struct mdevfw_type *type, char *buf)
{
	struct mdevfw_parent *parent = mdevfw_type_get_parent(type);
	ssize_t ret;

	if (!parent)
		return -ENODEV;
	ret = type->info->description(type, buf);
	mdevfw_parent_put(parent);
	return ret;
}

static ssize_t create_store(struct mdevfw_type *type, struct attribute *attr,
			    const char *buf, size_t count)
{
	struct mdevfw_parent *parent;
	struct kernfs_node *kn;
	guid_t uuid;
	int ret;

	ret = mdevfw_parse_uuid(buf, count, &uuid);
	if (ret) {
		mdevfw_type_err(type, "create: not a UUID: \"%*pE\" (%zu bytes; want 36, or 37 ending in a newline)\n",
				(int)min_t(size_t, count, 40), buf, count);
		return ret;
	}

	parent = mdevfw_type_get_parent(type);
	if (!parent) {
		mdevfw_type_err(type, "create %pUl: the parent is going away\n", &uuid);
		return -ENODEV;
	}

	/* Hold the type's kobject instead of the file's active reference. */
	kn = sysfs_break_active_protection(&type->kobj, attr);
	if (!kn) {
		mdevfw_type_err(type, "create %pUl: the type is going away\n", &uuid);
		mdevfw_parent_put(parent);
		return -ENODEV;
	}
	mdevfw_active_release();

	/*
	 * From here the type may be removed: name it from our own kobject
	 * reference and the parent's device, which our parent reference keeps.
	 */
	ret = mdevfw_lock_live(parent);
	if (!ret) {
		/* -ENODEV if the type was removed meanwhile. */
		ret = mdevfw_device_create_locked(parent, type, &uuid, NULL);
		mdevfw_unlock(parent);
	} else {
		dev_err_ratelimited(parent->dev, "mdevfw: %s: create %pUl: the parent is going away\n",
				    kobject_name(&type->kobj), &uuid);
	}
	if (ret == -ENODEV && type->removed)
		dev_err_ratelimited(parent->dev, "mdevfw: %s: create %pUl: the type is going away\n",
				    kobject_name(&type->kobj), &uuid);

	sysfs_unbreak_active_protection(kn);
	mdevfw_active_acquire();
	mdevfw_parent_put(parent);
	return ret ?: count;
}

#define MDEVFW_TYPE_ATTR_RO(_name) \
	struct mdevfw_type_attribute mdevfw_type_attr_##_name = __ATTR_RO(_name)

static MDEVFW_TYPE_ATTR_RO(available_instances);
static MDEVFW_TYPE_ATTR_RO(device_api);
static MDEVFW_TYPE_ATTR_RO(name);
static MDEVFW_TYPE_ATTR_RO(description);
static struct mdevfw_type_attribute mdevfw_type_attr_create = __ATTR_WO(create);

static struct attribute *mdevfw_type_attrs[] = {
	&mdevfw_type_attr_create.attr,
	&mdevfw_type_attr_available_instances.attr,
	&mdevfw_type_attr_device_api.attr,
	&mdevfw_type_attr_name.attr,
	&mdevfw_type_attr_description.attr,
	NULL,
};

static umode_t mdevfw_type_attr_visible(struct kobject *kobj,
					struct attribute *attr, int n)
{
	const struct mdevfw_type_info *info = to_mdevfw_type(kobj)->info;

	if (attr == &mdevfw_type_attr_description.attr && !info->description)
		return 0;
	return attr->mode;
}

static const struct attribute_group mdevfw_type_group = {
	.attrs = mdevfw_type_attrs,
	.is_visible = mdevfw_type_attr_visible,
};
__ATTRIBUTE_GROUPS(mdevfw_type);

/* Frees the type once its directory and every mdev of it are gone. */
static void mdevfw_type_release(struct kobject *kobj)
{
	kfree(to_mdevfw_type(kobj));
}

static const struct kobj_type mdevfw_type_ktype = {
	.sysfs_ops = &mdevfw_type_sysfs_ops,
	.release = mdevfw_type_release,
	.default_groups = mdevfw_type_groups,
};

/* Adds a listed type's directory; the parent is registered. */
int mdevfw_type_publish_locked(struct mdevfw_parent *parent,
			       struct mdevfw_type *type)
{
	int ret;

	mdevfw_assert_locked(parent);
	type->kobj.kset = parent->types_kset;
	ret = kobject_add(&type->kobj, NULL, "%s-%s",
			  mdevfw_type_prefix(parent), type->info->sysfs_name);
	if (ret)
		return ret;
	type->devices_kobj = kobject_create_and_add("devices", &type->kobj);
	if (!type->devices_kobj)
		return -ENOMEM;
	rcu_assign_pointer(type->parent, parent);
	/* What registration, or the change event of its add, announces. */
	type->avail_sent = mdevfw_type_avail(parent, type);
	return 0;
}

/**
 * mdevfw_type_add_locked() - add a type to a parent
 * @parent: the parent, registered or not yet
 * @info: the type; sysfs_name and device_api are required
 * @priv: the vendor's data, for mdevfw_type_priv()
 *
 * A type added before registration appears when the parent registers; one
 * added later appears at once. Types may come and go at runtime, for
 * example with the eswitch mode.
 *
 * Context: the parent's lifecycle lock is held.
 * Return: the type, or an ERR_PTR(): -EINVAL, -EEXIST for a name in use,
 * -ENODEV once the parent is unpublished, -ENOMEM.
 */
struct mdevfw_type *mdevfw_type_add_locked(struct mdevfw_parent *parent,
					   const struct mdevfw_type_info *info,
					   void *priv)
{
	struct mdevfw_type *type;
	int ret;

	mdevfw_assert_locked(parent);
	if (parent->dead)
		return ERR_PTR(-ENODEV);
	if (WARN_ON(!info || !info->sysfs_name || !info->device_api ||
		    strchr(info->sysfs_name, '/')))
		return ERR_PTR(-EINVAL);
	list_for_each_entry(type, &parent->types, node)
		if (!strcmp(type->info->sysfs_name, info->sysfs_name))
			return ERR_PTR(-EEXIST);

	type = kzalloc(sizeof(*type), GFP_KERNEL);
	if (!type)
		return ERR_PTR(-ENOMEM);
	kobject_init(&type->kobj, &mdevfw_type_ktype);
	type->info = info;
	type->priv = priv;
	type->owner = parent;
	list_add_tail(&type->node, &parent->types);
	if (!parent->registered)
		return type;

	ret = mdevfw_type_publish_locked(parent, type);
	if (ret) {
		list_del(&type->node);
		RCU_INIT_POINTER(type->parent, NULL);
		kobject_put(type->devices_kobj);
		kobject_put(&type->kobj);
		return ERR_PTR(ret);
	}
	mdevfw_change_type_added_locked(type);
	return type;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_type_add_locked);

static void mdevfw_type_del_locked(struct mdevfw_type *type)
{
	if (type->owner->port_type == type)
		type->owner->port_type = NULL;
	list_del(&type->node);
	type->removed = true;
	RCU_INIT_POINTER(type->parent, NULL);
	/* Removing the files waits for their handlers. */
	mdevfw_active_drain();
	kobject_put(type->devices_kobj);
	type->devices_kobj = NULL;
	/* A type listed before registration never had a directory. */
	if (type->kobj.state_in_sysfs)
		kobject_del(&type->kobj);
	/* At runtime the change event names it, and then puts it. */
	mdevfw_change_type_gone_locked(type);
	kobject_put(&type->kobj);
}

/**
 * mdevfw_type_remove_locked() - remove a type that has no mdevs
 * @type: the type; the caller's pointer is invalid after success
 *
 * Context: the parent's lifecycle lock is held.
 * Return: 0, or -EBUSY while mdevs of the type exist.
 */
int mdevfw_type_remove_locked(struct mdevfw_type *type)
{
	mdevfw_assert_locked(type->owner);
	if (type->used)
		return -EBUSY;
	mdevfw_type_del_locked(type);
	return 0;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_type_remove_locked);

void mdevfw_types_remove_all_locked(struct mdevfw_parent *parent)
{
	struct mdevfw_type *type, *tmp;

	mdevfw_assert_locked(parent);
	list_for_each_entry_safe(type, tmp, &parent->types, node) {
		WARN_ON(type->used);
		mdevfw_type_del_locked(type);
	}
}

/**
 * mdevfw_type_info() - the vendor's description of a type
 * @type: the type
 *
 * Return: the info given to mdevfw_type_add_locked().
 */
const struct mdevfw_type_info *mdevfw_type_info(struct mdevfw_type *type)
{
	return type->info;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_type_info);

/**
 * mdevfw_type_priv() - the vendor's data of a type
 * @type: the type
 *
 * Return: the priv given to mdevfw_type_add_locked().
 */
void *mdevfw_type_priv(struct mdevfw_type *type)
{
	return type->priv;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_type_priv);
