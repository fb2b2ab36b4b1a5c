// SPDX-License-Identifier: GPL-2.0
/*
 * The framework's half of include/mdevfw_compat.h: what an older kernel
 * lacks and a header cannot supply. On 6.12 this file is empty.
 */
#include <linux/atomic.h>
#include "core.h"

#ifdef MDEVFW_COMPAT_EXTACK_FMT
/* 6.2's NETLINK_MAX_FMTMSG_LEN; the last byte is never written. */
#define MDEVFW_EXTACK_LEN	80
#define MDEVFW_EXTACK_BUFS	32
static char mdevfw_extack_bufs[MDEVFW_EXTACK_BUFS][MDEVFW_EXTACK_LEN];
static atomic_t mdevfw_extack_next = ATOMIC_INIT(0);

/**
 * mdevfw_compat_extack_fmt() - NL_SET_ERR_MSG_FMT_MOD() before 6.2
 * @extack: the request's extack, or NULL
 * @fmt: the format, with the module's prefix
 *
 * Before 6.2 an extack points to a message it does not own. This one is
 * formatted into the next of a ring of static buffers, so it stays valid
 * after the request, as a string literal does; only the 32nd formatted
 * message after it, on any CPU, reuses its buffer. Use it through
 * NL_SET_ERR_MSG_FMT_MOD().
 */
void mdevfw_compat_extack_fmt(struct netlink_ext_ack *extack,
			      const char *fmt, ...)
{
	unsigned int i;
	va_list args;
	char *buf;

	if (!extack)
		return;
	i = (unsigned int)atomic_inc_return(&mdevfw_extack_next);
	buf = mdevfw_extack_bufs[i % MDEVFW_EXTACK_BUFS];
	va_start(args, fmt);
	vsnprintf(buf, MDEVFW_EXTACK_LEN, fmt, args);
	va_end(args);
	do_trace_netlink_extack(buf);
	extack->_msg = buf;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_compat_extack_fmt);
#endif

#ifdef MDEVFW_COMPAT_PORT_OPS_IN_DEVLINK_OPS
/*
 * Before 6.5 devlink calls a port's operations through devlink_ops, for
 * every port of the instance: these find the mdev whose port it is, or
 * return -EOPNOTSUPP for a vendor's own port, and call the port
 * operations that 6.5 and later call directly (devlink/port.c).
 */
static struct mdevfw_device *mdevfw_compat_port_mdev(struct devlink *devlink,
						     unsigned int index)
{
	struct mdevfw_parent *parent = mdevfw_parent_of_devlink(devlink);
	struct mdevfw_device *mdev;

	if (!parent)
		return NULL;
	mdevfw_assert_locked(parent);
	list_for_each_entry(mdev, &parent->mdevs, node) {
		if (mdev->port && mdev->port->dl.index == index)
			return mdev;
	}
	return NULL;
}

static bool mdevfw_compat_port_ours(struct devlink_port *dl)
{
	struct mdevfw_device *mdev = mdevfw_compat_port_mdev(dl->devlink,
							     dl->index);

	return mdev && &mdev->port->dl == dl;
}

/**
 * mdevfw_compat_port_del() - devlink_ops.port_del before 6.5
 * @devlink: the instance; its lock is held
 * @port_index: the port to delete
 * @extack: for the reason of a refusal
 *
 * Return: as the port's port_del; -ENODEV for an index without an mdev.
 */
int mdevfw_compat_port_del(struct devlink *devlink, unsigned int port_index,
			   struct netlink_ext_ack *extack)
{
	struct mdevfw_device *mdev = mdevfw_compat_port_mdev(devlink,
							     port_index);

	if (!mdev)
		return -ENODEV;
	return mdevfw_port_ops.port_del(devlink, &mdev->port->dl, extack);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_compat_port_del);

/**
 * mdevfw_compat_port_fn_hw_addr_get() - port_function_hw_addr_get before 6.5
 * @port: a port of the instance; its lock is held
 * @hw_addr: set to the function's address
 * @hw_addr_len: set to its length
 * @extack: for the reason of a refusal, or NULL
 *
 * Return: as the port operation; -EOPNOTSUPP for a port not of mdevfw.
 */
int mdevfw_compat_port_fn_hw_addr_get(struct devlink_port *port, u8 *hw_addr,
				      int *hw_addr_len,
				      struct netlink_ext_ack *extack)
{
	if (!mdevfw_compat_port_ours(port))
		return -EOPNOTSUPP;
	return mdevfw_port_ops.port_fn_hw_addr_get(port, hw_addr, hw_addr_len,
						   extack);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_compat_port_fn_hw_addr_get);

/**
 * mdevfw_compat_port_fn_hw_addr_set() - port_function_hw_addr_set before 6.5
 * @port: a port of the instance; its lock is held
 * @hw_addr: the new address
 * @hw_addr_len: its length
 * @extack: for the reason of a refusal
 *
 * Return: as the port operation; -EOPNOTSUPP for a port not of mdevfw.
 */
int mdevfw_compat_port_fn_hw_addr_set(struct devlink_port *port,
				      const u8 *hw_addr, int hw_addr_len,
				      struct netlink_ext_ack *extack)
{
	if (!mdevfw_compat_port_ours(port))
		return -EOPNOTSUPP;
	return mdevfw_port_ops.port_fn_hw_addr_set(port, hw_addr, hw_addr_len,
						   extack);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_compat_port_fn_hw_addr_set);

/**
 * mdevfw_compat_port_fn_state_get() - devlink_ops.port_fn_state_get before 6.5
 * @port: a port of the instance; its lock is held
 * @state: set to the function's admin state
 * @opstate: set to its operational state
 * @extack: for the reason of a refusal, or NULL
 *
 * Return: as the port operation; -EOPNOTSUPP for a port not of mdevfw.
 */
int mdevfw_compat_port_fn_state_get(struct devlink_port *port,
				    enum devlink_port_fn_state *state,
				    enum devlink_port_fn_opstate *opstate,
				    struct netlink_ext_ack *extack)
{
	if (!mdevfw_compat_port_ours(port))
		return -EOPNOTSUPP;
	return mdevfw_port_ops.port_fn_state_get(port, state, opstate, extack);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_compat_port_fn_state_get);

/**
 * mdevfw_compat_port_fn_state_set() - devlink_ops.port_fn_state_set before 6.5
 * @port: a port of the instance; its lock is held
 * @state: the new admin state
 * @extack: for the reason of a refusal
 *
 * Return: as the port operation; -EOPNOTSUPP for a port not of mdevfw.
 */
int mdevfw_compat_port_fn_state_set(struct devlink_port *port,
				    enum devlink_port_fn_state state,
				    struct netlink_ext_ack *extack)
{
	if (!mdevfw_compat_port_ours(port))
		return -EOPNOTSUPP;
	return mdevfw_port_ops.port_fn_state_set(port, state, extack);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_compat_port_fn_state_set);
#endif

#ifdef MDEVFW_COMPAT_DEVL_UNREGISTER
/* The tasks in mdevfw_compat_devl_unregister(), each with its instance. */
struct mdevfw_compat_unreg {
	struct list_head node;
	struct devlink *devlink;
	struct task_struct *task;
};

static DEFINE_SPINLOCK(mdevfw_unreg_lock);
static LIST_HEAD(mdevfw_unreg_list);

/**
 * mdevfw_compat_devl_unregister() - devl_unregister() before 6.3
 * @devlink: the instance; its lock is held
 *
 * 6.1's devlink_unregister() waits for every netlink request that holds
 * the instance, and such a request may be waiting for the instance lock:
 * the lock is let go around it. While it runs, this task may call the
 * params' get without the lock (devl_unregister() in mdevfw_compat.h).
 * Use it through devl_unregister().
 */
void mdevfw_compat_devl_unregister(struct devlink *devlink)
{
	struct mdevfw_compat_unreg u = {
		.devlink = devlink,
		.task = current,
	};

	devl_assert_locked(devlink);
	spin_lock(&mdevfw_unreg_lock);
	list_add(&u.node, &mdevfw_unreg_list);
	spin_unlock(&mdevfw_unreg_lock);
	devl_unlock(devlink);
	devlink_unregister(devlink);
	devl_lock(devlink);
	spin_lock(&mdevfw_unreg_lock);
	list_del(&u.node);
	spin_unlock(&mdevfw_unreg_lock);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_compat_devl_unregister);

/*
 * Whether this task is in mdevfw_compat_devl_unregister() of @devlink:
 * for the lockdep assertions, the only ones that ask (core/core.h).
 */
#ifdef CONFIG_LOCKDEP
bool mdevfw_compat_devl_unregistering(struct devlink *devlink)
{
	struct mdevfw_compat_unreg *u;
	bool ret = false;

	spin_lock(&mdevfw_unreg_lock);
	list_for_each_entry(u, &mdevfw_unreg_list, node) {
		if (u->devlink == devlink && u->task == current) {
			ret = true;
			break;
		}
	}
	spin_unlock(&mdevfw_unreg_lock);
	return ret;
}
#endif
#endif
