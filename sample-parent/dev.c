// SPDX-License-Identifier: GPL-2.0
/*
 * One PF: its devlink instance and its mdev parent. The devlink instance
 * lock is the parent's lifecycle lock (mdevfw_parent_bind_devlink()), so
 * devlink callbacks and sysfs create/remove are serialised by one lock.
 *
 * Teardown follows the framework's two halves: unpublish under the lock,
 * then, without it, wait until no sysfs path still holds the parent, and
 * only then free the devlink instance that the lock lives in.
 */
#include <linux/moduleparam.h>
#include <net/devlink.h>
#include "sample.h"

static unsigned int port_index_base;
module_param(port_index_base, uint, 0444);
MODULE_PARM_DESC(port_index_base,
		 "devlink port index of the mdev with sfnum 0 (default 0)");

static int msample_devlink_info_get(struct devlink *devlink,
				    struct devlink_info_req *req,
				    struct netlink_ext_ack *extack)
{
	struct msample *ms = devlink_priv(devlink);
	char serial[32];
	int ret;

	ret = mdevfw_devlink_info_driver_name(devlink, req);
	if (ret)
		return ret;
	snprintf(serial, sizeof(serial), "MSAMPLE%08u", ms->bdev->dev.id);
	ret = devlink_info_serial_number_put(req, serial);
	if (ret)
		return ret;
	return devlink_info_version_running_put(req, "fw", "1.0.0");
}

/*
 * The eswitch and port add: devlink holds the instance lock, our
 * lifecycle lock, and the framework does the work.
 */
static int msample_eswitch_mode_get(struct devlink *devlink, u16 *mode)
{
	struct msample *ms = devlink_priv(devlink);

	return mdevfw_devl_eswitch_mode_get(&ms->parent, mode);
}

static int msample_eswitch_mode_set(struct devlink *devlink, u16 mode,
				    struct netlink_ext_ack *extack)
{
	struct msample *ms = devlink_priv(devlink);

	return mdevfw_devl_eswitch_mode_set(&ms->parent, mode, extack);
}

/* The signature changed in 6.5: see mdevfw_compat.h. */
MDEVFW_DEVLINK_PORT_NEW(msample_port_new)
{
	struct msample *ms = devlink_priv(devlink);

	return mdevfw_devl_port_new(&ms->parent, attrs, extack, port);
}

/*
 * The pool of serial ports is the devlink resource "ports": its size is
 * the pool's, its occupancy what live mdevs take, so devlink and sysfs's
 * available_instances agree whenever the instance lock is not held.
 * devlink cannot resize a resource it has, so the max_ports param, which
 * resizes the pool at once, registers it again at the new size; that
 * drops a size set with "devlink resource set" and not yet applied by a
 * reload: the param wins (Documentation/devlink.rst). The sample has no
 * other resource.
 */
enum {
	MSAMPLE_RES_PORTS = 1,
};

static u64 msample_ports_occ_get(void *priv)
{
	struct msample *ms = priv;

	return mdevfw_parent_pool_used(&ms->parent);
}

static int msample_resource_register_locked(struct msample *ms)
{
	struct devlink_resource_size_params params;
	int ret;

	devl_resources_unregister(ms->devlink);
	devlink_resource_size_params_init(&params, 0, MSAMPLE_MAX_PORTS, 1,
					  DEVLINK_RESOURCE_UNIT_ENTRY);
	ret = devl_resource_register(ms->devlink, "ports",
				     mdevfw_parent_pool_size(&ms->parent),
				     MSAMPLE_RES_PORTS,
				     DEVLINK_RESOURCE_ID_PARENT_TOP, &params);
	if (ret)
		return ret;
	devl_resource_occ_get_register(ms->devlink, MSAMPLE_RES_PORTS,
				       msample_ports_occ_get, ms);
	return 0;
}

/*
 * devlink dev reload DEV [action driver_reinit]: refused while mdevs
 * exist; else the types go, the size set with "devlink resource set"
 * becomes the pool's, and the types come back. devlink holds the
 * instance lock, the lifecycle lock, throughout, and device_lock(PF)
 * outside it, so no front door of the parent runs in between.
 */
static int msample_reload_down(struct devlink *devlink, bool netns_change,
			       enum devlink_reload_action action,
			       enum devlink_reload_limit limit,
			       struct netlink_ext_ack *extack)
{
	struct msample *ms = devlink_priv(devlink);

	return mdevfw_devl_reload_down(&ms->parent, netns_change, extack);
}

static int msample_reload_up(struct devlink *devlink,
			     enum devlink_reload_action action,
			     enum devlink_reload_limit limit,
			     u32 *actions_performed,
			     struct netlink_ext_ack *extack)
{
	struct msample *ms = devlink_priv(devlink);
	u64 size;
	int ret;

	*actions_performed = BIT(DEVLINK_RELOAD_ACTION_DRIVER_REINIT);
	/*
	 * No mdev is left, so any size in the resource's range fits. A
	 * resource lost to a failed re-registration comes back at the
	 * pool's size.
	 */
	if (devl_resource_size_get(devlink, MSAMPLE_RES_PORTS, &size)) {
		size = mdevfw_parent_pool_size(&ms->parent);
		msample_resource_register_locked(ms);
	}
	ret = mdevfw_parent_set_pool_locked(&ms->parent, size);
	if (!ret)
		ret = msample_types_add_locked(ms);
	if (ret)
		NL_SET_ERR_MSG_MOD(extack, "re-init failed; reload again");
	return ret;
}

static const struct devlink_ops msample_devlink_ops = {
	.info_get = msample_devlink_info_get,
	.eswitch_mode_get = msample_eswitch_mode_get,
	.eswitch_mode_set = msample_eswitch_mode_set,
	.port_new = msample_port_new,
	/* Before 6.5 the port functions are here: mdevfw serves its ports. */
	MDEVFW_DEVLINK_OPS_PORTS
	.reload_actions = BIT(DEVLINK_RELOAD_ACTION_DRIVER_REINIT),
	.reload_down = msample_reload_down,
	.reload_up = msample_reload_up,
};

/*
 * max_ports: the parent's pool of serial ports, at runtime. devlink calls
 * these with the instance lock, our lifecycle lock, held.
 */
enum {
	MSAMPLE_PARAM_ID_MAX_PORTS = DEVLINK_PARAM_GENERIC_ID_MAX + 1,
	MSAMPLE_PARAM_ID_PORT_MDEV_TYPE,
};

static int msample_max_ports_get(struct devlink *devlink, u32 id,
				 struct devlink_param_gset_ctx *ctx)
{
	struct msample *ms = devlink_priv(devlink);

	ctx->val.vu32 = mdevfw_parent_pool_size(&ms->parent);
	return 0;
}

/* The signature changed in 6.11: see mdevfw_compat.h. */
MDEVFW_DEVLINK_PARAM_SET(msample_max_ports_set)
{
	struct msample *ms = devlink_priv(devlink);
	unsigned int old = mdevfw_parent_pool_size(&ms->parent);
	int ret;

	ret = mdevfw_parent_set_pool_locked(&ms->parent, ctx->val.vu32);
	if (ret == -EBUSY)
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "live mdevs use more than %u ports; remove some first",
				       ctx->val.vu32);
	if (ret)
		return ret;
	/*
	 * The resource follows, at once, even at the same size: that drops a
	 * size set with "resource set" and not yet applied (the last command
	 * wins), and brings back a resource lost to a failed registration.
	 */
	ret = msample_resource_register_locked(ms);
	if (ret) {
		/* The old size fits: nothing was created meanwhile. */
		WARN_ON(mdevfw_parent_set_pool_locked(&ms->parent, old));
		msample_resource_register_locked(ms);
		NL_SET_ERR_MSG_MOD(extack, "cannot resize the devlink resource");
	}
	return ret;
}

static int msample_max_ports_validate(struct devlink *devlink, u32 id,
				      union devlink_param_value val,
				      struct netlink_ext_ack *extack)
{
	if (val.vu32 > MSAMPLE_MAX_PORTS) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "at most %u ports",
				       MSAMPLE_MAX_PORTS);
		return -EINVAL;
	}
	return 0;
}

/* port_mdev_type: the type that devlink port add creates. */
static int msample_port_type_get(struct devlink *devlink, u32 id,
				 struct devlink_param_gset_ctx *ctx)
{
	struct msample *ms = devlink_priv(devlink);

	return mdevfw_devl_port_type_get(&ms->parent, ctx->val.vstr,
					 sizeof(ctx->val.vstr));
}

MDEVFW_DEVLINK_PARAM_SET(msample_port_type_set)
{
	struct msample *ms = devlink_priv(devlink);

	return mdevfw_devl_port_type_set(&ms->parent, ctx->val.vstr, extack);
}

static const struct devlink_param msample_params[] = {
	DEVLINK_PARAM_DRIVER(MSAMPLE_PARAM_ID_MAX_PORTS, "max_ports",
			     DEVLINK_PARAM_TYPE_U32,
			     BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     msample_max_ports_get, msample_max_ports_set,
			     msample_max_ports_validate),
	DEVLINK_PARAM_DRIVER(MSAMPLE_PARAM_ID_PORT_MDEV_TYPE, "port_mdev_type",
			     DEVLINK_PARAM_TYPE_STRING,
			     BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     msample_port_type_get, msample_port_type_set,
			     NULL),
};

static const struct mdevfw_parent_ops msample_parent_ops = {
	.driver = &msample_mdev_driver,
	.alias_len = 8,
};

int msample_dev_probe(struct msample_bus_dev *bdev)
{
	struct devlink *devlink;
	struct msample *ms;
	int ret;

	devlink = devlink_alloc(&msample_devlink_ops, sizeof(*ms), &bdev->dev);
	if (!devlink)
		return -ENOMEM;
	ms = devlink_priv(devlink);
	ms->devlink = devlink;
	ms->bdev = bdev;
	ms->ops = msample_parent_ops;
	ms->ops.port_index_base = port_index_base;
	ret = mdevfw_parent_init(&ms->parent, &bdev->dev, &ms->ops, bdev->ports);
	if (ret)
		goto err_free;
	mdevfw_parent_bind_devlink(&ms->parent, devlink);

	devl_lock(devlink);
	ret = msample_types_add_locked(ms);
	if (ret)
		goto err_unlock;
	ret = mdevfw_parent_register_locked(&ms->parent);
	if (ret)
		goto err_unlock;
	ret = msample_resource_register_locked(ms);
	if (ret)
		goto err_resources;
	ret = devl_params_register(devlink, msample_params,
				   ARRAY_SIZE(msample_params));
	if (ret)
		goto err_resources;
	mdevfw_devlink_reload_enable(devlink);
	ret = devl_register(devlink);
	if (ret)
		goto err_params;
	devl_unlock(devlink);
	dev_set_drvdata(&bdev->dev, ms);
	return 0;

err_params:
	devl_params_unregister(devlink, msample_params,
			       ARRAY_SIZE(msample_params));
err_resources:
	devl_resources_unregister(devlink);
	/*
	 * No mdevfw_parent_vfio_unplug() first, as msample_dev_remove()
	 * does: the lock has been held since the types were published, so
	 * no create has run, no mdev and no VFIO device exists, and the
	 * unpublish waits for nobody. Dropping the lock to unplug would let
	 * creates in.
	 */
	mdevfw_parent_unpublish_locked(&ms->parent);
err_unlock:
	devl_unlock(devlink);
	mdevfw_parent_wait(&ms->parent);
err_free:
	devlink_free(devlink);
	return ret;
}

/*
 * Before a PF is deleted, with no lock but its own device lock: waits
 * until every VFIO user of its mdevs has let go (vfio calls the request
 * operation meanwhile). From then on its mdevs get no VFIO device.
 */
void msample_dev_unplug(struct msample_bus_dev *bdev)
{
	struct msample *ms;

	device_lock(&bdev->dev);
	ms = dev_get_drvdata(&bdev->dev);
	if (ms)
		mdevfw_parent_vfio_unplug(&ms->parent);
	device_unlock(&bdev->dev);
}

void msample_dev_remove(struct msample_bus_dev *bdev)
{
	struct msample *ms = dev_get_drvdata(&bdev->dev);
	struct devlink *devlink = ms->devlink;

	/* Nothing to wait for after msample_dev_unplug(); else it waits here. */
	mdevfw_parent_vfio_unplug(&ms->parent);
	devl_lock(devlink);
	/* mdevs go first: their ttys hang up, open files see EOF/-EIO. */
	mdevfw_parent_unpublish_locked(&ms->parent);
	devl_unregister(devlink);
	devl_params_unregister(devlink, msample_params,
			       ARRAY_SIZE(msample_params));
	devl_resources_unregister(devlink);
	devl_unlock(devlink);
	/* A create or remove still sleeping in devl_lock() holds the parent. */
	mdevfw_parent_wait(&ms->parent);
	devlink_free(devlink);
}
