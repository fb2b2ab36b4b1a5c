// SPDX-License-Identifier: GPL-2.0
/*
 * devlink for a parent bound to a devlink instance: the eswitch mode, a
 * devlink port per mdev in switchdev mode, and ports as a second front
 * door to create and remove.
 *
 * Every function here runs with the instance lock held, which is the
 * parent's lifecycle lock: devlink takes it before any callback, and
 * sysfs create and remove take it the same way (Documentation/devlink.rst
 * has the sequence of each entry point). Nothing here takes another lock
 * of ours except parent->open_lock, a leaf spinlock, IRQ-safe: these run
 * in process context, so they take it with spin_lock_irq().
 *
 * Port functions: each mdev's port is flavour pcisf, controller 0, pfnum
 * 0, with the mdev's sfnum; its port index is the sfnum plus the parent's
 * ops->port_index_base, so a vendor can keep lower indexes for its own.
 * sfnums go from 0 to mdevfw_sfnum_max(), so that index never wraps. An
 * sfnum is allocated at create and kept for the mdev's life, so a port
 * keeps its name across mode changes. A port added through devlink gets the type
 * chosen with mdevfw_devl_port_type_set() and a name-based UUID (version
 * 5, SHA-1) of "<bus>/<device>/pf<pfnum>sf<sfnum>" in the mdevfw
 * namespace, which user space can compute with uuidgen --sha1.
 */
#include <linux/etherdevice.h>
#include <linux/slab.h>
#include "../core/core.h"

/* The namespace of port-made UUIDs: uuidgen --sha1 --namespace this. */
static const uuid_t mdevfw_port_ns =
	UUID_INIT(0x6d646576, 0x6677, 0x4e5f, 0x9c, 0x1e, 0x70, 0x6f, 0x72,
		  0x74, 0x73, 0x21);

static struct mdevfw_device *mdevfw_port_mdev(struct devlink_port *dl)
{
	struct mdevfw_device *mdev = container_of(dl, struct mdevfw_port, dl)->mdev;

	mdevfw_assert_locked(mdev->parent);
	return mdev;
}

/*
 * Succeeds unless the mdev's VFIO device is open. Without an extack it
 * is devlink undoing a port_new
 * whose reply it could not send (devlink_nl_port_new_doit() in 6.12; a
 * user's port del always has one): say so, as the mdev came and went.
 */
static int mdevfw_port_del(struct devlink *devlink, struct devlink_port *dl,
			   struct netlink_ext_ack *extack)
{
	struct mdevfw_device *mdev = mdevfw_port_mdev(dl);
	struct mdevfw_parent *parent = mdev->parent;
	int sfnum = mdev->sfnum;
	int ret;

	/*
	 * The instance lock is held: never wait for a VFIO user here
	 * (locking.rst, invariant 10). An open VFIO device refuses; one
	 * whose file a process holds unbound goes when it is closed.
	 */
	ret = mdevfw_device_remove_nowait_locked(mdev);
	if (ret == -EBUSY) {
		if (mdevfw_vfio_unplugging(mdev))
			NL_SET_ERR_MSG_MOD(extack,
					   "a removal of this mdev is waiting for its VFIO user");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "the mdev is open through VFIO; close it, or remove it through sysfs");
		return ret;
	}
	if (ret == -EINPROGRESS)
		NL_SET_ERR_MSG_MOD(extack,
				   "port deleted; the mdev goes when its VFIO device file is closed");
	if (!extack)
		dev_info(parent->dev,
			 "mdevfw: port add of sfnum %d undone: devlink could not reply\n",
			 sfnum);
	return 0;
}

static int mdevfw_port_fn_hw_addr_get(struct devlink_port *dl, u8 *hw_addr,
				      int *hw_addr_len,
				      struct netlink_ext_ack *extack)
{
	struct mdevfw_device *mdev = mdevfw_port_mdev(dl);

	ether_addr_copy(hw_addr, mdev->hw_addr);
	*hw_addr_len = ETH_ALEN;
	return 0;
}

static int mdevfw_port_fn_hw_addr_set(struct devlink_port *dl,
				      const u8 *hw_addr, int hw_addr_len,
				      struct netlink_ext_ack *extack)
{
	struct mdevfw_device *mdev = mdevfw_port_mdev(dl);
	unsigned int open;

	if (hw_addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG_MOD(extack, "hw_addr takes 6 bytes");
		return -EINVAL;
	}
	if (is_multicast_ether_addr(hw_addr)) {
		NL_SET_ERR_MSG_MOD(extack, "hw_addr must be a unicast address");
		return -EINVAL;
	}
	/*
	 * Not while the data path is open, as a state change: devlink sets
	 * hw_addr before state, and a refused state must not leave a new
	 * hw_addr behind that no notification reports.
	 */
	raw_spin_lock_irq(&mdev->parent->open_lock);
	open = mdev->nr_open;
	if (!open)
		ether_addr_copy(mdev->hw_addr, hw_addr);
	raw_spin_unlock_irq(&mdev->parent->open_lock);
	if (open) {
		NL_SET_ERR_MSG_MOD(extack, "the mdev is open; close it first");
		return -EBUSY;
	}
	return 0;
}

static int mdevfw_port_fn_state_get(struct devlink_port *dl,
				    enum devlink_port_fn_state *state,
				    enum devlink_port_fn_opstate *opstate,
				    struct netlink_ext_ack *extack)
{
	struct mdevfw_device *mdev = mdevfw_port_mdev(dl);

	*state = mdev->fn_inactive ? DEVLINK_PORT_FN_STATE_INACTIVE :
				     DEVLINK_PORT_FN_STATE_ACTIVE;
	*opstate = mdev->fn_inactive ? DEVLINK_PORT_FN_OPSTATE_DETACHED :
				       DEVLINK_PORT_FN_OPSTATE_ATTACHED;
	return 0;
}

/* Inactive: the data path refuses new opens; refused while it is open. */
static int mdevfw_port_fn_state_set(struct devlink_port *dl,
				    enum devlink_port_fn_state state,
				    struct netlink_ext_ack *extack)
{
	struct mdevfw_device *mdev = mdevfw_port_mdev(dl);
	struct mdevfw_parent *parent = mdev->parent;
	bool inactive = state == DEVLINK_PORT_FN_STATE_INACTIVE;
	int ret = 0;

	raw_spin_lock_irq(&parent->open_lock);
	if (inactive && mdev->nr_open)
		ret = -EBUSY;
	else
		mdev->fn_inactive = inactive;
	raw_spin_unlock_irq(&parent->open_lock);
	if (ret)
		NL_SET_ERR_MSG_MOD(extack, "the mdev is open; close it first");
	return ret;
}

/* core/migration.c has the rule: the function must be inactive. */
static int mdevfw_port_fn_mig_get(struct devlink_port *dl, bool *enable,
				  struct netlink_ext_ack *extack)
{
	return mdevfw_port_fn_migratable_get(mdevfw_port_mdev(dl), enable,
					     extack);
}

static int mdevfw_port_fn_mig_set(struct devlink_port *dl, bool enable,
				  struct netlink_ext_ack *extack)
{
	return mdevfw_port_fn_migratable_set(mdevfw_port_mdev(dl), enable,
					     extack);
}

const struct devlink_port_ops mdevfw_port_ops = {
	.port_del = mdevfw_port_del,
	.port_fn_hw_addr_get = mdevfw_port_fn_hw_addr_get,
	.port_fn_hw_addr_set = mdevfw_port_fn_hw_addr_set,
	.port_fn_state_get = mdevfw_port_fn_state_get,
	.port_fn_state_set = mdevfw_port_fn_state_set,
	.port_fn_migratable_get = mdevfw_port_fn_mig_get,
	.port_fn_migratable_set = mdevfw_port_fn_mig_set,
};

/*
 * The largest sfnum of @parent: its port index, port_index_base + sfnum,
 * must fit devlink's 32 bits, and an sfnum an int.
 */
int mdevfw_sfnum_max(struct mdevfw_parent *parent)
{
	return min_t(u32, INT_MAX, U32_MAX - parent->ops->port_index_base);
}

/*
 * Gives @mdev its devlink port. Its index cannot wrap, so it can only be
 * taken by a port of the vendor's own at or above port_index_base:
 * -EADDRINUSE, not the -EBUSY that devlink returns for it.
 */
int mdevfw_port_add_locked(struct mdevfw_device *mdev)
{
	struct mdevfw_parent *parent = mdev->parent;
	struct mdevfw_port *port;
	int ret;

	mdevfw_assert_locked(parent);
	if (WARN_ON(mdev->port || mdev->sfnum < 0))
		return -EINVAL;
	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return -ENOMEM;
	port->mdev = mdev;
	devlink_port_attrs_pci_sf_set(&port->dl, 0, 0, mdev->sfnum, false);
	ret = devl_port_register_with_ops(parent->devlink, &port->dl,
					  parent->ops->port_index_base + mdev->sfnum,
					  &mdevfw_port_ops);
	if (ret == -EBUSY) {
		dev_err(parent->dev, "mdevfw: devlink port index %u of sfnum %d is taken by another port\n",
			parent->ops->port_index_base + mdev->sfnum, mdev->sfnum);
		ret = -EADDRINUSE;
	}
	if (ret) {
		kfree(port);
		return ret;
	}
	mdev->port = port;
	return 0;
}

/* Takes @mdev's devlink port away, if it has one. */
void mdevfw_port_del_locked(struct mdevfw_device *mdev)
{
	struct mdevfw_port *port = mdev->port;

	mdevfw_assert_locked(mdev->parent);
	if (!port)
		return;
	devl_port_unregister(&port->dl);
	mdev->port = NULL;
	kfree(port);
	/* The function's state is its port's: without a port it is active. */
	raw_spin_lock_irq(&mdev->parent->open_lock);
	mdev->fn_inactive = false;
	raw_spin_unlock_irq(&mdev->parent->open_lock);
}

/**
 * mdevfw_devl_eswitch_mode_get() - the parent's eswitch mode
 * @parent: a parent bound to a devlink instance
 * @mode: set to %DEVLINK_ESWITCH_MODE_LEGACY or _SWITCHDEV
 *
 * Context: the devlink instance lock is held, as in eswitch_mode_get.
 * Return: 0, or -EOPNOTSUPP for a parent without devlink.
 */
int mdevfw_devl_eswitch_mode_get(struct mdevfw_parent *parent, u16 *mode)
{
	if (WARN_ON(!parent->devlink))
		return -EOPNOTSUPP;
	mdevfw_assert_locked(parent);
	*mode = parent->eswitch_mode;
	return 0;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_devl_eswitch_mode_get);

/* Marks the parent changing, unless an mdev is open; see mdevfw_device_open(). */
static int mdevfw_begin_change(struct mdevfw_parent *parent,
			       struct netlink_ext_ack *extack)
{
	unsigned int open, migrating;

	raw_spin_lock_irq(&parent->open_lock);
	open = parent->nr_open;
	migrating = parent->nr_migrating;
	if (!open)
		parent->changing = true;
	raw_spin_unlock_irq(&parent->open_lock);
	if (!open)
		return 0;
	/* A migration in progress is an open (core/migration.c). */
	if (migrating) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "mdevs of this parent are migrating (%u); finish or reset them first",
				       migrating);
		return -EBUSY;
	}
	NL_SET_ERR_MSG_FMT_MOD(extack,
			       "mdevs of this parent are open (%u); close them first",
			       open);
	return -EBUSY;
}

static void mdevfw_end_change(struct mdevfw_parent *parent)
{
	raw_spin_lock_irq(&parent->open_lock);
	WARN_ON(!parent->changing || parent->nr_open);
	parent->changing = false;
	raw_spin_unlock_irq(&parent->open_lock);
}

/**
 * mdevfw_devl_eswitch_mode_set() - switch between legacy and switchdev
 * @parent: a parent bound to a devlink instance
 * @mode: %DEVLINK_ESWITCH_MODE_LEGACY or %DEVLINK_ESWITCH_MODE_SWITCHDEV
 * @extack: for the reason of a refusal
 *
 * Switchdev gives every mdev a devlink port; legacy takes them away. No
 * mdev is created or destroyed. While the change runs the data path
 * refuses opens with -EBUSY, and while any mdev is open the change is
 * refused, so it never races an open. When it returns, sysfs and devlink
 * agree.
 *
 * Context: the devlink instance lock is held, as in eswitch_mode_set.
 * Return: 0; -EBUSY while an mdev is open; -EINVAL for another mode;
 * -EOPNOTSUPP for a parent without devlink; -ENODEV once unpublished;
 * -EADDRINUSE if a port index is taken by a port of the vendor's;
 * -ENOMEM. After a failure the mode is unchanged.
 */
int mdevfw_devl_eswitch_mode_set(struct mdevfw_parent *parent, u16 mode,
				 struct netlink_ext_ack *extack)
{
	struct mdevfw_device *mdev;
	int ret = 0;

	if (WARN_ON(!parent->devlink))
		return -EOPNOTSUPP;
	mdevfw_assert_locked(parent);
	if (parent->dead)
		return -ENODEV;
	if (mode != DEVLINK_ESWITCH_MODE_LEGACY &&
	    mode != DEVLINK_ESWITCH_MODE_SWITCHDEV) {
		NL_SET_ERR_MSG_MOD(extack, "only legacy and switchdev are supported");
		return -EINVAL;
	}
	if (mode == parent->eswitch_mode)
		return 0;
	ret = mdevfw_begin_change(parent, extack);
	if (ret)
		return ret;

	if (mode == DEVLINK_ESWITCH_MODE_SWITCHDEV) {
		list_for_each_entry(mdev, &parent->mdevs, node) {
			/* Its port was deleted: it goes, waiting for a file. */
			if (mdev->vfio_detached)
				continue;
			ret = mdevfw_port_add_locked(mdev);
			if (ret)
				break;
		}
	}
	/* Legacy, or undoing a switchdev that failed half way. */
	if (mode == DEVLINK_ESWITCH_MODE_LEGACY || ret)
		list_for_each_entry(mdev, &parent->mdevs, node)
			mdevfw_port_del_locked(mdev);
	if (ret == -EADDRINUSE)
		NL_SET_ERR_MSG_MOD(extack, "a port index is taken by another port");
	else if (ret)
		NL_SET_ERR_MSG_FMT_MOD(extack, "cannot make the ports: %d", ret);
	else
		parent->eswitch_mode = mode;
	mdevfw_end_change(parent);
	return ret;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_devl_eswitch_mode_set);

/* The type port add creates: the chosen one, or the parent's first. */
static struct mdevfw_type *mdevfw_port_type(struct mdevfw_parent *parent)
{
	return parent->port_type ?:
	       list_first_entry_or_null(&parent->types, struct mdevfw_type, node);
}

/* The name-based UUID of a port-made mdev. */
static int mdevfw_port_uuid(struct mdevfw_parent *parent, u16 pfnum,
			    u32 sfnum, guid_t *guid)
{
	struct device *dev = devlink_to_dev(parent->devlink);
	char name[128];

	/* A name cut short would not be unique. */
	if (snprintf(name, sizeof(name), "%s/%s/pf%usf%u", dev_bus_name(dev),
		     dev_name(dev), pfnum, sfnum) >= sizeof(name))
		return -ENAMETOOLONG;
	mdevfw_uuid_v5(&mdevfw_port_ns, name, guid);
	return 0;
}

/**
 * mdevfw_devl_port_new() - devlink port add: create an mdev with a port
 * @parent: a parent bound to a devlink instance, in switchdev mode
 * @attrs: what devlink was asked for: flavour pcisf, pfnum 0, an
 *	optional sfnum (else the lowest free one), controller 0 if given,
 *	no port index (the port index is the sfnum)
 * @extack: for the reason of a refusal
 * @port: set to the new port
 *
 * The mdev is made by the same steps as a sysfs create, of the type set
 * with mdevfw_devl_port_type_set() (the parent's first type by default),
 * with the name-based UUID described at the top of this file. If devlink
 * cannot send its reply it calls the port's port_del, which removes the
 * mdev again.
 *
 * Context: the devlink instance lock is held, as in port_new.
 * Return: 0; -EOPNOTSUPP in legacy mode or for another flavour; -EINVAL
 * for another pfnum or controller; -ERANGE for an sfnum above
 * mdevfw_sfnum_max(); -ENOSPC when no sfnum is left; -EEXIST when the
 * sfnum or the UUID is taken; the errors of mdevfw_device_create_locked().
 */
int mdevfw_devl_port_new(struct mdevfw_parent *parent,
			 const struct devlink_port_new_attrs *attrs,
			 struct netlink_ext_ack *extack,
			 struct devlink_port **port)
{
	struct mdevfw_device *mdev;
	struct mdevfw_type *type;
	int sfnum, max, ret;
	guid_t uuid;

	if (WARN_ON(!parent->devlink))
		return -EOPNOTSUPP;
	mdevfw_assert_locked(parent);
	if (parent->dead)
		return -ENODEV;
	if (parent->eswitch_mode != DEVLINK_ESWITCH_MODE_SWITCHDEV) {
		NL_SET_ERR_MSG_MOD(extack, "ports can be added in switchdev mode only");
		return -EOPNOTSUPP;
	}
	if (attrs->flavour != DEVLINK_PORT_FLAVOUR_PCI_SF) {
		NL_SET_ERR_MSG_MOD(extack, "only pcisf ports can be added");
		return -EOPNOTSUPP;
	}
	if (attrs->pfnum) {
		NL_SET_ERR_MSG_MOD(extack, "pfnum must be 0");
		return -EINVAL;
	}
	if (attrs->controller_valid && attrs->controller) {
		NL_SET_ERR_MSG_MOD(extack, "controller must be 0");
		return -EINVAL;
	}
	if (attrs->port_index_valid) {
		NL_SET_ERR_MSG_MOD(extack, "the port index is chosen by the driver; leave it out");
		return -EINVAL;
	}
	type = mdevfw_port_type(parent);
	if (!type) {
		NL_SET_ERR_MSG_MOD(extack, "the parent has no mdev types");
		return -EOPNOTSUPP;
	}

	max = mdevfw_sfnum_max(parent);
	if (attrs->sfnum_valid) {
		if (attrs->sfnum > max) {
			NL_SET_ERR_MSG_FMT_MOD(extack, "sfnum %u is out of range: at most %d",
					       attrs->sfnum, max);
			return -ERANGE;
		}
		sfnum = ida_alloc_range(&parent->sfnums, attrs->sfnum,
					attrs->sfnum, GFP_KERNEL);
		if (sfnum == -ENOSPC) {
			NL_SET_ERR_MSG_FMT_MOD(extack, "sfnum %u is taken",
					       attrs->sfnum);
			return -EEXIST;
		}
	} else {
		sfnum = ida_alloc_max(&parent->sfnums, max, GFP_KERNEL);
		if (sfnum == -ENOSPC) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "no sfnum left: at most %d with port index base %u",
					       max, parent->ops->port_index_base);
			return -ENOSPC;
		}
	}
	if (sfnum < 0)
		return sfnum;

	ret = mdevfw_port_uuid(parent, attrs->pfnum, sfnum, &uuid);
	if (ret) {
		ida_free(&parent->sfnums, sfnum);
		NL_SET_ERR_MSG_MOD(extack, "the device's name is too long for a UUID");
		return ret;
	}
	ret = mdevfw_device_create_sfnum_locked(parent, type, &uuid, sfnum,
						&mdev);
	if (ret == -EEXIST)
		NL_SET_ERR_MSG_FMT_MOD(extack, "UUID %pUl (or its alias) is taken",
				       &uuid);
	else if (ret == -EADDRINUSE)
		NL_SET_ERR_MSG_MOD(extack, "its port index is taken by another port");
	else if (ret == -EUSERS)
		NL_SET_ERR_MSG_FMT_MOD(extack, "no instances of %.24s-%.24s left",
				       mdevfw_type_prefix(parent),
				       type->info->sysfs_name);
	else if (ret)
		NL_SET_ERR_MSG_FMT_MOD(extack, "cannot create the mdev: %d", ret);
	if (ret)
		return ret;
	if (WARN_ON(!mdev->port)) {
		mdevfw_device_remove_locked(mdev);
		return -EINVAL;
	}
	*port = &mdev->port->dl;
	return 0;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_devl_port_new);

/**
 * mdevfw_devl_port_type_get() - the type that port add creates
 * @parent: a parent bound to a devlink instance
 * @name: filled with the type's directory name, or "" without types
 * @size: its size
 *
 * For the get of a vendor's string devlink param.
 *
 * Context: the devlink instance lock is held.
 * Return: 0.
 */
int mdevfw_devl_port_type_get(struct mdevfw_parent *parent, char *name,
			      size_t size)
{
	struct mdevfw_type *type;

	mdevfw_assert_locked(parent);
	type = mdevfw_port_type(parent);
	if (type)
		snprintf(name, size, "%s-%s", mdevfw_type_prefix(parent),
			 type->info->sysfs_name);
	else
		strscpy(name, "", size);
	return 0;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_devl_port_type_get);

/**
 * mdevfw_devl_port_type_set() - choose the type that port add creates
 * @parent: a parent bound to a devlink instance
 * @name: one of the parent's types by directory name, as "msample-2"
 * @extack: for the reason of a refusal
 *
 * For the set of a vendor's string devlink param.
 *
 * Context: the devlink instance lock is held.
 * Return: 0, or -EINVAL when the parent has no such type.
 */
int mdevfw_devl_port_type_set(struct mdevfw_parent *parent, const char *name,
			      struct netlink_ext_ack *extack)
{
	const char *drv = mdevfw_type_prefix(parent);
	size_t len = strlen(drv);
	struct mdevfw_type *type;

	mdevfw_assert_locked(parent);
	list_for_each_entry(type, &parent->types, node) {
		if (!strncmp(name, drv, len) && name[len] == '-' &&
		    !strcmp(name + len + 1, type->info->sysfs_name)) {
			parent->port_type = type;
			return 0;
		}
	}
	NL_SET_ERR_MSG_FMT_MOD(extack, "no mdev type \"%s\" on this parent", name);
	return -EINVAL;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_devl_port_type_set);
