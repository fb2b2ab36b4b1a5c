#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sample's mdev as a VFIO device, through the container and group API
# with the type1 backend (C, kselftest_harness): info, config space, the
# UART to and from the host tty with INTx and MSI, reset, hostile input.
# Lanes whose kernel has VFIO_IOMMU_TYPE1 (not UML).
. "$(dirname "$0")/lib/guest.sh"
fail() { ktap_print_header; ktap_exit_fail_msg "$*"; }
mdevfw_load sample || fail "cannot load the modules"
mdevfw_kmod vfio_iommu_type1 || fail "no vfio_iommu_type1 in this kernel"
msample_new 0 8 >/dev/null
U=$(new_uuid)
[ "$(wr "$(type_dir msample0 msample-2)/create" "$U")" = OK ] || fail "cannot create an msample-2"
export VFIO_UUID=$U
VFIO_TTY0=$(head -1 $SYS_MDEVS/$U/ports)
export VFIO_TTY0
"$MDEVFW_TOOLS/vfio"
