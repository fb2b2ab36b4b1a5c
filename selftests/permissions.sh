#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An unprivileged user (uid 65534, no capabilities) gets EACCES or EPERM
# on every writable file of ours and every devlink command we support,
# and changes nothing. The same user with CAP_NET_ADMIN alone passes
# devlink's check, which is all devlink asks, and so creates and removes
# mdevs through port add and del, revoking an open tty of root's; sysfs
# still refuses it by file permission.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 29
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
check "resource set" "$(ndl resource set $D path /ports size 8)" "1|Operation not permitted"
check "reload" "$(ndl dev reload $D)" "1|Operation not permitted"
check "resource show is allowed" "$(nobody devlink -j resource show $D | jq -c '.resources[][0] | [.name, .size, .occ]')" \
	'["ports",4,1]'
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
check "resource unchanged, nothing pending, types there" \
	"$(devlink -j resource show $D | jq -c '.resources[][0] | [.size, .occ, .size_new]') $(ls $SYS_MDEV_BUS/msample1/mdev_supported_types | wc -l)" \
	"[4,1,null] 2"

# uid 65534 with CAP_NET_ADMIN and nothing else, kept across exec as an
# ambient capability.
netadmin() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all,+net_admin --ambient-caps=-all,+net_admin "$@"
}
check "CAP_NET_ADMIN only: that is all it has" \
	"$(netadmin grep -E '^Cap(Eff|Amb)' /proc/self/status | tr '\t\n' '  ')" \
	"CapEff: 0000000000001000 CapAmb: 0000000000001000 "
check "CAP_NET_ADMIN only: sysfs create refused" \
	"$(netadmin "$MDEVFW_TOOLS/wr" "$(type_dir msample1 msample-1)/create" "$(new_uuid)")" EACCES
check "CAP_NET_ADMIN only: devlink port add creates an mdev" \
	"$(netadmin devlink port add $D flavour pcisf pfnum 0 sfnum 3 >/dev/null 2>&1; echo $?) $(ls $SYS_MDEVS | wc -l)" "0 2"
tty=$(cat $SYS_MDEVS/$U/ports)
# The tty may become our controlling terminal: its revoke sends SIGHUP.
trap '' HUP
exec 3<>/dev/$tty
check "CAP_NET_ADMIN only: port del of root's mdev with an open tty" \
	"$(netadmin devlink port del $D/0 2>&1; echo $?)" 0
read -r -t 10 line <&3
check "root's tty was revoked: EOF" "$?:${line:-}" "1:"
exec 3>&-
check "CAP_NET_ADMIN only: eswitch set" "$(netadmin devlink dev eswitch set $D mode legacy 2>&1; echo $?)" 0
# Past devlink's check, the driver refuses: the port-made mdev exists.
err=$(netadmin devlink dev reload $D 2>&1)
check "CAP_NET_ADMIN only: reload reaches the driver" "$?|$err" \
	"1|Error: mdevfw: mdevs of this parent exist (1); remove them first.
kernel answers: Device or resource busy"
ktap_finished
