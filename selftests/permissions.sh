#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An unprivileged user (uid 65534, no capabilities) gets EACCES or EPERM
# on every writable file of ours and every devlink command we support,
# and changes nothing.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 18
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
msample_new 1 4 >/dev/null
U=$(new_uuid)
wr "$(type_dir msample1 msample-1)/create" "$U" >/dev/null
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
nwr() { nobody "$MDEVFW_TOOLS/wr" "$@"; }

check "create" "$(nwr "$(type_dir msample1 msample-1)/create" "$(new_uuid)")" EACCES
check "remove" "$(nwr $SYS_MDEVS/$U/remove 1)" EACCES
check "vendor attribute" "$(nwr $SYS_MDEVS/$U/loopback 0)" EACCES
check "new_device" "$(nwr $SYS_MSAMPLE/new_device 2)" EACCES
check "del_device" "$(nwr $SYS_MSAMPLE/del_device 1)" EACCES
err=$(nobody devlink dev param set msample/msample1 name max_ports value 8 cmode runtime 2>&1)
check "devlink param set" "$?|${err##*: }" "1|Operation not permitted"
# Every devlink command of ours, in legacy and in switchdev mode.
D=msample/msample1
ndl() {
	local err
	err=$(nobody devlink "$@" 2>&1)
	echo "$?|${err##*: }"
}
check "eswitch set" "$(ndl dev eswitch set $D mode switchdev)" "1|Operation not permitted"
check "port_mdev_type param set" \
	"$(ndl dev param set $D name port_mdev_type value msample-2 cmode runtime)" "1|Operation not permitted"
devlink dev eswitch set $D mode switchdev
check "port add" "$(ndl port add $D flavour pcisf pfnum 0 sfnum 3)" "1|Operation not permitted"
check "port del" "$(ndl port del $D/0)" "1|Operation not permitted"
check "port function set" "$(ndl port function set $D/0 hw_addr 02:00:00:00:00:01)" "1|Operation not permitted"
check "eswitch set back" "$(ndl dev eswitch set $D mode legacy)" "1|Operation not permitted"
check "port show is allowed" "$(nobody devlink port show $D/0 | head -1)" \
	"$D/0: type notset flavour pcisf controller 0 pfnum 0 sfnum 0 splittable false"
# devlink's own rule: eswitch get needs CAP_NET_ADMIN like its set.
check "eswitch show is not" "$(ndl dev eswitch show $D)" "1|Operation not permitted"
check "devlink state unchanged" \
	"$(devlink port show $D/0 | tail -1) $(devlink -j port show | jq '.port | length') $(devlink -j dev param show $D name port_mdev_type | jq -r '.param[][0].values[0].value')" \
	"    hw_addr 00:00:00:00:00:00 state active opstate attached 1 msample-1"
check "reads are allowed" \
	"$(nobody cat "$(type_dir msample1 msample-1)/available_instances" $SYS_MDEVS/$U/loopback | tr '\n' ' ')" "3 1 "
check "nothing changed" \
	"$(ls $SYS_MDEVS | tr '\n' ' ')$(ls /sys/bus/msample/devices | tr '\n' ' ')$(cat $SYS_MDEVS/$U/loopback)" \
	"$U msample1 1"
check "max_ports unchanged" \
	"$(devlink -j dev param show msample/msample1 name max_ports | jq -r '.param["msample/msample1"][0].values[0].value')" 4
ktap_finished
