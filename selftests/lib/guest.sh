#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for selftests that run inside the test VM (scripts/vm-run.sh).
# Source it; it brings the kernel's ktap_helpers.sh with it.

: "${MDEVFW_MODDIR:?run me in the VM: scripts/vm-run.sh}"
: "${MDEVFW_KSRC:?}"
# shellcheck source=/dev/null
. "$MDEVFW_KSRC/tools/testing/selftests/kselftest/ktap_helpers.sh"

MDEVFW_TOOLS=${MDEVFW_TOP:-$PWD}/.build/tools
SYS_MSAMPLE=/sys/bus/msample
SYS_MDEV_BUS=/sys/class/mdev_bus
SYS_MDEVS=/sys/bus/mdev/devices

# loaded NAME: whether module NAME is loaded (from a builtin: under TCG
# every program started costs a second or more).
loaded() {
	local m rest
	while read -r m rest; do
		[ "$m" = "$1" ] && return 0
	done </proc/modules
	return 1
}

# mdevfw_modprobe ARGS...: modprobe from the lane's module root, which
# build-modules.sh made: the kernel's modules and ours, with their
# depmod. The host's modprobe.d does not apply.
mdevfw_modprobe() {
	modprobe -C /dev/null -d "$MDEVFW_MODDIR/modroot" "$@"
}

# mdevfw_kmod NAME: load a module of the lane's kernel, with its
# dependencies; true if it is loaded or built in.
mdevfw_kmod() {
	loaded "$1" && return 0
	# Built in (then /sys/module has it if it has parameters).
	[ -d "/sys/module/$1" ] && return 0
	mdevfw_modprobe -q "$1"
}

# vfio_has_cdev: whether the kernel's vfio has the device cdev
# (VFIO_DEVICE_CDEV). /dev/vfio/devices says so only while a device exists.
vfio_has_cdev() {
	mdevfw_kmod vfio 2>/dev/null && grep -qw vfio_device_fops_cdev_open /proc/kallsyms
}

# mdevfw_load [sample [PARAM=VALUE...]]: load the framework (and what it
# needs of the kernel's modules, such as vfio), and the sample parent.
# One modprobe: a module already loaded stays as it is.
mdevfw_load() {
	if [ "${1:-}" = sample ]; then
		mdevfw_modprobe mdevfw_sample "${@:2}"
	else
		mdevfw_modprobe mdevfw
	fi
}

# mdevfw_unload: the sample (if loaded), then the framework.
mdevfw_unload() {
	! loaded mdevfw_sample || rmmod mdevfw_sample || return
	! loaded mdevfw || rmmod mdevfw
}

# wr FILE DATA [LEN]: write DATA exactly (no newline added) in one write(2),
# or its first LEN bytes padded with NULs;
# prints OK or the errno name (EINVAL, EEXIST, ...).
wr() {
	"$MDEVFW_TOOLS/wr" "$@"
}

# msample_new ID [PORTS] / msample_del ID
msample_new() { wr $SYS_MSAMPLE/new_device "$*"; }
msample_del() { wr $SYS_MSAMPLE/del_device "$1"; }

# type_dir PARENT TYPE: the type's directory.
type_dir() { echo "$SYS_MDEV_BUS/$1/mdev_supported_types/$2"; }

# check DESC ACTUAL EXPECTED: one TAP case comparing exact strings.
check() {
	if [ "$2" = "$3" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: got '$2', want '$3'"
		ktap_test_fail "$1"
	fi
}

# check_cmd DESC CMD...: one TAP case that passes if CMD succeeds.
check_cmd() {
	local desc=$1
	shift
	if "$@"; then
		ktap_test_pass "$desc"
	else
		ktap_print_msg "$desc: '$*' failed"
		ktap_test_fail "$desc"
	fi
}

# A fresh random UUID, lower case.
new_uuid() { cat /proc/sys/kernel/random/uuid; }

# kernel_before MAJOR.MINOR: whether the running kernel is older, for the
# few results that differ on 6.1 (include/mdevfw_compat.h has the list).
kernel_before() {
	local v
	v=$(uname -r)
	v=${v%%-*}
	v=${v%.*}
	[ "$v" != "$1" ] && [ "$(printf '%s\n%s\n' "$v" "$1" | sort -V | head -1)" = "$v" ]
}
