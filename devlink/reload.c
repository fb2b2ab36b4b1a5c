// SPDX-License-Identifier: GPL-2.0
/*
 * devlink reload (action driver_reinit) of a parent bound to a devlink
 * instance. devlink holds the instance lock, our lifecycle lock, across
 * reload_down and reload_up (and device_lock() of the instance's device
 * outside it), so every front door of the parent waits for the whole
 * reload: sysfs create and remove, devlink port add and del, eswitch set,
 * and the PF's removal (Documentation/locking.rst, "devlink reload").
 *
 * The parent stays registered: unpublishing would end it for good, since
 * its wait half cannot run under the lock devlink holds (mdevfw_parent_init()
 * refuses a parent not waited for with -EBUSY). A re-init therefore
 * removes the types here, with no mdev left to strand, and the vendor's
 * reload_up adds them again; a sysfs writer that found an old type fails
 * with -ENODEV when it gets the lock.
 */
#include "../core/core.h"

/**
 * mdevfw_devl_reload_down() - the framework's half of a reload_down
 * @parent: a parent bound to the devlink instance being reloaded
 * @netns_change: devlink moves the instance to another network namespace
 * @extack: for the refusal's message
 *
 * Refuses while mdevs of the parent exist, as mlx5 refuses a reload
 * while subfunctions exist: removing them would revoke what user space
 * has open. Otherwise removes every type of the parent; the vendor's
 * reload_up adds them again with mdevfw_type_add_locked(), which (with
 * the pool size it sets) sends one change event.
 *
 * The type chosen with mdevfw_devl_port_type_set() is removed too: after
 * the reload, port add creates the parent's first type again (the new
 * objects are not the old ones, whatever their names).
 *
 * The framework's devlink ports are its mdevs' (none is left here). The
 * vendor's reload_down must itself remove whatever else it registered on
 * the instance and re-creates in reload_up: its own ports, rates, traps,
 * shared buffers, dpipe tables, linecards. For DRIVER_REINIT, devlink
 * WARNs between reload_down and reload_up if any of these remain
 * (devlink_reload_reinit_sanity_check()); params, resources, regions and
 * health reporters may stay.
 *
 * Context: a devlink reload_down callback: the instance lock is held.
 * Return: 0; -EBUSY while mdevs exist; -EOPNOTSUPP for a change of
 * network namespace; -ENODEV once the parent is unpublished.
 */
int mdevfw_devl_reload_down(struct mdevfw_parent *parent, bool netns_change,
			    struct netlink_ext_ack *extack)
{
	struct mdevfw_device *mdev;
	unsigned int n = 0;

	mdevfw_assert_locked(parent);
	if (netns_change) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a parent cannot move to another network namespace");
		return -EOPNOTSUPP;
	}
	if (!parent->registered) {
		NL_SET_ERR_MSG_MOD(extack, "the parent is being unregistered");
		return -ENODEV;
	}
	list_for_each_entry(mdev, &parent->mdevs, node)
		n++;
	if (n) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "mdevs of this parent exist (%u); remove them first",
				       n);
		return -EBUSY;
	}
	/* No mdev: no port, no open, no VFIO device. */
	mdevfw_types_remove_all_locked(parent);
	return 0;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_devl_reload_down);
