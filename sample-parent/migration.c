// SPDX-License-Identifier: GPL-2.0
/*
 * Live migration of the emulated PCI serial card (VFIO migration v2):
 * the sample's part of it, struct mdevfw_migration_ops. The framework
 * runs the state machine, the data files, the stream's header and its
 * checksum (core/migration.c); here are only the card's state, its save
 * and load, and stopping the card.
 *
 * The state, version 1 (MSAMPLE_MIG_VERSION), all bytes, so the same on
 * every host: the config space (the BARs and the command register the
 * guest programmed), INTx's mask, and per UART its registers and the
 * bytes in flight both ways: RX, from the host to the guest, not yet
 * read from RBR, and TX, from the guest to the host, not yet sent to the
 * tty. A stopped card takes no byte from the host tty (its write room is
 * 0) and sends none to it, so the state saved is the state loaded.
 */
#include <linux/serial_reg.h>
#include "sample.h"

#define MSAMPLE_MIG_VERSION	1

struct msample_mig_uart {
	u8 ier, lcr, mcr, fcr, scr, dll, dlm, thri;
	u8 rx_head, rx_count, tx_head, tx_count;
	u8 rx[MSAMPLE_FIFO];
	u8 tx[MSAMPLE_FIFO];
};

struct msample_mig_state {
	u8 nports;
	u8 intx_masked;
	u8 reserved[6];
	u8 cfg[256];
	struct msample_mig_uart uart[];
};

static struct msample_mdev *mdev_sm(struct mdevfw_device *mdev)
{
	return dev_get_drvdata(&mdev->dev);
}

static size_t msample_mig_state_size(struct mdevfw_device *mdev)
{
	struct msample_mig_state *st;

	return struct_size(st, uart, mdev_sm(mdev)->nports);
}

static int msample_mig_save(struct mdevfw_device *mdev, void *buf,
			    size_t size)
{
	struct msample_mdev *sm = mdev_sm(mdev);
	struct msample_vfio *v = &sm->vfio;
	struct msample_mig_state *st = buf;
	unsigned int i;

	if (WARN_ON(size != struct_size(st, uart, sm->nports)))
		return -EINVAL;
	memset(st, 0, size);
	st->nports = sm->nports;
	spin_lock(&v->lock);
	st->intx_masked = v->intx_masked;
	memcpy(st->cfg, v->cfg, sizeof(st->cfg));
	for (i = 0; i < sm->nports; i++) {
		struct msample_uart *u = &v->uart[i];
		struct msample_mig_uart *m = &st->uart[i];

		m->ier = u->ier;
		m->lcr = u->lcr;
		m->mcr = u->mcr;
		m->fcr = u->fcr;
		m->scr = u->scr;
		m->dll = u->dll;
		m->dlm = u->dlm;
		m->thri = u->thri;
		m->rx_head = u->rx_head;
		m->rx_count = u->rx_count;
		m->tx_head = u->tx_head;
		m->tx_count = u->tx_count;
		memcpy(m->rx, u->rx, sizeof(m->rx));
		memcpy(m->tx, u->tx, sizeof(m->tx));
	}
	spin_unlock(&v->lock);
	return 0;
}

/* A value no register of ours can hold is a stream we refuse. */
static bool msample_mig_uart_ok(const struct msample_mig_uart *m)
{
	return !(m->ier & ~0x0f) && !(m->mcr & ~0x1f) &&
	       !(m->fcr & ~(UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_MASK)) &&
	       m->thri <= 1 && m->rx_head < MSAMPLE_FIFO &&
	       m->rx_count <= MSAMPLE_FIFO && m->tx_head < MSAMPLE_FIFO &&
	       m->tx_count <= MSAMPLE_FIFO;
}

static int msample_mig_load(struct mdevfw_device *mdev, const void *buf,
			    size_t size)
{
	struct msample_mdev *sm = mdev_sm(mdev);
	struct msample_vfio *v = &sm->vfio;
	const struct msample_mig_state *st = buf;
	unsigned int i;
	int ret = 0;

	if (size != struct_size(st, uart, sm->nports) ||
	    st->nports != sm->nports || st->intx_masked > 1 ||
	    memchr_inv(st->reserved, 0, sizeof(st->reserved)))
		return -EINVAL;
	for (i = 0; i < sm->nports; i++)
		if (!msample_mig_uart_ok(&st->uart[i]))
			return -EINVAL;

	spin_lock(&v->lock);
	/* The read-only bits of config space are the card's: the same. */
	for (i = 0; i < sizeof(st->cfg); i++)
		if ((st->cfg[i] ^ v->cfg[i]) & ~v->wmask[i])
			ret = -EINVAL;
	if (!ret) {
		memcpy(v->cfg, st->cfg, sizeof(v->cfg));
		v->intx_masked = st->intx_masked;
		for (i = 0; i < sm->nports; i++) {
			struct msample_uart *u = &v->uart[i];
			const struct msample_mig_uart *m = &st->uart[i];

			u->ier = m->ier;
			u->lcr = m->lcr;
			u->mcr = m->mcr;
			u->fcr = m->fcr;
			u->scr = m->scr;
			u->dll = m->dll;
			u->dlm = m->dlm;
			u->thri = m->thri;
			u->rx_head = m->rx_head;
			u->rx_count = m->rx_count;
			u->tx_head = m->tx_head;
			u->tx_count = m->tx_count;
			memcpy(u->rx, m->rx, sizeof(u->rx));
			memcpy(u->tx, m->tx, sizeof(u->tx));
		}
	}
	spin_unlock(&v->lock);
	return ret;
}

/* Stopped: no byte in from the host tty, none out to it. */
static void msample_mig_stop(struct mdevfw_device *mdev, bool stop)
{
	struct msample_mdev *sm = mdev_sm(mdev);
	unsigned int i;

	spin_lock(&sm->vfio.lock);
	sm->vfio.stopped = stop;
	spin_unlock(&sm->vfio.lock);
	if (stop)
		return;
	/* Running again: send what waited, let the host write again. */
	for (i = 0; i < sm->nports; i++) {
		msample_port_kick(sm->ports[i]);
		tty_port_tty_wakeup(&sm->ports[i]->port);
	}
}

const struct mdevfw_migration_ops msample_mig_ops = {
	.version = MSAMPLE_MIG_VERSION,
	.state_size = msample_mig_state_size,
	.save = msample_mig_save,
	.load = msample_mig_load,
	.stop = msample_mig_stop,
};
