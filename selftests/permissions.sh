#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An unprivileged user (uid 65534, no capabilities) gets EACCES or EPERM
# on every writable file of ours and every devlink command we support,
# and changes nothing.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 9
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
check "reads are allowed" \
	"$(nobody cat "$(type_dir msample1 msample-1)/available_instances" $SYS_MDEVS/$U/loopback | tr '\n' ' ')" "3 1 "
check "nothing changed" \
	"$(ls $SYS_MDEVS | tr '\n' ' ')$(ls /sys/bus/msample/devices | tr '\n' ' ')$(cat $SYS_MDEVS/$U/loopback)" \
	"$U msample1 1"
check "max_ports unchanged" \
	"$(devlink -j dev param show msample/msample1 name max_ports | jq -r '.param["msample/msample1"][0].values[0].value')" 4
ktap_finished
