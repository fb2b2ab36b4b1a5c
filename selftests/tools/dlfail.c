// SPDX-License-Identifier: GPL-2.0
/*
 * dlfail: send one devlink request over generic netlink and print its
 * result the way wr does: OK or the errno name, then " injected" if a
 * fault was injected, then ": " and the kernel's extack message if it
 * sent one.
 *
 *   dlfail port-add BUS/DEV PFNUM [SFNUM]     DEVLINK_CMD_PORT_NEW, pcisf
 *   dlfail port-del BUS/DEV INDEX             DEVLINK_CMD_PORT_DEL
 *   dlfail eswitch-set BUS/DEV legacy|switchdev|N
 *                                             DEVLINK_CMD_ESWITCH_SET
 *   dlfail reload BUS/DEV                     DEVLINK_CMD_RELOAD, driver_reinit
 *   dlfail state BUS/DEV                      "MODE NPORTS": eswitch mode and
 *                                             port count, no injection
 *
 * A raw eswitch mode N reaches the kernel's policy check. A port-add that
 * succeeds also prints the new port, as BUS/DEV/INDEX, on stderr.
 *
 * With WR_FAIL_NTH=N in the environment, the Nth allocation of the
 * kernel's handling of the request fails: /proc/self/fail-nth is armed
 * after the "devlink" family is resolved, right before the one sendmsg()
 * of the request, and disarmed right after it. Netlink handles the
 * request, and queues its reply and ack, inside that sendmsg(). With
 * WR_FAIL_SERVE=1 it sends the request once per N read from standard
 * input, each on a socket of its own (failnth.h).
 *
 * Exit status: 0 for OK, 1 for an errno, 2 for a usage or setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "failnth.h"

#define BUF_SIZE 32768

struct req {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[512];
};

static union {
	struct nlmsghdr nlh;
	char buf[BUF_SIZE];
} rx;

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: dlfail port-add BUS/DEV PFNUM [SFNUM]\n"
		"       dlfail port-del BUS/DEV INDEX\n"
		"       dlfail eswitch-set BUS/DEV legacy|switchdev|N\n"
		"       dlfail reload BUS/DEV\n"
		"       dlfail state BUS/DEV\n");
	exit(2);
}

static void fatal(const char *what)
{
	fprintf(stderr, "dlfail: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void put_attr(struct req *r, unsigned short type, const void *data,
		     size_t len)
{
	struct nlattr *nla = (struct nlattr *)((char *)r +
					       NLMSG_ALIGN(r->nlh.nlmsg_len));
	size_t total = NLA_HDRLEN + len;

	if (NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_ALIGN(total) > sizeof(*r)) {
		fprintf(stderr, "dlfail: request too long\n");
		exit(2);
	}
	nla->nla_type = type;
	nla->nla_len = total;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	memset((char *)nla + total, 0, NLA_ALIGN(total) - total);
	r->nlh.nlmsg_len = NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_ALIGN(total);
}

static void put_str(struct req *r, unsigned short type, const char *s)
{
	put_attr(r, type, s, strlen(s) + 1);
}

static void put_u8(struct req *r, unsigned short type, uint8_t v)
{
	put_attr(r, type, &v, sizeof(v));
}

static void put_u16(struct req *r, unsigned short type, uint16_t v)
{
	put_attr(r, type, &v, sizeof(v));
}

static void put_u32(struct req *r, unsigned short type, uint32_t v)
{
	put_attr(r, type, &v, sizeof(v));
}

static void init_req(struct req *r, uint16_t family, uint8_t cmd,
		     uint8_t version)
{
	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = family;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->nlh.nlmsg_seq = 1;
	r->genl.cmd = cmd;
	r->genl.version = version;
}

static unsigned long parse_num(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max) {
		fprintf(stderr, "dlfail: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* The first attribute of type @type in @len bytes at @attrs, or NULL. */
static struct nlattr *find_attr(void *attrs, int len, unsigned short type)
{
	struct nlattr *nla = attrs;

	while (len >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&
	       nla->nla_len <= len) {
		if ((nla->nla_type & NLA_TYPE_MASK) == type)
			return nla;
		len -= NLA_ALIGN(nla->nla_len);
		nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len));
	}
	return NULL;
}

struct result {
	int err;		/* 0, or a positive errno */
	char msg[256];		/* the extack message, if any */
	int has_value;
	uint32_t value;		/* the u16 or u32 attribute asked for */
};

static const char *errname(int err)
{
	static char num[16];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(num, sizeof(num), "E%d", err);
	return num;
}

/* One datagram into rx: its length, or -1 with errno (EINTR retried). */
static int nl_recv(int fd)
{
	ssize_t n;

	do {
		n = recv(fd, rx.buf, sizeof(rx.buf), 0);
	} while (n < 0 && errno == EINTR);
	return n;
}

/*
 * Read until the ack of request @seq and fill @res, with the value of
 * attribute @attr (@size 2 or 4 bytes) of a reply if there is one.
 * -1 if recv() failed.
 */
static int read_ack(int fd, uint32_t seq, unsigned short attr, int size,
		    struct result *res)
{
	memset(res, 0, sizeof(*res));
	for (;;) {
		struct nlmsghdr *nlh;
		int len = nl_recv(fd);

		if (len < 0)
			return -1;
		for (nlh = &rx.nlh; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			struct nlmsgerr *e = NLMSG_DATA(nlh);
			struct nlattr *nla;
			int alen, off;

			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type != NLMSG_ERROR) {
				/* A reply: a family, or devlink's new port. */
				alen = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
				nla = find_attr((char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
						alen, attr);
				if (attr && nla && nla->nla_len >= NLA_HDRLEN + size) {
					uint16_t v16;

					if (size == 2) {
						memcpy(&v16, (char *)nla + NLA_HDRLEN, 2);
						res->value = v16;
					} else {
						memcpy(&res->value, (char *)nla + NLA_HDRLEN, 4);
					}
					res->has_value = 1;
				}
				continue;
			}
			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
				res->err = EPROTO;
				return 0;
			}
			res->err = -e->error;
			if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
				return 0;
			/* The extack TLVs follow the (capped) request. */
			off = NLMSG_LENGTH(sizeof(*e));
			if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
				off += NLMSG_ALIGN(e->msg.nlmsg_len -
						   sizeof(struct nlmsghdr));
			if (off >= (int)nlh->nlmsg_len)
				return 0;
			nla = find_attr((char *)nlh + off, nlh->nlmsg_len - off,
					NLMSGERR_ATTR_MSG);
			if (nla && nla->nla_len > NLA_HDRLEN)
				snprintf(res->msg, sizeof(res->msg), "%.*s",
					 (int)(nla->nla_len - NLA_HDRLEN),
					 (char *)nla + NLA_HDRLEN);
			return 0;
		}
	}
}

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		fatal("socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fatal("bind");
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) < 0)
		fatal("setsockopt");
	return fd;
}

static ssize_t nl_send(int fd, struct req *r)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct iovec iov = { .iov_base = r, .iov_len = r->nlh.nlmsg_len };
	struct msghdr msg = {
		.msg_name = &kernel,
		.msg_namelen = sizeof(kernel),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};

	return sendmsg(fd, &msg, 0);
}

/* Whether the attributes of @nlh name the instance @bus/@dev. */
static int names_dev(struct nlmsghdr *nlh, const char *bus, const char *dev)
{
	char *attrs = (char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	int alen = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	struct nlattr *b = find_attr(attrs, alen, DEVLINK_ATTR_BUS_NAME);
	struct nlattr *d = find_attr(attrs, alen, DEVLINK_ATTR_DEV_NAME);

	return b && d &&
	       b->nla_len == NLA_HDRLEN + strlen(bus) + 1 &&
	       d->nla_len == NLA_HDRLEN + strlen(dev) + 1 &&
	       !memcmp((char *)b + NLA_HDRLEN, bus, strlen(bus) + 1) &&
	       !memcmp((char *)d + NLA_HDRLEN, dev, strlen(dev) + 1);
}

/* The number of ports of @bus/@dev in a port dump, or -1 with errno. */
static int count_ports(int fd, uint16_t family, const char *bus,
		       const char *dev)
{
	int count = 0;
	struct req r;

	init_req(&r, family, DEVLINK_CMD_PORT_GET, DEVLINK_GENL_VERSION);
	r.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.nlh.nlmsg_seq = 3;
	put_str(&r, DEVLINK_ATTR_BUS_NAME, bus);
	put_str(&r, DEVLINK_ATTR_DEV_NAME, dev);
	if (nl_send(fd, &r) < 0)
		return -1;
	for (;;) {
		struct nlmsghdr *nlh;
		int len = nl_recv(fd);

		if (len < 0)
			return -1;
		for (nlh = &rx.nlh; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != r.nlh.nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int ret = 0;

				/* A dump that failed says so in its DONE. */
				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(ret)))
					memcpy(&ret, NLMSG_DATA(nlh), sizeof(ret));
				if (ret < 0) {
					errno = -ret;
					return -1;
				}
				return count;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				errno = nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) ?
					-e->error : EPROTO;
				return -1;
			}
			/* Before 6.4 a dump ignores the handle: filter here. */
			if (names_dev(nlh, bus, dev))
				count++;
		}
	}
}

/*
 * dlfail state BUS/DEV: "MODE NPORTS", the instance's eswitch mode and
 * its number of ports, or the errno name of the eswitch get (ENODEV: no
 * such instance). One program where the faults test ran devlink and jq.
 */
static int state(int fd, uint16_t family, const char *bus, const char *dev)
{
	struct result res;
	struct req r;
	int n;

	init_req(&r, family, DEVLINK_CMD_ESWITCH_GET, DEVLINK_GENL_VERSION);
	r.nlh.nlmsg_seq = 2;
	put_str(&r, DEVLINK_ATTR_BUS_NAME, bus);
	put_str(&r, DEVLINK_ATTR_DEV_NAME, dev);
	if (nl_send(fd, &r) < 0)
		fatal("sendmsg (eswitch get)");
	if (read_ack(fd, r.nlh.nlmsg_seq, DEVLINK_ATTR_ESWITCH_MODE, 2, &res) < 0)
		fatal("recv (eswitch get)");
	if (res.err || !res.has_value) {
		printf("%s\n", res.err ? errname(res.err) : "no mode");
		return 1;
	}
	n = count_ports(fd, family, bus, dev);
	if (n < 0) {
		printf("%s\n", errname(errno));
		return 1;
	}
	printf("%s %d\n", res.value == DEVLINK_ESWITCH_MODE_LEGACY ? "legacy" :
	       res.value == DEVLINK_ESWITCH_MODE_SWITCHDEV ? "switchdev" : "other", n);
	return 0;
}

static uint16_t devlink_family(int fd)
{
	struct result res;
	struct req r;

	init_req(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	put_str(&r, CTRL_ATTR_FAMILY_NAME, DEVLINK_GENL_NAME);
	if (nl_send(fd, &r) < 0)
		fatal("sendmsg (family)");
	if (read_ack(fd, r.nlh.nlmsg_seq, CTRL_ATTR_FAMILY_ID, 2, &res) < 0)
		fatal("recv (family)");
	if (res.err || !res.has_value) {
		fprintf(stderr, "dlfail: no devlink family: %s\n",
			res.err ? strerror(res.err) : "no id");
		exit(2);
	}
	return res.value;
}

struct dl {
	struct req r;
	const char *bus, *dev;
};

static int dl_one(const char *nth, void *ctx)
{
	struct dl *d = ctx;
	int fd, nth_fd, injected, err;
	struct result res;
	ssize_t n;

	fd = nl_open();
	nth_fd = failnth_arm_nth(nth);
	if (nth_fd == -2)
		return 2;
	n = nl_send(fd, &d->r);
	err = errno;
	injected = failnth_disarm(nth_fd);
	if (nth_fd >= 0)
		close(nth_fd);
	if (injected < 0)
		return 2;
	if (n < 0) {
		printf("%s%s\n", errname(err), injected ? " injected" : "");
		close(fd);
		return 1;
	}
	if (read_ack(fd, d->r.nlh.nlmsg_seq, DEVLINK_ATTR_PORT_INDEX, 4, &res) < 0) {
		/* ENOBUFS: the kernel could not queue the ack. */
		printf("%s%s\n", errname(errno), injected ? " injected" : "");
		close(fd);
		return 1;
	}
	printf("%s%s%s%s\n", res.err ? errname(res.err) : "OK",
	       injected ? " injected" : "", res.msg[0] ? ": " : "", res.msg);
	if (!res.err && res.has_value)
		fprintf(stderr, "%s/%s/%u\n", d->bus, d->dev, res.value);
	close(fd);
	return res.err ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct dl d;
	struct req *r = &d.r;
	char *bus, *slash;
	uint16_t family;
	int fd;

	if (argc < 3)
		bad_usage();
	bus = argv[2];
	slash = strchr(bus, '/');
	if (!slash || slash == bus || !slash[1] || strchr(slash + 1, '/'))
		bad_usage();
	*slash = '\0';
	d.bus = bus;
	d.dev = slash + 1;

	fd = nl_open();
	family = devlink_family(fd);
	if (!strcmp(argv[1], "state") && argc == 3)
		return state(fd, family, d.bus, d.dev);
	close(fd);
	init_req(r, family, 0, DEVLINK_GENL_VERSION);
	r->nlh.nlmsg_seq = 2;
	if (!strcmp(argv[1], "port-add") && (argc == 4 || argc == 5)) {
		r->genl.cmd = DEVLINK_CMD_PORT_NEW;
		put_str(r, DEVLINK_ATTR_BUS_NAME, d.bus);
		put_str(r, DEVLINK_ATTR_DEV_NAME, d.dev);
		put_u16(r, DEVLINK_ATTR_PORT_FLAVOUR, DEVLINK_PORT_FLAVOUR_PCI_SF);
		put_u16(r, DEVLINK_ATTR_PORT_PCI_PF_NUMBER, parse_num(argv[3], UINT16_MAX));
		if (argc == 5)
			put_u32(r, DEVLINK_ATTR_PORT_PCI_SF_NUMBER,
				parse_num(argv[4], UINT32_MAX));
	} else if (!strcmp(argv[1], "port-del") && argc == 4) {
		r->genl.cmd = DEVLINK_CMD_PORT_DEL;
		put_str(r, DEVLINK_ATTR_BUS_NAME, d.bus);
		put_str(r, DEVLINK_ATTR_DEV_NAME, d.dev);
		put_u32(r, DEVLINK_ATTR_PORT_INDEX, parse_num(argv[3], UINT32_MAX));
	} else if (!strcmp(argv[1], "eswitch-set") && argc == 4) {
		uint16_t mode;

		if (!strcmp(argv[3], "legacy"))
			mode = DEVLINK_ESWITCH_MODE_LEGACY;
		else if (!strcmp(argv[3], "switchdev"))
			mode = DEVLINK_ESWITCH_MODE_SWITCHDEV;
		else
			mode = parse_num(argv[3], UINT16_MAX);
		r->genl.cmd = DEVLINK_CMD_ESWITCH_SET;
		put_str(r, DEVLINK_ATTR_BUS_NAME, d.bus);
		put_str(r, DEVLINK_ATTR_DEV_NAME, d.dev);
		put_u16(r, DEVLINK_ATTR_ESWITCH_MODE, mode);
	} else if (!strcmp(argv[1], "reload") && argc == 3) {
		r->genl.cmd = DEVLINK_CMD_RELOAD;
		put_str(r, DEVLINK_ATTR_BUS_NAME, d.bus);
		put_str(r, DEVLINK_ATTR_DEV_NAME, d.dev);
		put_u8(r, DEVLINK_ATTR_RELOAD_ACTION,
		       DEVLINK_RELOAD_ACTION_DRIVER_REINIT);
	} else {
		bad_usage();
	}
	return failnth_main(dl_one, &d);
}
