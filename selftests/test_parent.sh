#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The framework with a parent that has no devlink (its own mutex is the
# lifecycle lock), whose device's driver (mdevfw_tp_pf) is not its mdev
# driver (mdevfw_tp): type directories take the device driver's name, as
# upstream; types added and removed at runtime, per-type limits, an
# available callback, a failing probe that leaves nothing behind, and
# unregister with live mdevs. The parent is the platform device mdevfw_tp0.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 23
mdevfw_load || ktap_exit_fail_msg "cannot load mdevfw"
insmod "$MDEVFW_MODDIR/selftests/test-parent/mdevfw_testparent.ko" ||
	ktap_exit_fail_msg "cannot load the test parent"
P=mdevfw_tp0
TYPES=$SYS_MDEV_BUS/$P/types
PARAMS=/sys/module/mdevfw_testparent/parameters
types() { ls $SYS_MDEV_BUS/$P/mdev_supported_types | tr '\n' ' '; }

check "types at register, named after the device's driver" "$(types)" \
	"mdevfw_tp_pf-a mdevfw_tp_pf-b "
A=$(type_dir $P mdevfw_tp_pf-a)
check "name without a pretty name, no description" "$(ls "$A" | tr '\n' ' ')" \
	"available_instances create device_api devices name "
check "name falls back to the sysfs name" "$(cat "$A/name")" a
check "per-type limit" "$(cat "$A/available_instances")" 2
check "a: 1st" "$(wr $A/create "$(new_uuid)")" OK
check "a: 2nd" "$(wr $A/create "$(new_uuid)")" OK
check "a: 3rd is over the limit" "$(wr $A/create "$(new_uuid)")" EUSERS

B=$(type_dir $P mdevfw_tp_pf-b)
check "available callback" "$(cat $B/available_instances)" 3
echo 0 >$PARAMS/b_avail
check "callback says 0" "$(cat $B/available_instances)" 0
check "create refused when callback says 0" "$(wr $B/create "$(new_uuid)")" EUSERS
echo 3 >$PARAMS/b_avail

# A failing probe undoes the whole create, and the UUID stays free.
U=$(new_uuid)
echo -5 >$PARAMS/probe_err
check "probe failure returns its errno" "$(wr $B/create "$U")" EIO
check "nothing left after a failed probe" \
	"$(ls $SYS_MDEVS | grep -c "$U") $(ls $SYS_MDEV_BUS/$P/ | grep -c "$U")" "0 0"
echo 0 >$PARAMS/probe_err
check "the UUID is free after a failed probe" "$(wr $B/create "$U")" OK

# Types at runtime.
check "add type c" "$(wr $TYPES +c)" OK
check "c appears" "$(types)" "mdevfw_tp_pf-a mdevfw_tp_pf-b mdevfw_tp_pf-c "
C=$(type_dir $P mdevfw_tp_pf-c)
V=$(new_uuid)
check "create on c" "$(wr $C/create "$V")" OK
check "remove c with an mdev: EBUSY" "$(wr $TYPES -c)" EBUSY
check "remove the mdev" "$(wr $SYS_MDEVS/$V/remove 1)" OK
check "remove c" "$(wr $TYPES -c)" OK
check "c is gone" "$(types)" "mdevfw_tp_pf-a mdevfw_tp_pf-b "
check "add an existing type: EEXIST" "$(wr $TYPES +a)" EEXIST
check "remove an unknown type: ENOENT" "$(wr $TYPES -z)" ENOENT

# Unregister with live mdevs (both halves, own mutex).
rmmod mdevfw_testparent
check "unregister with live mdevs" "$(ls $SYS_MDEVS | wc -l) $(ls $SYS_MDEV_BUS | wc -l)" "0 0"
ktap_finished
