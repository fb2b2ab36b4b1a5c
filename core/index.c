// SPDX-License-Identifier: GPL-2.0
/*
 * The UUID -> mdev index, over every parent, and the alias index.
 *
 * A 128-bit key does not fit an xarray, so both are rhashtables: inserts
 * and removals take only a bucket lock, so the cost of a create stays flat
 * however many mdevs exist. A duplicate is found by the insert itself,
 * atomically, which is what gives -EEXIST across parents without a global
 * mutex. An entry lives from before device_add() until after device_del(),
 * so no two live mdevs can ever race for the same sysfs name.
 */
#include <linux/rhashtable.h>
#include "core.h"

static const struct rhashtable_params mdevfw_uuid_params = {
	.key_len = sizeof(guid_t),
	.key_offset = offsetof(struct mdevfw_device, uuid),
	.head_offset = offsetof(struct mdevfw_device, index_node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params mdevfw_alias_params = {
	.key_len = MDEVFW_ALIAS_MAX + 1,
	.key_offset = offsetof(struct mdevfw_device, alias),
	.head_offset = offsetof(struct mdevfw_device, alias_node),
	.automatic_shrinking = true,
};

static struct rhashtable mdevfw_uuid_index;
static struct rhashtable mdevfw_alias_index;

int mdevfw_index_init(void)
{
	int ret;

	ret = rhashtable_init(&mdevfw_uuid_index, &mdevfw_uuid_params);
	if (ret)
		return ret;
	ret = rhashtable_init(&mdevfw_alias_index, &mdevfw_alias_params);
	if (ret)
		rhashtable_destroy(&mdevfw_uuid_index);
	return ret;
}

void mdevfw_index_exit(void)
{
	/* Every mdev is gone by now: the tables must be empty. */
	WARN_ON(atomic_read(&mdevfw_uuid_index.nelems));
	WARN_ON(atomic_read(&mdevfw_alias_index.nelems));
	rhashtable_destroy(&mdevfw_alias_index);
	rhashtable_destroy(&mdevfw_uuid_index);
}

/**
 * mdevfw_index_insert() - claim an mdev's UUID and alias
 * @mdev: the mdev, with uuid and alias set
 *
 * Return: 0; -EEXIST if a live mdev on any parent has the UUID, or the
 * alias; -ENOMEM.
 */
int mdevfw_index_insert(struct mdevfw_device *mdev)
{
	int ret;

	ret = rhashtable_lookup_insert_fast(&mdevfw_uuid_index,
					    &mdev->index_node,
					    mdevfw_uuid_params);
	if (ret || !mdev->alias[0])
		return ret == -EBUSY ? -ENOMEM : ret;

	ret = rhashtable_lookup_insert_fast(&mdevfw_alias_index,
					    &mdev->alias_node,
					    mdevfw_alias_params);
	if (ret) {
		rhashtable_remove_fast(&mdevfw_uuid_index, &mdev->index_node,
				       mdevfw_uuid_params);
		/* -EEXIST tells the caller which: the UUID is free. */
		return ret == -EEXIST ? -EADDRINUSE : -ENOMEM;
	}
	return 0;
}

void mdevfw_index_remove(struct mdevfw_device *mdev)
{
	if (mdev->alias[0])
		WARN_ON(rhashtable_remove_fast(&mdevfw_alias_index,
					       &mdev->alias_node,
					       mdevfw_alias_params));
	WARN_ON(rhashtable_remove_fast(&mdevfw_uuid_index, &mdev->index_node,
				       mdevfw_uuid_params));
}
