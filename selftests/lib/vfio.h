/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening an mdev's VFIO device from the C selftests and tools: through
 * the container and group API with type1, or through iommufd and the
 * device cdev, bound or not.
 */
#ifndef _MDEVFW_SELFTEST_VFIO_H
#define _MDEVFW_SELFTEST_VFIO_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

/* Debian 12's uapi headers predate iommufd and the VFIO cdev. */
#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};

#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)

struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};

#define VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)
#endif

struct mdevfw_iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};

#define MDEVFW_IOMMU_IOAS_ALLOC		_IO(';', 0x81)

struct vdev {
	int container, group, device;
};

static inline int vdev_open(const char *uuid, struct vdev *v)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char link[512], target[512], path[64];
	ssize_t n;

	v->container = open("/dev/vfio/vfio", O_RDWR);
	if (v->container < 0)
		return -errno;
	if (ioctl(v->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1)
		return -ENOTSUP;
	snprintf(link, sizeof(link), "/sys/bus/mdev/devices/%s/iommu_group", uuid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(target));
	v->group = open(path, O_RDWR);
	if (v->group < 0)
		return -errno;
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EINVAL;
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container) ||
	    ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	return v->device < 0 ? -errno : 0;
}

/* Through iommufd: bind the device cdev, attach it to a new IOAS. */
static inline int vdev_open_cdev(const char *uuid, struct vdev *v, bool unbound)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct mdevfw_iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	char path[512];
	struct dirent *d;
	DIR *dir;

	v->group = -1;
	v->container = -1;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vfio-dev", uuid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir)) && strncmp(d->d_name, "vfio", 4))
		;
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", d ? d->d_name : "none");
	closedir(dir);
	v->device = open(path, O_RDWR);
	if (v->device < 0)
		return -errno;
	if (unbound)
		return 0;
	v->container = open("/dev/iommu", O_RDWR);
	if (v->container < 0)
		return -errno;
	bind.iommufd = v->container;
	if (ioctl(v->device, VFIO_DEVICE_BIND_IOMMUFD, &bind) ||
	    ioctl(v->container, MDEVFW_IOMMU_IOAS_ALLOC, &ioas))
		return -errno;
	attach.pt_id = ioas.out_ioas_id;
	return ioctl(v->device, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) ? -errno : 0;
}

static inline void vdev_close(struct vdev *v)
{
	close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
}

/* VFIO_DEVICE_SET_IRQS with one eventfd (or none, -2): 0 or -errno. */
static inline int set_irq(struct vdev *v, __u32 index, __u32 flags,
			  __u32 start, __u32 count, int fd, __u32 argsz)
{
	struct {
		struct vfio_irq_set s;
		__s32 fd;
	} req = {
		.s = { .argsz = argsz ?: sizeof(req), .flags = flags,
		       .index = index, .start = start, .count = count },
		.fd = fd,
	};

	return ioctl(v->device, VFIO_DEVICE_SET_IRQS, &req) ? -errno : 0;
}

static inline int set_eventfd(struct vdev *v, __u32 index, int fd)
{
	return set_irq(v, index, VFIO_IRQ_SET_DATA_EVENTFD |
		       VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, fd, 0);
}

/* Whether the kernel has the type1 backend for the group API. */
static inline bool have_type1(void)
{
	int fd = open("/dev/vfio/vfio", O_RDWR);
	bool ret;

	if (fd < 0)
		return false;
	ret = ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 1;
	close(fd);
	return ret;
}

#endif /* _MDEVFW_SELFTEST_VFIO_H */
