#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sample's mdev as a VFIO device (C, kselftest_harness): info, config
# space, both UARTs to and from their host ttys with INTx and MSI, reset,
# hostile input.
#
#   vfio.sh group   through the container and group API with the type1
#                   backend (lanes whose kernel has VFIO_IOMMU_TYPE1: not UML)
#   vfio.sh cdev    through iommufd and the VFIO device cdev (lanes whose
#                   kernel has IOMMUFD and VFIO_DEVICE_CDEV: not Debian's)
# A lane lists only the ways its kernel has: the test does not skip.
. "$(dirname "$0")/lib/guest.sh"
fail() { ktap_print_header; ktap_exit_fail_msg "$*"; }
mode=${1:?usage: vfio.sh group|cdev}
mdevfw_load sample || fail "cannot load the modules"
case $mode in
group) mdevfw_kmod vfio_iommu_type1 || fail "no vfio_iommu_type1 in this kernel" ;;
cdev) mdevfw_kmod iommufd || fail "no iommufd in this kernel" ;;
*) fail "usage: vfio.sh group|cdev" ;;
esac
msample_new 0 8 >/dev/null
U=$(new_uuid)
[ "$(wr "$(type_dir msample0 msample-2)/create" "$U")" = OK ] || fail "cannot create an msample-2"
export VFIO_UUID=$U
VFIO_TTY0=$(sed -n 1p $SYS_MDEVS/$U/ports)
VFIO_TTY1=$(sed -n 2p $SYS_MDEVS/$U/ports)
export VFIO_TTY0 VFIO_TTY1
"$MDEVFW_TOOLS/vfio" -v "$mode"
