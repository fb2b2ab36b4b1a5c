// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO personality of the sample's mdevs: each is an emulated PCI
 * serial card, a WCH CH352 (4348:3253, class 0x070002) as upstream's mtty
 * emulates, which a Linux guest's 8250_pci drives. One 16550-compatible
 * UART per port, each an 8-byte I/O BAR (BAR0, and BAR1 for msample-2);
 * INTx and MSI through eventfds; the request interrupt; reset.
 *
 * Each UART is wired to its port's host tty while a VFIO user holds the
 * device: what the guest writes to THR is read on /dev/ttyMDEV<n>, and
 * what the host writes to the tty arrives in RBR and raises the
 * interrupt. A port nobody holds through VFIO keeps its loopback.
 *
 * Locks: msample_vfio.lock (a spinlock) guards the emulated state and the
 * eventfds; port->xlock guards the port's link to the UART and every push
 * into the port's flip buffer, and is taken outside msample_vfio.lock.
 * The framework registers and unregisters the VFIO device; this file
 * never sees a lifecycle lock.
 */
#include <linux/eventfd.h>
#include <linux/pci_ids.h>
#include <linux/pci_regs.h>
#include <linux/serial_reg.h>
#include <linux/slab.h>
#include <linux/tty_flip.h>
#include <linux/vfio.h>
#include "sample.h"

#define MSAMPLE_PCI_VENDOR	0x4348	/* WCH */
#define MSAMPLE_PCI_DEVICE	0x3253	/* CH352 */
#define MSAMPLE_BAR_SIZE	8
#define MSAMPLE_MSI_CAP		0x50
/* A region's offset in the device file: its index in the top bits. */
#define MSAMPLE_OFFSET_SHIFT	40
#define MSAMPLE_OFFSET_MASK	((1ULL << MSAMPLE_OFFSET_SHIFT) - 1)

static struct msample_mdev *vdev_sm(struct vfio_device *vdev)
{
	return dev_get_drvdata(&mdevfw_vfio_mdev(vdev)->dev);
}

static void cfg_put(u8 *p, unsigned int off, u32 val, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		p[off + i] = val >> (8 * i);
}

/* Power-on state of the config space, its writable bits and the UARTs. */
static void msample_vfio_reset_locked(struct msample_mdev *sm)
{
	struct msample_vfio *v = &sm->vfio;
	unsigned int i;

	lockdep_assert_held(&v->lock);
	memset(v->cfg, 0, sizeof(v->cfg));
	memset(v->wmask, 0, sizeof(v->wmask));
	cfg_put(v->cfg, PCI_VENDOR_ID, MSAMPLE_PCI_VENDOR, 2);
	cfg_put(v->cfg, PCI_DEVICE_ID, MSAMPLE_PCI_DEVICE, 2);
	cfg_put(v->cfg, PCI_STATUS, PCI_STATUS_CAP_LIST | PCI_STATUS_DEVSEL_MEDIUM, 2);
	v->cfg[PCI_REVISION_ID] = 0x10;
	v->cfg[PCI_CLASS_PROG] = 0x02;		/* 16550-compatible */
	cfg_put(v->cfg, PCI_CLASS_DEVICE, PCI_CLASS_COMMUNICATION_SERIAL, 2);
	cfg_put(v->cfg, PCI_SUBSYSTEM_VENDOR_ID, MSAMPLE_PCI_VENDOR, 2);
	cfg_put(v->cfg, PCI_SUBSYSTEM_ID, MSAMPLE_PCI_DEVICE, 2);
	v->cfg[PCI_CAPABILITY_LIST] = MSAMPLE_MSI_CAP;
	v->cfg[PCI_INTERRUPT_PIN] = 1;		/* INTA# */
	/* I/O space, bus master, INTx disable; the interrupt line. */
	cfg_put(v->wmask, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER |
		PCI_COMMAND_INTX_DISABLE, 2);
	v->wmask[PCI_INTERRUPT_LINE] = 0xff;
	for (i = 0; i < sm->nports; i++) {
		unsigned int bar = PCI_BASE_ADDRESS_0 + 4 * i;

		cfg_put(v->cfg, bar, PCI_BASE_ADDRESS_SPACE_IO, 4);
		cfg_put(v->wmask, bar, ~(MSAMPLE_BAR_SIZE - 1) & 0xffff, 4);
	}
	/* MSI: one vector, 32-bit address. */
	v->cfg[MSAMPLE_MSI_CAP + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSI;
	v->wmask[MSAMPLE_MSI_CAP + PCI_MSI_FLAGS] = PCI_MSI_FLAGS_ENABLE;
	cfg_put(v->wmask, MSAMPLE_MSI_CAP + PCI_MSI_ADDRESS_LO, 0xfffffffc, 4);
	cfg_put(v->wmask, MSAMPLE_MSI_CAP + PCI_MSI_DATA_32, 0xffff, 2);

	memset(v->uart, 0, sizeof(v->uart));
	v->intx_masked = false;
}

void msample_vfio_init(struct msample_mdev *sm)
{
	spin_lock_init(&sm->vfio.lock);
	spin_lock(&sm->vfio.lock);
	msample_vfio_reset_locked(sm);
	spin_unlock(&sm->vfio.lock);
}

/* Whether UART @u has an interrupt to report, as IIR would say. */
static u8 uart_iir(struct msample_uart *u)
{
	u8 fifo = u->fcr & UART_FCR_ENABLE_FIFO ? 0xc0 : 0;

	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return fifo | UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thri)
		return fifo | UART_IIR_THRI;
	return fifo | UART_IIR_NO_INT;
}

static bool msample_irq_pending_locked(struct msample_mdev *sm)
{
	unsigned int i;

	for (i = 0; i < sm->nports; i++)
		if (!(uart_iir(&sm->vfio.uart[i]) & UART_IIR_NO_INT))
			return true;
	return false;
}

/* A new interrupt condition: INTx is level and masks itself until unmasked. */
static void msample_irq_raise_locked(struct msample_mdev *sm)
{
	struct msample_vfio *v = &sm->vfio;

	lockdep_assert_held(&v->lock);
	if (v->msi) {
		eventfd_signal(v->msi);
	} else if (v->intx && !v->intx_masked &&
		   !(v->cfg[PCI_COMMAND + 1] & (PCI_COMMAND_INTX_DISABLE >> 8))) {
		v->intx_masked = true;
		eventfd_signal(v->intx);
	}
}

/* From the port's tty write, under port->xlock: the host sends to the guest. */
size_t msample_vfio_rx(struct msample_mdev *sm, unsigned int nr,
		       const u8 *buf, size_t count)
{
	struct msample_vfio *v = &sm->vfio;
	struct msample_uart *u = &v->uart[nr];
	size_t done = 0;

	spin_lock(&v->lock);
	while (!v->stopped && done < count && u->rx_count < MSAMPLE_FIFO) {
		u->rx[(u->rx_head + u->rx_count) % MSAMPLE_FIFO] = buf[done++];
		u->rx_count++;
	}
	if (done && (u->ier & UART_IER_RDI))
		msample_irq_raise_locked(sm);
	spin_unlock(&v->lock);
	return done;
}

unsigned int msample_vfio_rx_room(struct msample_mdev *sm, unsigned int nr)
{
	unsigned int room;

	spin_lock(&sm->vfio.lock);
	room = sm->vfio.stopped ? 0 : MSAMPLE_FIFO - sm->vfio.uart[nr].rx_count;
	spin_unlock(&sm->vfio.lock);
	return room;
}

/*
 * From msample_port_kick(), under port->xlock while the host has the tty
 * open: the transmitter sends what the FIFO holds, unless stopped.
 * Returns the bytes put in @buf, MSAMPLE_FIFO at most.
 */
size_t msample_vfio_tx_take(struct msample_mdev *sm, unsigned int nr, u8 *buf)
{
	struct msample_vfio *v = &sm->vfio;
	struct msample_uart *u = &v->uart[nr];
	size_t n = 0;
	u8 old_iir;

	spin_lock(&v->lock);
	if (!v->stopped && u->tx_count) {
		old_iir = uart_iir(u);
		while (u->tx_count) {
			buf[n++] = u->tx[u->tx_head];
			u->tx_head = (u->tx_head + 1) % MSAMPLE_FIFO;
			u->tx_count--;
		}
		/* Sent: THR is empty again, and says so if asked to. */
		u->thri = true;
		if ((old_iir & UART_IIR_NO_INT) && !(uart_iir(u) & UART_IIR_NO_INT))
			msample_irq_raise_locked(sm);
	}
	spin_unlock(&v->lock);
	return n;
}

/*
 * One byte-wide UART register access. Returns what a read gives; a THR
 * byte for the host sets *ntx (the transmitter has work), a freed RX slot
 * sets *woke.
 */
static u8 uart_access(struct msample_mdev *sm, unsigned int nr,
		      unsigned int reg, bool write, u8 val, bool *ntx,
		      bool *woke)
{
	struct msample_uart *u = &sm->vfio.uart[nr];
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 old_iir = uart_iir(u);
	u8 ret = 0;

	switch (reg | (write ? 8 : 0)) {
	case UART_TX | 8:
		if (dlab) {
			u->dll = val;
			break;
		}
		if (u->mcr & UART_MCR_LOOP) {
			if (u->rx_count < MSAMPLE_FIFO) {
				u->rx[(u->rx_head + u->rx_count) % MSAMPLE_FIFO] = val;
				u->rx_count++;
			}
			/* Looped at once: THR is empty again. */
			u->thri = true;
		} else {
			/* To the transmitter; a full FIFO drops, as an overrun. */
			if (u->tx_count < MSAMPLE_FIFO) {
				u->tx[(u->tx_head + u->tx_count) % MSAMPLE_FIFO] = val;
				u->tx_count++;
			}
			u->thri = false;
			*ntx = true;
		}
		break;
	case UART_IER | 8:
		if (dlab) {
			u->dlm = val;
			break;
		}
		u->ier = val & 0x0f;
		if (u->ier & UART_IER_THRI)
			u->thri = true;
		break;
	case UART_FCR | 8:
		u->fcr = val & (UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_MASK);
		if (val & UART_FCR_CLEAR_RCVR) {
			u->rx_count = 0;
			*woke = true;
		}
		break;
	case UART_LCR | 8:
		u->lcr = val;
		break;
	case UART_MCR | 8:
		u->mcr = val & 0x1f;
		break;
	case UART_SCR | 8:
		u->scr = val;
		break;
	case UART_RX:
		if (dlab) {
			ret = u->dll;
		} else if (u->rx_count) {
			ret = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % MSAMPLE_FIFO;
			u->rx_count--;
			*woke = true;
		}
		break;
	case UART_IER:
		ret = dlab ? u->dlm : u->ier;
		break;
	case UART_IIR:
		ret = old_iir;
		/* Reading IIR clears a THR-empty interrupt it reports. */
		if ((ret & 0x0f) == UART_IIR_THRI)
			u->thri = false;
		break;
	case UART_LCR:
		ret = u->lcr;
		break;
	case UART_MCR:
		ret = u->mcr;
		break;
	case UART_LSR:
		ret = (u->tx_count ? 0 : UART_LSR_THRE | UART_LSR_TEMT) |
		      (u->rx_count ? UART_LSR_DR : 0);
		break;
	case UART_MSR:
		if (u->mcr & UART_MCR_LOOP)
			ret = (u->mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
			      (u->mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
			      (u->mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
			      (u->mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
		else
			ret = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
		break;
	case UART_SCR:
		ret = u->scr;
		break;
	default:	/* writes to LSR and MSR */
		break;
	}
	/* A condition that was not there before is a new interrupt. */
	if ((old_iir & UART_IIR_NO_INT) && !(uart_iir(u) & UART_IIR_NO_INT))
		msample_irq_raise_locked(sm);
	return ret;
}

static unsigned int region_size(struct msample_mdev *sm, unsigned int index)
{
	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return PCI_CFG_SPACE_SIZE;
	if (index - VFIO_PCI_BAR0_REGION_INDEX < sm->nports)
		return MSAMPLE_BAR_SIZE;
	return 0;
}

/*
 * A read or write of a region. Config space takes any length within its
 * 256 bytes, a write changing only writable bits; a BAR takes byte-wide
 * register accesses, one after the other.
 */
static ssize_t msample_vfio_rw(struct vfio_device *vdev, char __user *ubuf,
			       size_t count, loff_t *ppos, bool write)
{
	struct msample_mdev *sm = vdev_sm(vdev);
	struct msample_vfio *v = &sm->vfio;
	unsigned int index = *ppos >> MSAMPLE_OFFSET_SHIFT;
	u64 off = *ppos & MSAMPLE_OFFSET_MASK;
	unsigned int size, i, nr = 0;
	u8 buf[PCI_CFG_SPACE_SIZE];
	bool ntx = false, woke = false;

	if (index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	size = region_size(sm, index);
	if (!count)
		return 0;
	if (off >= size || count > size - off)
		return -EINVAL;
	if (write && copy_from_user(buf, ubuf, count))
		return -EFAULT;

	spin_lock(&v->lock);
	if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		for (i = 0; i < count; i++) {
			u8 *c = &v->cfg[off + i], m = v->wmask[off + i];

			if (write)
				*c = (*c & ~m) | (buf[i] & m);
			else
				buf[i] = *c;
		}
	} else {
		nr = index - VFIO_PCI_BAR0_REGION_INDEX;
		for (i = 0; i < count; i++)
			buf[i] = uart_access(sm, nr, off + i, write,
					     write ? buf[i] : 0, &ntx, &woke);
	}
	spin_unlock(&v->lock);

	if (ntx)
		msample_port_kick(sm->ports[nr]);
	if (woke)
		tty_port_tty_wakeup(&sm->ports[nr]->port);
	if (!write && copy_to_user(ubuf, buf, count))
		return -EFAULT;
	*ppos += count;
	return count;
}

static ssize_t msample_vfio_read(struct vfio_device *vdev, char __user *buf,
				 size_t count, loff_t *ppos)
{
	return msample_vfio_rw(vdev, buf, count, ppos, false);
}

static ssize_t msample_vfio_write(struct vfio_device *vdev,
				  const char __user *buf, size_t count,
				  loff_t *ppos)
{
	return msample_vfio_rw(vdev, (char __user *)buf, count, ppos, true);
}

static unsigned int msample_irq_count(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

static struct eventfd_ctx **irq_slot(struct msample_vfio *v, unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		return &v->intx;
	case VFIO_PCI_MSI_IRQ_INDEX:
		return &v->msi;
	default:
		return &v->req;
	}
}

/* Sets or (fd -1) clears the eventfd of @index. */
static int msample_set_trigger(struct msample_mdev *sm, unsigned int index,
			       int fd)
{
	struct msample_vfio *v = &sm->vfio;
	struct eventfd_ctx *ctx = NULL, *old, **slot;
	int ret = 0;

	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	spin_lock(&v->lock);
	slot = irq_slot(v, index);
	/* INTx and MSI exclude each other, as on a real function. */
	if (ctx && ((index == VFIO_PCI_INTX_IRQ_INDEX && v->msi) ||
		    (index == VFIO_PCI_MSI_IRQ_INDEX && v->intx))) {
		ret = -EINVAL;
		old = ctx;
	} else {
		old = *slot;
		*slot = ctx;
		if (index == VFIO_PCI_INTX_IRQ_INDEX)
			v->intx_masked = false;
	}
	spin_unlock(&v->lock);
	if (old)
		eventfd_ctx_put(old);
	return ret;
}

/*
 * VFIO_DEVICE_SET_IRQS, once vfio_set_irqs_validate_and_prepare() has
 * checked the header: exactly one action; INTx masks, MSI and REQ do not.
 */
static int msample_set_irqs(struct msample_mdev *sm, struct vfio_irq_set *hdr,
			    u8 *data)
{
	struct msample_vfio *v = &sm->vfio;
	u32 action = hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	bool on = type == VFIO_IRQ_SET_DATA_NONE || (hdr->count && *data);
	int ret = 0;

	if (!is_power_of_2(action))
		return -EINVAL;
	if (action != VFIO_IRQ_SET_ACTION_TRIGGER) {
		if (hdr->index != VFIO_PCI_INTX_IRQ_INDEX ||
		    type == VFIO_IRQ_SET_DATA_EVENTFD || !hdr->count)
			return -EINVAL;
		if (!on)
			return 0;
		spin_lock(&v->lock);
		if (action == VFIO_IRQ_SET_ACTION_MASK) {
			v->intx_masked = true;
		} else {
			v->intx_masked = false;
			/* Level-triggered: still pending, so again. */
			if (msample_irq_pending_locked(sm))
				msample_irq_raise_locked(sm);
		}
		spin_unlock(&v->lock);
		return 0;
	}

	if (!hdr->count)	/* only DATA_NONE with count 0: disable */
		return type == VFIO_IRQ_SET_DATA_NONE ?
		       msample_set_trigger(sm, hdr->index, -1) : -EINVAL;
	if (type == VFIO_IRQ_SET_DATA_EVENTFD)
		return msample_set_trigger(sm, hdr->index, *(s32 *)data);
	/* A loopback trigger, for testing the eventfd. */
	spin_lock(&v->lock);
	if (!*irq_slot(v, hdr->index))
		ret = -EINVAL;
	else if (on)
		eventfd_signal(*irq_slot(v, hdr->index));
	spin_unlock(&v->lock);
	return ret;
}

static long msample_vfio_ioctl(struct vfio_device *vdev, unsigned int cmd,
			       unsigned long arg)
{
	struct msample_mdev *sm = vdev_sm(vdev);
	void __user *uarg = (void __user *)arg;
	unsigned long minsz;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO: {
		struct vfio_device_info info;

		minsz = offsetofend(struct vfio_device_info, num_irqs);
		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		if (info.argsz < minsz)
			return -EINVAL;
		info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
		info.num_regions = VFIO_PCI_NUM_REGIONS;
		info.num_irqs = VFIO_PCI_NUM_IRQS;
		return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
	}
	case VFIO_DEVICE_GET_REGION_INFO: {
		struct vfio_region_info info;

		minsz = offsetofend(struct vfio_region_info, offset);
		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_REGIONS)
			return -EINVAL;
		info.size = region_size(sm, info.index);
		info.offset = (u64)info.index << MSAMPLE_OFFSET_SHIFT;
		info.flags = info.size ? VFIO_REGION_INFO_FLAG_READ |
					 VFIO_REGION_INFO_FLAG_WRITE : 0;
		info.cap_offset = 0;
		return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
	}
	case VFIO_DEVICE_GET_IRQ_INFO: {
		struct vfio_irq_info info;

		minsz = offsetofend(struct vfio_irq_info, count);
		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
			return -EINVAL;
		info.count = msample_irq_count(info.index);
		info.flags = info.count ? VFIO_IRQ_INFO_EVENTFD : 0;
		if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
			info.flags |= VFIO_IRQ_INFO_MASKABLE |
				      VFIO_IRQ_INFO_AUTOMASKED;
		else if (info.count)
			info.flags |= VFIO_IRQ_INFO_NORESIZE;
		return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
	}
	case VFIO_DEVICE_SET_IRQS: {
		struct vfio_irq_set hdr;
		size_t data_size = 0;
		u8 *data = NULL;
		int ret;

		minsz = offsetofend(struct vfio_irq_set, count);
		if (copy_from_user(&hdr, uarg, minsz))
			return -EFAULT;
		ret = vfio_set_irqs_validate_and_prepare(&hdr,
							 msample_irq_count(hdr.index),
							 VFIO_PCI_NUM_IRQS,
							 &data_size);
		if (ret)
			return ret;
		if (data_size) {
			data = memdup_user(uarg + minsz, data_size);
			if (IS_ERR(data))
				return PTR_ERR(data);
		}
		ret = msample_set_irqs(sm, &hdr, data);
		kfree(data);
		return ret;
	}
	case VFIO_DEVICE_RESET:
		spin_lock(&sm->vfio.lock);
		msample_vfio_reset_locked(sm);
		spin_unlock(&sm->vfio.lock);
		return 0;
	default:
		return -ENOTTY;
	}
}

/* Links or unlinks each port's tty to its UART. */
static void msample_vfio_link(struct msample_mdev *sm, bool on)
{
	unsigned int i;

	for (i = 0; i < sm->nports; i++) {
		struct msample_port *port = sm->ports[i];

		spin_lock(&port->xlock);
		port->vfio = on ? sm : NULL;
		port->nr = i;
		spin_unlock(&port->xlock);
		tty_port_tty_wakeup(&port->port);
		msample_port_kick(port);
	}
}

/* The first open: the mdev is the framework's open already. */
static int msample_vfio_open(struct vfio_device *vdev)
{
	struct msample_mdev *sm = vdev_sm(vdev);

	spin_lock(&sm->vfio.lock);
	msample_vfio_reset_locked(sm);
	spin_unlock(&sm->vfio.lock);
	msample_vfio_link(sm, true);
	return 0;
}

static void msample_vfio_close(struct vfio_device *vdev)
{
	struct msample_mdev *sm = vdev_sm(vdev);
	struct eventfd_ctx *ctx[3];
	unsigned int i;

	msample_vfio_link(sm, false);
	spin_lock(&sm->vfio.lock);
	ctx[0] = sm->vfio.intx;
	ctx[1] = sm->vfio.msi;
	ctx[2] = sm->vfio.req;
	sm->vfio.intx = NULL;
	sm->vfio.msi = NULL;
	sm->vfio.req = NULL;
	msample_vfio_reset_locked(sm);
	spin_unlock(&sm->vfio.lock);
	for (i = 0; i < ARRAY_SIZE(ctx); i++)
		if (ctx[i])
			eventfd_ctx_put(ctx[i]);
}

/* The mdev is being removed: ask the user, through REQ, to let go. */
static void msample_vfio_request(struct vfio_device *vdev, unsigned int count)
{
	struct msample_mdev *sm = vdev_sm(vdev);

	spin_lock(&sm->vfio.lock);
	if (sm->vfio.req)
		eventfd_signal(sm->vfio.req);
	else if (!count)
		dev_notice(vdev->dev, "removal waits for the VFIO user, who has no request eventfd\n");
	spin_unlock(&sm->vfio.lock);
}

const struct vfio_device_ops msample_vfio_ops = {
	.name = "msample-vfio",
	.open_device = msample_vfio_open,
	.close_device = msample_vfio_close,
	.read = msample_vfio_read,
	.write = msample_vfio_write,
	.ioctl = msample_vfio_ioctl,
	.request = msample_vfio_request,
};
