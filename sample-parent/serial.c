// SPDX-License-Identifier: GPL-2.0
/*
 * The data path: each port is a tty, /dev/ttyMDEV<n>, that loops what is
 * written back to its readers.
 *
 * Hot-unplug follows the USB serial pattern. Removing a port hangs its tty
 * up synchronously: from then on reads see EOF and writes -EIO, and no
 * tty operation reaches this file again. The port's memory is refcounted
 * by its tty_port and freed by the last close, so nothing here ever waits
 * for user space. The port carries everything its operations need (the
 * loopback flag too), so they never touch the mdev.
 *
 * A port's number stays taken until its tty's last close, as usb-serial
 * keeps a minor until its port's last reference goes: until then the tty
 * core keeps the hung-up tty in the number's slot, and an open of a new
 * port with that number would find the old tty and fail.
 */
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/tty_flip.h>
#include "sample.h"

static struct tty_driver *msample_tty_driver;
/*
 * index -> port, or NULL once the port is revoked while its number is
 * still held; a leaf lock, which also guards each port's index_refs.
 */
static DEFINE_IDR(msample_ports);
static DEFINE_SPINLOCK(msample_ports_lock);

/*
 * Drops one hold on a port's number: the port's registered tty device
 * holds it until the revoke has unregistered it, and a tty holds it from
 * install to its final release. The last one frees the number.
 */
static void msample_index_put(struct msample_port *port)
{
	spin_lock(&msample_ports_lock);
	if (!WARN_ON(!port->index_refs) && !--port->index_refs)
		idr_remove(&msample_ports, port->index);
	spin_unlock(&msample_ports_lock);
}

static void msample_port_destruct(struct tty_port *tport)
{
	kfree(container_of(tport, struct msample_port, port));
}

static void msample_port_listen(struct msample_port *port, bool on);

/*
 * The first open of a port counts as an open of its mdev, which the
 * framework refuses while the eswitch mode changes; the shutdown, at the
 * last close or at the revoke's hangup, ends it. Both run under
 * port.mutex, as does the revoke's clearing of port->mdev.
 */
static int msample_port_activate(struct tty_port *tport, struct tty_struct *tty)
{
	struct msample_port *port = container_of(tport, struct msample_port, port);
	int ret;

	if (!port->mdev)
		return -ENODEV;
	ret = mdevfw_device_open(port->mdev);
	if (ret)
		return ret;
	port->opened = port->mdev;
	msample_port_listen(port, true);
	return 0;
}

static void msample_port_shutdown(struct tty_port *tport)
{
	struct msample_port *port = container_of(tport, struct msample_port, port);

	msample_port_listen(port, false);
	if (port->opened)
		mdevfw_device_close(port->opened);
	port->opened = NULL;
}

static const struct tty_port_operations msample_port_ops = {
	.activate = msample_port_activate,
	.shutdown = msample_port_shutdown,
	.destruct = msample_port_destruct,
};

static int msample_tty_install(struct tty_driver *driver, struct tty_struct *tty)
{
	struct msample_port *port;
	int ret;

	/* A revoked port is not found: its entry is NULL. */
	spin_lock(&msample_ports_lock);
	port = idr_find(&msample_ports, tty->index);
	if (port) {
		tty_port_get(&port->port);
		port->index_refs++;
	}
	spin_unlock(&msample_ports_lock);
	if (!port)
		return -ENODEV;

	ret = tty_port_install(&port->port, driver, tty);
	if (ret) {
		msample_index_put(port);
		tty_port_put(&port->port);
		return ret;
	}
	tty->driver_data = port;
	return 0;
}

/*
 * The tty's last close, under tty_mutex: the tty core empties the
 * number's slot right after this, before any open can look at it, so the
 * number may go to a new port now.
 */
static void msample_tty_shutdown(struct tty_struct *tty)
{
	msample_index_put(tty->driver_data);
}

static void msample_tty_cleanup(struct tty_struct *tty)
{
	struct msample_port *port = tty->driver_data;

	tty->driver_data = NULL;
	tty_port_put(&port->port);
}

static int msample_tty_open(struct tty_struct *tty, struct file *filp)
{
	return tty_port_open(tty->port, tty, filp);
}

static void msample_tty_close(struct tty_struct *tty, struct file *filp)
{
	tty_port_close(tty->port, tty, filp);
}

static void msample_tty_hangup(struct tty_struct *tty)
{
	tty_port_hangup(tty->port);
}

/* The signature changed in 6.6: see MDEVFW_TTY_WRITE() in mdevfw_compat.h. */
MDEVFW_TTY_WRITE(msample_tty_write)
{
	struct msample_port *port = tty->driver_data;
	size_t done = count;

	spin_lock(&port->xlock);
	if (port->vfio) {
		/* A VFIO user holds the mdev: to its guest's receiver. */
		done = msample_vfio_rx(port->vfio, port->nr, buf, count);
	} else if (READ_ONCE(port->loopback)) {
		done = tty_insert_flip_string(&port->port, buf, count);
		if (done)
			tty_flip_buffer_push(&port->port);
	}
	spin_unlock(&port->xlock);
	return done;
}

static unsigned int msample_tty_write_room(struct tty_struct *tty)
{
	struct msample_port *port = tty->driver_data;
	unsigned int room = 4096;

	spin_lock(&port->xlock);
	if (port->vfio)
		room = msample_vfio_rx_room(port->vfio, port->nr);
	else if (READ_ONCE(port->loopback))
		room = tty_buffer_space_avail(&port->port);
	spin_unlock(&port->xlock);
	return room;
}

/*
 * The UART's transmitter: what the guest sent, the host reads on the tty,
 * once it has the tty open (else the bytes wait in the UART's FIFO).
 */
void msample_port_kick(struct msample_port *port)
{
	u8 buf[MSAMPLE_FIFO];
	size_t n = 0;

	spin_lock(&port->xlock);
	if (port->vfio && port->listening)
		n = msample_vfio_tx_take(port->vfio, port->nr, buf);
	if (n && tty_insert_flip_string(&port->port, buf, n))
		tty_flip_buffer_push(&port->port);
	spin_unlock(&port->xlock);
}

static void msample_port_listen(struct msample_port *port, bool on)
{
	spin_lock(&port->xlock);
	port->listening = on;
	spin_unlock(&port->xlock);
	if (on)
		msample_port_kick(port);
}

static const struct tty_operations msample_tty_ops = {
	.install = msample_tty_install,
	.shutdown = msample_tty_shutdown,
	.cleanup = msample_tty_cleanup,
	.open = msample_tty_open,
	.close = msample_tty_close,
	.hangup = msample_tty_hangup,
	.write = msample_tty_write,
	.write_room = msample_tty_write_room,
};

/* Makes a port and its /dev node, a child of @mdev. */
struct msample_port *msample_port_create(struct mdevfw_device *mdev)
{
	struct msample_port *port;
	struct device *tty_dev;
	int index;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return ERR_PTR(-ENOMEM);
	tty_port_init(&port->port);
	port->port.ops = &msample_port_ops;
	port->loopback = true;
	port->mdev = mdev;
	spin_lock_init(&port->xlock);

	idr_preload(GFP_KERNEL);
	spin_lock(&msample_ports_lock);
	index = idr_alloc(&msample_ports, NULL, 0, MSAMPLE_MAX_PORTS, GFP_NOWAIT);
	spin_unlock(&msample_ports_lock);
	idr_preload_end();
	if (index < 0) {
		tty_port_put(&port->port);
		return ERR_PTR(index == -ENOSPC ? -EUSERS : index);
	}
	port->index = index;
	port->index_refs = 1;

	tty_dev = tty_port_register_device(&port->port, msample_tty_driver,
					   index, &mdev->dev);
	if (IS_ERR(tty_dev)) {
		msample_index_put(port);
		tty_port_put(&port->port);
		return ERR_CAST(tty_dev);
	}
	/* Only a registered port can be opened. */
	spin_lock(&msample_ports_lock);
	idr_replace(&msample_ports, port, index);
	spin_unlock(&msample_ports_lock);
	return port;
}

/*
 * Revokes a port: no new opens, the mdev's open count ended, open ttys
 * hung up now; the number and the memory go at the last close.
 */
void msample_port_destroy(struct msample_port *port)
{
	spin_lock(&msample_ports_lock);
	idr_replace(&msample_ports, NULL, port->index);
	spin_unlock(&msample_ports_lock);
	/*
	 * End the mdev's open count here, under port.mutex, rather than
	 * trust the hangup to reach our shutdown: from now on shutdown never
	 * touches the mdev, whatever the tty layer does.
	 */
	mutex_lock(&port->port.mutex);
	port->mdev = NULL;
	if (port->opened)
		mdevfw_device_close(port->opened);
	port->opened = NULL;
	mutex_unlock(&port->port.mutex);
	tty_port_tty_vhangup(&port->port);
	tty_unregister_device(msample_tty_driver, port->index);
	/* Only now: a new port with this number registers its device anew. */
	msample_index_put(port);
	tty_port_put(&port->port);
}

void msample_port_set_loopback(struct msample_port *port, bool on)
{
	WRITE_ONCE(port->loopback, on);
}

int msample_serial_init(void)
{
	struct tty_driver *driver;
	int ret;

	/*
	 * RESET_TERMIOS: a new mdev's tty must not inherit the settings of
	 * the last user of its number (echo on a loopback, say). Not
	 * RESET_SAVED_TERMIOS, whose kfree() at registration races the tty
	 * core saving termios right after our shutdown freed the number.
	 */
	driver = tty_alloc_driver(MSAMPLE_MAX_PORTS, TTY_DRIVER_REAL_RAW |
				  TTY_DRIVER_DYNAMIC_DEV | TTY_DRIVER_RESET_TERMIOS);
	if (IS_ERR(driver))
		return PTR_ERR(driver);
	driver->driver_name = MSAMPLE_NAME;
	driver->name = "ttyMDEV";
	driver->major = 0;
	driver->type = TTY_DRIVER_TYPE_SERIAL;
	driver->subtype = SERIAL_TYPE_NORMAL;
	/* A loopback must not echo: raw output, no echo, line-at-a-time input. */
	driver->init_termios = tty_std_termios;
	driver->init_termios.c_iflag = 0;
	driver->init_termios.c_oflag = 0;
	driver->init_termios.c_lflag = ICANON;
	driver->init_termios.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL;
	driver->init_termios.c_ispeed = 115200;
	driver->init_termios.c_ospeed = 115200;
	tty_set_operations(driver, &msample_tty_ops);
	ret = tty_register_driver(driver);
	if (ret) {
		tty_driver_kref_put(driver);
		return ret;
	}
	msample_tty_driver = driver;
	return 0;
}

void msample_serial_exit(void)
{
	WARN_ON(!idr_is_empty(&msample_ports));
	idr_destroy(&msample_ports);
	tty_unregister_driver(msample_tty_driver);
	tty_driver_kref_put(msample_tty_driver);
}
