// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO migration v2 for the mdevs of migratable types: the state machine,
 * the state lock, the data files and their stream format, the open count
 * of a migration and the teardown on reset, close and remove. The vendor
 * supplies only struct mdevfw_migration_ops: the size of its state, save,
 * load, and stop/restart of its device.
 *
 * The stream a save file gives and a resume file takes:
 *
 *   struct mdevfw_mig_hdr       magic, format, the vendor's version, the
 *                               state's size, "<driver>-<type>"
 *   the vendor's state          ops->state_size() bytes
 *   __le32 crc                  crc32_le(~0) of all that precedes
 *
 * A stream from another driver, type, format or vendor version is refused
 * with -EPROTONOSUPPORT, one that is not ours or is corrupt with
 * -EBADMSG (its first write that completes the header, or RESUMING ->
 * STOP), a truncated one with -ENODATA, an overlong write with -EFBIG.
 *
 * Locks (Documentation/locking.rst): mig->lock, the state lock, a mutex
 * per mdev, is taken by the VFIO migration ioctls, by the reset ioctl and
 * by close_device (under vfio's device-set lock); under it, a file's own
 * lock, and under that the vendor's locks and parent->open_lock. It is
 * never held with the lifecycle lock, in either order: the lifecycle
 * paths touch a migration only once its VFIO device is closed.
 *
 * A file never looks at the mdev: everything it needs is in it, so a
 * user may keep it open after the mdev and its parent are gone.
 */
#include <linux/anon_inodes.h>
#include <linux/crc32.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include "core.h"

/* The type and the driver can migrate: the VFIO device offers it. */
static bool mdevfw_mig_capable(struct mdevfw_device *mdev)
{
	const struct mdevfw_driver *drv = mdev->parent->ops->driver;

	return IS_ENABLED(CONFIG_VFIO) && drv->vfio_ops && drv->mig_ops &&
	       mdev->type->info->migratable;
}

/* Whether a new mdev starts migratable: it does if it can. */
void mdevfw_mig_create_locked(struct mdevfw_device *mdev)
{
	mdevfw_assert_locked(mdev->parent);
	mdev->migratable = mdevfw_mig_capable(mdev);
}

#if IS_ENABLED(CONFIG_VFIO)

#define MDEVFW_MIG_MAGIC	0x474d57465645444dULL	/* "MDEVFWMG" */
#define MDEVFW_MIG_FORMAT	1
#define MDEVFW_MIG_TYPE_LEN	48
#define MDEVFW_MIG_FLAGS	(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | \
				 VFIO_MIGRATION_PRE_COPY)

struct mdevfw_mig_hdr {
	__le64 magic;
	__le32 format;
	__le32 hdr_size;
	__le32 vendor_version;
	__le32 state_size;
	char type[MDEVFW_MIG_TYPE_LEN];
};

/*
 * A data file, the save or the resume side. @lock guards the rest;
 * @disabled once the device is done with it (the transfer ended, reset,
 * close): from then on it reads and writes -ENODEV.
 */
struct mdevfw_mig_file {
	struct file *filp;
	struct mutex lock;	/* everything below */
	bool disabled;
	bool precopy;		/* save: the device is in a PRE_COPY state */
	int err;		/* resume: a refused header, for good */
	size_t filled;		/* save: bytes to read; resume: bytes written */
	size_t size;		/* of the whole stream */
	struct mdevfw_mig_hdr want;	/* the header of this device */
	u8 data[];
};

/* An mdev's migration, from its VFIO registration to its unregistration. */
struct mdevfw_mig {
	struct mutex lock;		/* the state lock: all below */
	struct mdevfw_device *mdev;
	struct vfio_device *vdev;
	const struct mdevfw_migration_ops *ops;
	enum vfio_device_mig_state state;
	bool stopped;			/* ops->stop(true) was the last call */
	bool open;			/* the migration's open count is held */
	struct mdevfw_mig_file *saving, *resuming;
};

static size_t mdevfw_mig_state_size(struct mdevfw_mig *mig)
{
	return mig->ops->state_size(mig->mdev);
}

static size_t mdevfw_mig_stream_size(struct mdevfw_mig *mig)
{
	return sizeof(struct mdevfw_mig_hdr) + mdevfw_mig_state_size(mig) +
	       sizeof(__le32);
}

static void mdevfw_mig_fill_hdr(struct mdevfw_mig *mig,
				struct mdevfw_mig_hdr *hdr)
{
	struct mdevfw_device *mdev = mig->mdev;

	memset(hdr, 0, sizeof(*hdr));
	hdr->magic = cpu_to_le64(MDEVFW_MIG_MAGIC);
	hdr->format = cpu_to_le32(MDEVFW_MIG_FORMAT);
	hdr->hdr_size = cpu_to_le32(sizeof(*hdr));
	hdr->vendor_version = cpu_to_le32(mig->ops->version);
	hdr->state_size = cpu_to_le32(mdevfw_mig_state_size(mig));
	snprintf(hdr->type, sizeof(hdr->type), "%s-%s",
		 mdevfw_type_prefix(mdev->parent), mdev->type->info->sysfs_name);
}

static int mdevfw_mig_release(struct inode *inode, struct file *filp)
{
	struct mdevfw_mig_file *f = filp->private_data;

	mutex_destroy(&f->lock);
	kvfree(f);
	return 0;
}

static ssize_t mdevfw_mig_read(struct file *filp, char __user *buf,
			       size_t len, loff_t *pos)
{
	struct mdevfw_mig_file *f = filp->private_data;
	ssize_t ret = 0;

	if (pos)
		return -ESPIPE;
	pos = &filp->f_pos;
	mutex_lock(&f->lock);
	if (f->disabled) {
		ret = -ENODEV;
	} else if (*pos > f->filled) {
		ret = -EINVAL;
	} else {
		len = min_t(size_t, f->filled - *pos, len);
		if (len && copy_to_user(buf, f->data + *pos, len)) {
			ret = -EFAULT;
		} else {
			*pos += len;
			ret = len;
		}
	}
	mutex_unlock(&f->lock);
	return ret;
}

/* The header just became complete: is it this device's? */
static int mdevfw_mig_check_hdr(struct mdevfw_mig_file *f)
{
	const struct mdevfw_mig_hdr *hdr = (void *)f->data;

	if (hdr->magic != f->want.magic)
		return -EBADMSG;
	if (hdr->format != f->want.format || hdr->hdr_size != f->want.hdr_size ||
	    hdr->vendor_version != f->want.vendor_version ||
	    hdr->state_size != f->want.state_size ||
	    memcmp(hdr->type, f->want.type, sizeof(hdr->type)))
		return -EPROTONOSUPPORT;
	return 0;
}

static ssize_t mdevfw_mig_write(struct file *filp, const char __user *buf,
				size_t len, loff_t *pos)
{
	struct mdevfw_mig_file *f = filp->private_data;
	const size_t hsz = sizeof(struct mdevfw_mig_hdr);
	ssize_t ret;

	if (pos)
		return -ESPIPE;
	pos = &filp->f_pos;
	mutex_lock(&f->lock);
	if (f->disabled) {
		ret = -ENODEV;
	} else if (f->err) {
		ret = f->err;
	} else if (*pos < 0 || *pos > f->size || len > f->size - *pos) {
		ret = -EFBIG;
	} else if (copy_from_user(f->data + *pos, buf, len)) {
		ret = -EFAULT;
	} else {
		ret = len;
		if (*pos < hsz && *pos + len >= hsz) {
			f->err = mdevfw_mig_check_hdr(f);
			ret = f->err ?: ret;
		}
		if (!f->err) {
			*pos += len;
			f->filled = max_t(size_t, f->filled, *pos);
		}
	}
	mutex_unlock(&f->lock);
	return ret;
}

static long mdevfw_mig_precopy_ioctl(struct file *filp, unsigned int cmd,
				     unsigned long arg)
{
	struct mdevfw_mig_file *f = filp->private_data;
	struct vfio_precopy_info info = {};
	unsigned long minsz;
	int ret = 0;

	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;
	minsz = offsetofend(struct vfio_precopy_info, dirty_bytes);
	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	mutex_lock(&f->lock);
	if (f->disabled)
		ret = -ENODEV;
	else if (!f->precopy || filp->f_pos > f->filled)
		ret = -EINVAL;
	else
		info.initial_bytes = f->filled - filp->f_pos;
	mutex_unlock(&f->lock);
	if (ret)
		return ret;
	info.dirty_bytes = 0;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static const struct file_operations mdevfw_mig_save_fops = {
	.owner = THIS_MODULE,
	.read = mdevfw_mig_read,
	.unlocked_ioctl = mdevfw_mig_precopy_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = mdevfw_mig_release,
};

static const struct file_operations mdevfw_mig_resume_fops = {
	.owner = THIS_MODULE,
	.write = mdevfw_mig_write,
	.release = mdevfw_mig_release,
};

static struct mdevfw_mig_file *mdevfw_mig_file_new(struct mdevfw_mig *mig,
						   bool save)
{
	size_t size = mdevfw_mig_stream_size(mig);
	struct mdevfw_mig_file *f;

	f = kvzalloc(struct_size(f, data, size), GFP_KERNEL_ACCOUNT);
	if (!f)
		return ERR_PTR(-ENOMEM);
	mutex_init(&f->lock);
	f->size = size;
	mdevfw_mig_fill_hdr(mig, &f->want);
	f->filp = anon_inode_getfile("mdevfw_mig",
				     save ? &mdevfw_mig_save_fops :
					    &mdevfw_mig_resume_fops,
				     f, save ? O_RDONLY : O_WRONLY);
	if (IS_ERR(f->filp)) {
		struct file *err = f->filp;

		mutex_destroy(&f->lock);
		kvfree(f);
		return ERR_CAST(err);
	}
	stream_open(f->filp->f_inode, f->filp);
	if (save) {
		memcpy(f->data, &f->want, sizeof(f->want));
		f->filled = sizeof(f->want);
	}
	return f;
}

/* The device is done with @f: the user's reads and writes end. */
static void mdevfw_mig_file_drop(struct mdevfw_mig_file **fp)
{
	struct mdevfw_mig_file *f = *fp;

	if (!f)
		return;
	mutex_lock(&f->lock);
	f->disabled = true;
	f->filled = 0;
	mutex_unlock(&f->lock);
	fput(f->filp);
	*fp = NULL;
}

/* STOP_COPY: the state and the checksum after the header. */
static int mdevfw_mig_save(struct mdevfw_mig *mig)
{
	struct mdevfw_mig_file *f = mig->saving;
	size_t hsz = sizeof(struct mdevfw_mig_hdr);
	size_t ssz = f->size - hsz - sizeof(__le32);
	__le32 crc;
	int ret;

	mutex_lock(&f->lock);
	f->precopy = false;
	ret = mig->ops->save(mig->mdev, f->data + hsz, ssz);
	if (!ret) {
		crc = cpu_to_le32(crc32_le(~0, f->data, hsz + ssz));
		memcpy(f->data + hsz + ssz, &crc, sizeof(crc));
		f->filled = f->size;
	}
	mutex_unlock(&f->lock);
	return ret;
}

/* RESUMING -> STOP: the whole stream, checked, becomes the device's state. */
static int mdevfw_mig_load(struct mdevfw_mig *mig)
{
	struct mdevfw_mig_file *f = mig->resuming;
	size_t hsz = sizeof(struct mdevfw_mig_hdr);
	size_t ssz = f->size - hsz - sizeof(__le32);
	__le32 crc;
	int ret;

	mutex_lock(&f->lock);
	memcpy(&crc, f->data + hsz + ssz, sizeof(crc));
	if (f->err)
		ret = f->err;
	else if (f->filled < f->size)
		ret = -ENODATA;
	else if (le32_to_cpu(crc) != crc32_le(~0, f->data, hsz + ssz))
		ret = -EBADMSG;
	else
		ret = mig->ops->load(mig->mdev, f->data + hsz, ssz);
	mutex_unlock(&f->lock);
	return ret;
}

static void mdevfw_mig_stop(struct mdevfw_mig *mig, bool stop)
{
	if (mig->stopped == stop)
		return;
	mig->ops->stop(mig->mdev, stop);
	mig->stopped = stop;
}

/* A migration in progress is an open of the mdev, and is counted. */
static int mdevfw_mig_hold_open(struct mdevfw_mig *mig, bool hold)
{
	struct mdevfw_device *mdev = mig->mdev;
	struct mdevfw_parent *parent = mdev->parent;
	int ret = 0;

	lockdep_assert_held(&mig->lock);
	if (mig->open == hold)
		return 0;
	raw_spin_lock_irq(&parent->open_lock);
	if (hold) {
		ret = mdevfw_open_locked(mdev);
		if (!ret)
			parent->nr_migrating++;
	} else {
		mdevfw_close_locked(mdev);
		if (!WARN_ON(!parent->nr_migrating))
			parent->nr_migrating--;
	}
	raw_spin_unlock_irq(&parent->open_lock);
	if (!ret)
		mig->open = hold;
	return ret;
}

/* One arc of the state machine; a file for the arcs that start one. */
static struct file *mdevfw_mig_step(struct mdevfw_mig *mig,
				    enum vfio_device_mig_state new)
{
	enum vfio_device_mig_state cur = mig->state;
	struct mdevfw_mig_file *f;
	int ret;

	/* u32: 6.1 has no PRE_COPY in the enum (see mdevfw_compat.h). */
	switch ((u32)cur) {
	case VFIO_DEVICE_STATE_RUNNING:
		if (new == VFIO_DEVICE_STATE_RUNNING_P2P)
			return NULL;
		break;
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		if (new == VFIO_DEVICE_STATE_RUNNING)
			return NULL;
		if (new == VFIO_DEVICE_STATE_STOP) {
			mdevfw_mig_stop(mig, true);
			return NULL;
		}
		break;
	case VFIO_DEVICE_STATE_STOP:
		if (new == VFIO_DEVICE_STATE_RUNNING_P2P) {
			mdevfw_mig_stop(mig, false);
			return NULL;
		}
		if (new == VFIO_DEVICE_STATE_STOP_COPY ||
		    new == VFIO_DEVICE_STATE_RESUMING) {
			bool save = new == VFIO_DEVICE_STATE_STOP_COPY;

			f = mdevfw_mig_file_new(mig, save);
			if (IS_ERR(f))
				return ERR_CAST(f);
			if (save) {
				mig->saving = f;
				ret = mdevfw_mig_save(mig);
			} else {
				mig->resuming = f;
				ret = 0;
			}
			if (ret) {
				mdevfw_mig_file_drop(&mig->saving);
				return ERR_PTR(ret);
			}
			return get_file(f->filp);
		}
		break;
	case VFIO_DEVICE_STATE_STOP_COPY:
		if (new == VFIO_DEVICE_STATE_STOP) {
			mdevfw_mig_file_drop(&mig->saving);
			return NULL;
		}
		break;
	case VFIO_DEVICE_STATE_RESUMING:
		if (new == VFIO_DEVICE_STATE_STOP) {
			ret = mdevfw_mig_load(mig);
			if (ret)
				return ERR_PTR(ret);
			mdevfw_mig_file_drop(&mig->resuming);
			return NULL;
		}
		break;
	case VFIO_DEVICE_STATE_PRE_COPY:
		if (new == VFIO_DEVICE_STATE_PRE_COPY_P2P)
			return NULL;
		if (new == VFIO_DEVICE_STATE_RUNNING) {
			mdevfw_mig_file_drop(&mig->saving);
			return NULL;
		}
		break;
	case VFIO_DEVICE_STATE_PRE_COPY_P2P:
		if (new == VFIO_DEVICE_STATE_PRE_COPY)
			return NULL;
		if (new == VFIO_DEVICE_STATE_RUNNING_P2P) {
			mdevfw_mig_file_drop(&mig->saving);
			return NULL;
		}
		if (new == VFIO_DEVICE_STATE_STOP_COPY) {
			mdevfw_mig_stop(mig, true);
			ret = mdevfw_mig_save(mig);
			return ret ? ERR_PTR(ret) : NULL;
		}
		break;
	default:
		break;
	}
	/* RUNNING or RUNNING_P2P -> their PRE_COPY: a file with the header. */
	if ((cur == VFIO_DEVICE_STATE_RUNNING &&
	     new == VFIO_DEVICE_STATE_PRE_COPY) ||
	    (cur == VFIO_DEVICE_STATE_RUNNING_P2P &&
	     new == VFIO_DEVICE_STATE_PRE_COPY_P2P)) {
		f = mdevfw_mig_file_new(mig, true);
		if (IS_ERR(f))
			return ERR_CAST(f);
		f->precopy = true;
		mig->saving = f;
		return get_file(f->filp);
	}
	/* vfio_mig_get_next_state() gives no other arc. */
	WARN_ON(1);
	return ERR_PTR(-EINVAL);
}

static struct mdevfw_mig *vdev_mig(struct vfio_device *vdev)
{
	return mdevfw_vfio_mdev(vdev)->mig;
}

static struct file *mdevfw_mig_set_state(struct vfio_device *vdev,
					 enum vfio_device_mig_state new)
{
	struct mdevfw_mig *mig = vdev_mig(vdev);
	enum vfio_device_mig_state next;
	struct file *filp = NULL;
	int ret;

	mdevfw_assert_unlocked(mig->mdev->parent);
	mutex_lock(&mig->lock);
	if (new != VFIO_DEVICE_STATE_RUNNING) {
		ret = mdevfw_mig_hold_open(mig, true);
		if (ret) {
			filp = ERR_PTR(ret);
			goto out;
		}
	}
	while (mig->state != new) {
		ret = vfio_mig_get_next_state(vdev, mig->state, new, &next);
		if (ret) {
			filp = ERR_PTR(ret);
			break;
		}
		filp = mdevfw_mig_step(mig, next);
		if (IS_ERR(filp))
			break;
		mig->state = next;
		/* Only the last arc may start a transfer. */
		if (WARN_ON(filp && next != new)) {
			fput(filp);
			filp = ERR_PTR(-EINVAL);
			break;
		}
	}
out:
	if (mig->state == VFIO_DEVICE_STATE_RUNNING)
		mdevfw_mig_hold_open(mig, false);
	mutex_unlock(&mig->lock);
	return filp;
}

static int mdevfw_mig_get_state(struct vfio_device *vdev,
				enum vfio_device_mig_state *state)
{
	struct mdevfw_mig *mig = vdev_mig(vdev);

	mutex_lock(&mig->lock);
	*state = mig->state;
	mutex_unlock(&mig->lock);
	return 0;
}

static int __maybe_unused
mdevfw_mig_get_data_size(struct vfio_device *vdev,
			 unsigned long *stop_copy_length)
{
	*stop_copy_length = mdevfw_mig_stream_size(vdev_mig(vdev));
	return 0;
}

static const struct vfio_migration_ops mdevfw_mig_vfio_ops = {
	.migration_set_state = mdevfw_mig_set_state,
	.migration_get_state = mdevfw_mig_get_state,
	/* 6.3 added the operation and VFIO_DEVICE_FEATURE_MIG_DATA_SIZE. */
#ifdef VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
	.migration_get_data_size = mdevfw_mig_get_data_size,
#endif
};

/* Back to RUNNING, the files ended: reset and close. */
static void mdevfw_mig_teardown(struct mdevfw_mig *mig)
{
	mdevfw_assert_unlocked(mig->mdev->parent);
	mutex_lock(&mig->lock);
	mdevfw_mig_file_drop(&mig->saving);
	mdevfw_mig_file_drop(&mig->resuming);
	mdevfw_mig_stop(mig, false);
	mig->state = VFIO_DEVICE_STATE_RUNNING;
	mdevfw_mig_hold_open(mig, false);
	mutex_unlock(&mig->lock);
}

/* Publishes the VFIO side of mdev->migratable: open_lock held. */
static void mdevfw_mig_publish(struct mdevfw_device *mdev)
{
	struct mdevfw_mig *mig = mdev->mig;

	lockdep_assert_held(&mdev->parent->open_lock);
	if (!mig)
		return;
	mig->vdev->migration_flags = mdev->migratable ? MDEVFW_MIG_FLAGS : 0;
	WRITE_ONCE(mig->vdev->mig_ops,
		   mdev->migratable ? &mdevfw_mig_vfio_ops : NULL);
}

/*
 * From mdevfw_vfio_register_locked(), before the VFIO device is
 * registered: the migration of an mdev of a migratable type.
 */
int mdevfw_mig_init(struct mdevfw_device *mdev, struct vfio_device *vdev)
{
	const struct mdevfw_migration_ops *ops = mdev->parent->ops->driver->mig_ops;
	struct mdevfw_mig *mig;

	mdevfw_assert_locked(mdev->parent);
	if (!mdevfw_mig_capable(mdev))
		return 0;
	mig = kzalloc(sizeof(*mig), GFP_KERNEL);
	if (!mig)
		return -ENOMEM;
	mutex_init(&mig->lock);
	mig->mdev = mdev;
	mig->vdev = vdev;
	mig->ops = ops;
	mig->state = VFIO_DEVICE_STATE_RUNNING;
	raw_spin_lock_irq(&mdev->parent->open_lock);
	mdev->mig = mig;
	mdevfw_mig_publish(mdev);
	raw_spin_unlock_irq(&mdev->parent->open_lock);
	return 0;
}

/*
 * The VFIO device is unregistered (or never was): no ioctl and no close
 * can come, and close tore every file down.
 */
void mdevfw_mig_exit(struct mdevfw_device *mdev)
{
	struct mdevfw_mig *mig = mdev->mig;

	if (!mig)
		return;
	WARN_ON(mig->saving || mig->resuming || mig->open ||
		mig->state != VFIO_DEVICE_STATE_RUNNING);
	raw_spin_lock_irq(&mdev->parent->open_lock);
	mdev->mig = NULL;
	raw_spin_unlock_irq(&mdev->parent->open_lock);
	mutex_destroy(&mig->lock);
	kfree(mig);
}

/* From close_device, under vfio's device-set lock, before the vendor's. */
void mdevfw_mig_close(struct mdevfw_device *mdev)
{
	if (mdev->mig)
		mdevfw_mig_teardown(mdev->mig);
}

/* VFIO_DEVICE_RESET ends a migration: RUNNING, no file. */
void mdevfw_mig_reset(struct mdevfw_device *mdev)
{
	if (mdev->mig)
		mdevfw_mig_teardown(mdev->mig);
}

#endif /* CONFIG_VFIO */

/**
 * mdevfw_device_migratable() - whether an mdev can migrate now
 * @mdev: a probed mdev
 *
 * Return: true if its type is migratable, its driver has migration
 * operations and the administrator (or the vendor) has not disabled it.
 */
bool mdevfw_device_migratable(struct mdevfw_device *mdev)
{
	return READ_ONCE(mdev->migratable);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_device_migratable);

/**
 * mdevfw_device_set_migratable_locked() - enable or disable migration
 * @mdev: an mdev of a migratable type
 * @enable: whether its VFIO device offers migration
 *
 * As mlx5's migratable port function: the capability changes only while
 * the function is detached. In the vendor's probe, before the VFIO
 * device exists, any time; later only while nobody has the mdev open
 * and, if it has a devlink port, its function is inactive (which refuses
 * every open until it is active again). A VFIO device without migration
 * answers every VFIO_DEVICE_FEATURE of migration with -ENOTTY, as vfio
 * answers for any device that cannot migrate.
 *
 * Context: the lifecycle lock is held.
 * Return: 0; -EOPNOTSUPP if the type or the driver cannot migrate, or
 * (with CONFIG_VFIO_DEBUGFS, whose state file would call a vanished
 * operation) once the VFIO device is registered; -EBUSY while the mdev
 * is open or its port function active.
 */
int mdevfw_device_set_migratable_locked(struct mdevfw_device *mdev,
					bool enable)
{
	struct mdevfw_parent *parent = mdev->parent;
	int ret = 0;

	mdevfw_assert_locked(parent);
	if (!mdevfw_mig_capable(mdev))
		return -EOPNOTSUPP;
	raw_spin_lock_irq(&parent->open_lock);
	if (mdev->migratable == enable)
		goto unlock;
	if (mdev->vfio_state != MDEVFW_VFIO_NONE) {
		if (IS_ENABLED(CONFIG_VFIO_DEBUGFS)) {
			ret = -EOPNOTSUPP;
			goto unlock;
		}
		if (mdev->nr_open || (mdev->port && !mdev->fn_inactive)) {
			ret = -EBUSY;
			goto unlock;
		}
	}
	WRITE_ONCE(mdev->migratable, enable);
#if IS_ENABLED(CONFIG_VFIO)
	mdevfw_mig_publish(mdev);
#endif
unlock:
	raw_spin_unlock_irq(&parent->open_lock);
	return ret;
}
EXPORT_SYMBOL_MDEVFW(mdevfw_device_set_migratable_locked);

/* devlink's port function "migratable", for devlink/port.c. */
int mdevfw_port_fn_migratable_get(struct mdevfw_device *mdev, bool *enable,
				  struct netlink_ext_ack *extack)
{
	mdevfw_assert_locked(mdev->parent);
	if (!mdevfw_mig_capable(mdev))
		return -EOPNOTSUPP;
	*enable = mdev->migratable;
	return 0;
}

int mdevfw_port_fn_migratable_set(struct mdevfw_device *mdev, bool enable,
				  struct netlink_ext_ack *extack)
{
	int ret = mdevfw_device_set_migratable_locked(mdev, enable);

	if (ret == -EOPNOTSUPP)
		NL_SET_ERR_MSG_MOD(extack, "this mdev's type cannot migrate");
	else if (ret == -EBUSY)
		NL_SET_ERR_MSG_MOD(extack,
				   "migratable changes only while the function is inactive; set state inactive first");
	return ret;
}
