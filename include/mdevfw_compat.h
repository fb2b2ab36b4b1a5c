/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdevfw_compat.h - every difference between the kernels mdevfw supports
 * (Debian 12's 6.1 and 6.12), in one place.
 *
 * <mdevfw.h> includes it, so the framework, the sample and a vendor driver
 * are written once, against 6.12's interfaces: on an older kernel this
 * file supplies them, or, where a signature cannot be given the shape of
 * 6.12's, a MDEVFW_ macro that defines the callback for either kernel.
 *
 * Each item names the release that changed the interface. A feature test
 * (a macro or a header that came with the change) is used where one
 * exists; else LINUX_VERSION_CODE: a vendor module builds against this
 * header alone, without the framework's Kbuild, so no build-time probe
 * can reach it. Documentation/api.rst lists what 6.1 cannot do.
 */
#ifndef _MDEVFW_COMPAT_H
#define _MDEVFW_COMPAT_H

#include <linux/eventfd.h>
#include <linux/netlink.h>
#include <linux/version.h>
#include <net/devlink.h>

/* 6.13: the symbol namespace is a string, no longer a bare token. */
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
#define EXPORT_SYMBOL_MDEVFW(sym)	EXPORT_SYMBOL_NS_GPL(sym, "MDEVFW")
#define MDEVFW_IMPORT_NS()	MODULE_IMPORT_NS("MDEVFW")
#else
#define EXPORT_SYMBOL_MDEVFW(sym)	EXPORT_SYMBOL_NS_GPL(sym, MDEVFW)
#define MDEVFW_IMPORT_NS()	MODULE_IMPORT_NS(MDEVFW)
#endif

/*
 * 6.2: extack messages with printf arguments. Before, an extack holds a
 * pointer to a constant string only; mdevfw_compat_extack_fmt() formats
 * into one of a ring of static buffers (a message outlives the request
 * that set it, as a string literal does), cut at 80 bytes as 6.2 does.
 */
#ifndef NL_SET_ERR_MSG_FMT_MOD
#define MDEVFW_COMPAT_EXTACK_FMT
__printf(2, 3)
void mdevfw_compat_extack_fmt(struct netlink_ext_ack *extack,
			      const char *fmt, ...);
#define NL_SET_ERR_MSG_FMT_MOD(extack, fmt, args...)			\
	mdevfw_compat_extack_fmt(extack, KBUILD_MODNAME ": " fmt, ##args)
#endif

/*
 * 6.3: devl_register() and devl_params_register(), under the instance
 * lock. Before, devlink_register() takes no lock, and params are
 * registered while the instance is not: devlink_params_register() as
 * devl_params_register() is, before devl_register(). 6.1's
 * devlink_unregister() waits for every netlink request that holds the
 * instance, and such a request may be waiting for the instance lock, so
 * devl_unregister() lets go of the lock around it.
 */
#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
static inline int devl_register(struct devlink *devlink)
{
	devl_assert_locked(devlink);
	devlink_register(devlink);
	return 0;
}

#define MDEVFW_COMPAT_DEVL_UNREGISTER
void mdevfw_compat_devl_unregister(struct devlink *devlink);

/*
 * 6.1's devlink_unregister() also tells netlink listeners that each param
 * and port is gone, and that calls the params' get (and the port
 * function's) without the instance lock. Call it after
 * mdevfw_parent_unpublish_locked(): then nothing else reads what those
 * read, and mdevfw_assert_locked() accepts the task that is in it, for
 * that instance.
 */
static inline void devl_unregister(struct devlink *devlink)
{
	mdevfw_compat_devl_unregister(devlink);
}

static inline int devl_params_register(struct devlink *devlink,
				       const struct devlink_param *params,
				       size_t params_count)
{
	devl_assert_locked(devlink);
	return devlink_params_register(devlink, params, params_count);
}

static inline void devl_params_unregister(struct devlink *devlink,
					  const struct devlink_param *params,
					  size_t params_count)
{
	devl_assert_locked(devlink);
	devlink_params_unregister(devlink, params, params_count);
}
#endif

/*
 * 6.5: port operations in struct devlink_port_ops, given at port
 * registration; port_new returns the port. Before, they are in
 * devlink_ops, port_del names the port by index, and port_new returns
 * the index. Here struct devlink_port_ops has the members mdevfw uses,
 * devl_port_register_with_ops() registers the port (without the ops, and
 * -EBUSY for a taken index, as 6.12), and MDEVFW_DEVLINK_OPS_PORTS, in
 * the vendor's devlink_ops, routes the operations of mdevfw's ports to
 * mdevfw (the vendor's own ports get -EOPNOTSUPP from them). On 6.5 and
 * later it is empty.
 */
#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
#define MDEVFW_COMPAT_PORT_OPS_IN_DEVLINK_OPS
struct devlink_port_ops {
	int (*port_del)(struct devlink *devlink, struct devlink_port *port,
			struct netlink_ext_ack *extack);
	int (*port_fn_hw_addr_get)(struct devlink_port *port, u8 *hw_addr,
				   int *hw_addr_len,
				   struct netlink_ext_ack *extack);
	int (*port_fn_hw_addr_set)(struct devlink_port *port,
				   const u8 *hw_addr, int hw_addr_len,
				   struct netlink_ext_ack *extack);
	int (*port_fn_state_get)(struct devlink_port *port,
				 enum devlink_port_fn_state *state,
				 enum devlink_port_fn_opstate *opstate,
				 struct netlink_ext_ack *extack);
	int (*port_fn_state_set)(struct devlink_port *port,
				 enum devlink_port_fn_state state,
				 struct netlink_ext_ack *extack);
	/* Not wired into 6.1's devlink_ops: devlink takes it for VFs only. */
	int (*port_fn_migratable_get)(struct devlink_port *port, bool *enable,
				      struct netlink_ext_ack *extack);
	int (*port_fn_migratable_set)(struct devlink_port *port, bool enable,
				      struct netlink_ext_ack *extack);
};

static inline int
devl_port_register_with_ops(struct devlink *devlink,
			    struct devlink_port *devlink_port,
			    unsigned int port_index,
			    const struct devlink_port_ops *ops)
{
	int ret = devl_port_register(devlink, devlink_port, port_index);

	return ret == -EEXIST ? -EBUSY : ret;
}

int mdevfw_compat_port_del(struct devlink *devlink, unsigned int port_index,
			   struct netlink_ext_ack *extack);
int mdevfw_compat_port_fn_hw_addr_get(struct devlink_port *port, u8 *hw_addr,
				      int *hw_addr_len,
				      struct netlink_ext_ack *extack);
int mdevfw_compat_port_fn_hw_addr_set(struct devlink_port *port,
				      const u8 *hw_addr, int hw_addr_len,
				      struct netlink_ext_ack *extack);
int mdevfw_compat_port_fn_state_get(struct devlink_port *port,
				    enum devlink_port_fn_state *state,
				    enum devlink_port_fn_opstate *opstate,
				    struct netlink_ext_ack *extack);
int mdevfw_compat_port_fn_state_set(struct devlink_port *port,
				    enum devlink_port_fn_state state,
				    struct netlink_ext_ack *extack);

#define MDEVFW_DEVLINK_OPS_PORTS					\
	.port_del = mdevfw_compat_port_del,				\
	.port_function_hw_addr_get = mdevfw_compat_port_fn_hw_addr_get,	\
	.port_function_hw_addr_set = mdevfw_compat_port_fn_hw_addr_set,	\
	.port_fn_state_get = mdevfw_compat_port_fn_state_get,		\
	.port_fn_state_set = mdevfw_compat_port_fn_state_set,

/*
 * MDEVFW_DEVLINK_PORT_NEW(fn) { body } defines the port_new fn; the body
 * sees devlink, attrs, extack and port, and sets *port, as on 6.12. Here
 * it is wrapped in one that returns the port's index.
 */
#define MDEVFW_DEVLINK_PORT_NEW(fn)	\
static int fn##_port(struct devlink *devlink,				\
		     const struct devlink_port_new_attrs *attrs,	\
		     struct netlink_ext_ack *extack,			\
		     struct devlink_port **port);			\
static int fn(struct devlink *devlink,					\
	      const struct devlink_port_new_attrs *attrs,		\
	      struct netlink_ext_ack *extack, unsigned int *index)	\
{									\
	struct devlink_port *dl;					\
	int ret = fn##_port(devlink, attrs, extack, &dl);		\
									\
	if (!ret)							\
		*index = dl->index;					\
	return ret;							\
}									\
static int fn##_port(struct devlink *devlink,				\
		     const struct devlink_port_new_attrs *attrs,	\
		     struct netlink_ext_ack *extack,			\
		     struct devlink_port **port)
#else
#define MDEVFW_DEVLINK_OPS_PORTS
#define MDEVFW_DEVLINK_PORT_NEW(fn)	\
static int fn(struct devlink *devlink,					\
	      const struct devlink_port_new_attrs *attrs,		\
	      struct netlink_ext_ack *extack,				\
	      struct devlink_port **port)
#endif

/*
 * 6.2 removed devlink's features: before, devlink offers reload only if
 * the driver set DEVLINK_F_RELOAD before registering the instance.
 */
static inline void mdevfw_devlink_reload_enable(struct devlink *devlink)
{
#if KERNEL_VERSION(6, 2, 0) > LINUX_VERSION_CODE
	devlink_set_features(devlink, DEVLINK_F_RELOAD);
#endif
}

/*
 * 6.2: devlink puts the driver's name in "devlink dev info" itself.
 * Before, the driver's info_get puts it: call this first in info_get.
 */
static inline int mdevfw_devlink_info_driver_name(struct devlink *devlink,
						  struct devlink_info_req *req)
{
#if KERNEL_VERSION(6, 2, 0) > LINUX_VERSION_CODE
	struct device *dev = devlink_to_dev(devlink);

	if (dev->driver)
		return devlink_info_driver_name_put(req, dev->driver->name);
#endif
	return 0;
}

/*
 * 6.11: a devlink param's set takes an extack. MDEVFW_DEVLINK_PARAM_SET(fn)
 * { body } defines the set fn; the body sees devlink, id, ctx and extack.
 * Before 6.11 there is no extack, and the body gets NULL: its message is
 * lost, its errno is not.
 */
#if KERNEL_VERSION(6, 11, 0) > LINUX_VERSION_CODE
#define MDEVFW_DEVLINK_PARAM_SET(fn)		\
static int fn##_ext(struct devlink *devlink, u32 id,			\
		    struct devlink_param_gset_ctx *ctx,			\
		    struct netlink_ext_ack *extack);			\
static int fn(struct devlink *devlink, u32 id,				\
	      struct devlink_param_gset_ctx *ctx)			\
{									\
	return fn##_ext(devlink, id, ctx, NULL);			\
}									\
static int fn##_ext(struct devlink *devlink, u32 id,			\
		    struct devlink_param_gset_ctx *ctx,			\
		    struct netlink_ext_ack *extack)
#else
#define MDEVFW_DEVLINK_PARAM_SET(fn)		\
static int fn(struct devlink *devlink, u32 id,				\
	      struct devlink_param_gset_ctx *ctx,			\
	      struct netlink_ext_ack *extack)
#endif

/*
 * 6.6: tty_operations.write takes a size_t count and returns ssize_t.
 * Before, an int for both. MDEVFW_TTY_WRITE(fn) { body } defines the
 * write fn; the body sees tty, buf and count, as on 6.6.
 */
#if KERNEL_VERSION(6, 6, 0) > LINUX_VERSION_CODE
#define MDEVFW_TTY_WRITE(fn)				\
static ssize_t fn##_sz(struct tty_struct *tty, const u8 *buf,		\
		       size_t count);					\
static int fn(struct tty_struct *tty, const unsigned char *buf,	\
	      int count)						\
{									\
	return fn##_sz(tty, buf, count);				\
}									\
static ssize_t fn##_sz(struct tty_struct *tty, const u8 *buf,		\
		       size_t count)
#else
#define MDEVFW_TTY_WRITE(fn)				\
static ssize_t fn(struct tty_struct *tty, const u8 *buf, size_t count)
#endif

/*
 * 6.8: eventfd_signal() adds one and returns nothing. Before, it takes
 * the count to add. (A macro does not expand inside its own expansion.)
 */
#if KERNEL_VERSION(6, 8, 0) > LINUX_VERSION_CODE
#define eventfd_signal(ctx)	eventfd_signal(ctx, 1)
#endif

/*
 * 6.4: struct bus_type can be const (the driver core keeps its private
 * part elsewhere), and so can the bus of its attributes' callbacks.
 * Before, bus_register() writes into it. MDEVFW_BUS_TYPE is the type to
 * define a bus with, and to take one in a bus attribute's callback. 6.3: a bus's uevent takes a
 * const device. 6.11: a bus's match takes a const driver.
 */
#if KERNEL_VERSION(6, 4, 0) > LINUX_VERSION_CODE
/* Split: checkpatch's const-struct check is right from 6.4 on only. */
#define MDEVFW_BUS_TYPE		struct \
				bus_type
#else
#define MDEVFW_BUS_TYPE		const struct bus_type
#endif
#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
#define MDEVFW_CONST_UEVENT_DEV
#else
#define MDEVFW_CONST_UEVENT_DEV	const
#endif
#if KERNEL_VERSION(6, 11, 0) > LINUX_VERSION_CODE
#define MDEVFW_CONST_MATCH_DRV
#else
#define MDEVFW_CONST_MATCH_DRV	const
#endif

/*
 * 6.12: the unaligned accessors moved from <asm/unaligned.h>. A version
 * check, not __has_include(): sparse 0.6.4 (Debian 12) does not know it.
 */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * 6.2: iommufd, and the operations that bind an emulated-IOMMU VFIO
 * device to it (<linux/iommufd.h> came with them). Before, such a device
 * has only the container and group API: no VFIO device cdev either, which
 * came in 6.6 on top of iommufd. Tested by version: sparse 0.6.4 does not
 * know __has_include().
 */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#define MDEVFW_HAS_IOMMUFD_OPS
#endif
#if IS_ENABLED(CONFIG_VFIO)
#include <linux/vfio.h>

/* Whether @ops sets an iommufd operation, which the framework owns. */
static inline bool mdevfw_vfio_ops_iommufd(const struct vfio_device_ops *ops)
{
#ifdef MDEVFW_HAS_IOMMUFD_OPS
	return ops->bind_iommufd || ops->unbind_iommufd || ops->attach_ioas ||
	       ops->detach_ioas;
#else
	return false;
#endif
}

/*
 * 6.2 ("vfio: Remove vfio_free_device"): vfio frees a vfio_device itself
 * once its release operation returns. Before, the release operation
 * frees it, with vfio_free_device(), and vfio touches it no more after.
 */
static inline void mdevfw_vfio_release_free(struct vfio_device *vdev)
{
#if KERNEL_VERSION(6, 2, 0) > LINUX_VERSION_CODE
	vfio_free_device(vdev);
#endif
}

/* Sets the iommufd operations of an emulated-IOMMU device, if any. */
static inline void mdevfw_vfio_ops_set_iommufd(struct vfio_device_ops *ops)
{
#ifdef MDEVFW_HAS_IOMMUFD_OPS
	ops->bind_iommufd = vfio_iommufd_emulated_bind;
	ops->unbind_iommufd = vfio_iommufd_emulated_unbind;
	ops->attach_ioas = vfio_iommufd_emulated_attach_ioas;
	ops->detach_ioas = vfio_iommufd_emulated_detach_ioas;
#endif
}

/*
 * 6.2: VFIO migration gained PRE_COPY, its two states and the
 * VFIO_MIG_GET_PRECOPY_INFO ioctl of the saving file. Before, the flag is
 * 0, so the device never offers it, and vfio refuses the two states
 * (above RUNNING_P2P) before a driver sees them: the code for them is
 * never reached.
 */
#ifndef VFIO_MIG_GET_PRECOPY_INFO
#undef VFIO_MIGRATION_PRE_COPY
#define VFIO_MIGRATION_PRE_COPY		0
#define VFIO_DEVICE_STATE_PRE_COPY	6
#define VFIO_DEVICE_STATE_PRE_COPY_P2P	7
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};

#define VFIO_MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)
#endif

#endif

#endif /* _MDEVFW_COMPAT_H */
