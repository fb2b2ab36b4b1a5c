#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""devlink param set of a u32 runtime param, sent even when the value is
the current one (iproute2's devlink sends nothing then).

Usage: dl_param_set.py BUS DEV NAME VALUE; exit 0, or 1 with the errno.
"""
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
# include/uapi/linux/devlink.h
DEVLINK_CMD_PARAM_SET = 39
DEVLINK_ATTR_BUS_NAME = 1
DEVLINK_ATTR_DEV_NAME = 2
DEVLINK_ATTR_PARAM_NAME = 81
DEVLINK_ATTR_PARAM_TYPE = 83
DEVLINK_ATTR_PARAM_VALUE_DATA = 86
DEVLINK_ATTR_PARAM_VALUE_CMODE = 87
DEVLINK_PARAM_TYPE_U32 = 3          # NLA_U32
DEVLINK_PARAM_CMODE_RUNTIME = 0


def attr(kind, data):
    hdr = struct.pack("HH", 4 + len(data), kind)
    return hdr + data + b"\0" * (-len(data) % 4)


def string(kind, text):
    return attr(kind, text.encode() + b"\0")


def request(sock, family, cmd, attrs):
    body = struct.pack("BBH", cmd, 1, 0) + b"".join(attrs)
    msg = struct.pack("IHHII", 16 + len(body), family,
                      NLM_F_REQUEST | NLM_F_ACK, 1, 0) + body
    sock.send(msg)
    reply = b""
    while True:
        data = sock.recv(65536)
        off = 0
        while off < len(data):
            length, kind = struct.unpack_from("IH", data, off)
            if kind == NLMSG_ERROR:
                err = struct.unpack_from("i", data, off + 16)[0]
                return err, reply
            reply = data[off + 20:off + length]
            off += (length + 3) & ~3


def main():
    bus, dev, name, value = sys.argv[1:5]
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    err, reply = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                         [string(CTRL_ATTR_FAMILY_NAME, "devlink")])
    family = None
    off = 0
    while err == 0 and off < len(reply):
        length, kind = struct.unpack_from("HH", reply, off)
        if kind == CTRL_ATTR_FAMILY_ID:
            family = struct.unpack_from("H", reply, off + 4)[0]
        off += (length + 3) & ~3
    if family is None:
        print("no devlink family: %s" % os.strerror(-err))
        return 1
    err, _ = request(sock, family, DEVLINK_CMD_PARAM_SET, [
        string(DEVLINK_ATTR_BUS_NAME, bus),
        string(DEVLINK_ATTR_DEV_NAME, dev),
        string(DEVLINK_ATTR_PARAM_NAME, name),
        attr(DEVLINK_ATTR_PARAM_TYPE, struct.pack("B", DEVLINK_PARAM_TYPE_U32)),
        attr(DEVLINK_ATTR_PARAM_VALUE_DATA, struct.pack("I", int(value))),
        attr(DEVLINK_ATTR_PARAM_VALUE_CMODE,
             struct.pack("B", DEVLINK_PARAM_CMODE_RUNTIME)),
    ])
    if err:
        print(os.strerror(-err))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
