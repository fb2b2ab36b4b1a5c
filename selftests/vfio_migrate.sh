#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VFIO migration v2 of the sample's mdevs (C, kselftest_harness): two
# msample-2 in one VM, bytes in flight both ways carried from the first
# to the second exactly; PRE_COPY; bad streams refused with their errnos;
# reset and close end a migration; a non-migratable mdev (the sample's
# "migratable" parameter off at its create) refuses migration.
#
#   vfio_migrate.sh group   through the container and group API
#   vfio_migrate.sh cdev    through iommufd and the VFIO device cdev
. "$(dirname "$0")/lib/guest.sh"
fail() { ktap_print_header; ktap_exit_fail_msg "$*"; }
mode=${1:?usage: vfio_migrate.sh group|cdev}
mdevfw_load sample || fail "cannot load the modules"
case $mode in
group) mdevfw_kmod vfio_iommu_type1 || fail "no vfio_iommu_type1 in this kernel" ;;
cdev) mdevfw_kmod iommufd || fail "no iommufd in this kernel" ;;
*) fail "usage: vfio_migrate.sh group|cdev" ;;
esac
msample_new 0 8 >/dev/null
T2=$(type_dir msample0 msample-2)
create() { local u; u=$(new_uuid); [ "$(wr "$1/create" "$u")" = OK ] && echo "$u"; }
MIG_SRC=$(create "$T2") || fail "cannot create the first msample-2"
MIG_DST=$(create "$T2") || fail "cannot create the second msample-2"
MIG_ONE=$(create "$(type_dir msample0 msample-1)") || fail "cannot create an msample-1"
param=/sys/module/mdevfw_sample/parameters/migratable
echo 0 >$param
MIG_OFF=$(create "$T2") || fail "cannot create a non-migratable msample-2"
echo 1 >$param
MIG_SRC_TTY=$(head -1 $SYS_MDEVS/$MIG_SRC/ports)
MIG_DST_TTY=$(head -1 $SYS_MDEVS/$MIG_DST/ports)
export MIG_SRC MIG_DST MIG_ONE MIG_OFF MIG_SRC_TTY MIG_DST_TTY
"$MDEVFW_TOOLS/vfio_migrate" -v "$mode"
