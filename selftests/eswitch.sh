#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# devlink eswitch mode, ports per mdev, and port add/del as a second front
# door, through the real devlink (iproute2), in text and JSON, with the
# exact extack messages of every refusal.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 50
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
hups=0
trap 'hups=$((hups + 1))' HUP
D=msample/msample0
msample_new 0 8 >/dev/null
T1=$(type_dir msample0 msample-1)
T2=$(type_dir msample0 msample-2)
# run CMD...: "status|output", stderr included.
run() { local out; out=$("$@" 2>&1); echo "$?|$out"; }
nmdevs() { ls $SYS_MDEVS | wc -l; }
ports() { devlink -j port show | jq -c '.port | keys'; }
fn() { devlink -j port show "$1" | jq -r ".port[\"$1\"].function | .hw_addr + \" \" + .state + \" \" + .opstate"; }

U0=$(new_uuid)
wr $T1/create "$U0" >/dev/null
check "mode: legacy at first" "$(devlink dev eswitch show $D)" "$D: mode legacy"
check "mode, JSON" "$(devlink -j dev eswitch show $D)" '{"dev":{"msample/msample0":{"mode":"legacy"}}}'
check "legacy: no ports" "$(ports)" "[]"
check "legacy: port add refused" "$(run devlink port add $D flavour pcisf pfnum 0 sfnum 5)" \
	"1|Error: mdevfw: ports can be added in switchdev mode only.
kernel answers: Operation not supported"
check "legacy: unknown mode refused" "$(run devlink dev eswitch set $D mode bogus)" \
	'1|Unknown eswitch mode "bogus"'

check_cmd "switch to switchdev" devlink dev eswitch set $D mode switchdev
check "mode: switchdev" "$(devlink dev eswitch show $D)" "$D: mode switchdev"
check "the sysfs-made mdev has a port" "$(devlink port show)" \
	"$D/0: type notset flavour pcisf controller 0 pfnum 0 sfnum 0 splittable false
  function:
    hw_addr 00:00:00:00:00:00 state active opstate attached"
check "port, JSON" "$(devlink -j port show $D/0)" \
	'{"port":{"msample/msample0/0":{"type":"notset","flavour":"pcisf","controller":0,"pfnum":0,"sfnum":0,"splittable":false,"function":{"hw_addr":"00:00:00:00:00:00","state":"active","opstate":"attached"}}}}'
U1=$(new_uuid)
wr $T2/create "$U1" >/dev/null
check "a sysfs create in switchdev gets a port" "$(ports)" '["msample/msample0/0","msample/msample0/1"]'

# Port add: the first type, a name-based UUID, the same object as sysfs makes.
U5=$(port_uuid msample/msample0/pf0sf5)
check "port add sfnum 5" "$(run devlink port add $D flavour pcisf pfnum 0 sfnum 5)" \
	"0|$D/5: type notset flavour pcisf controller 0 pfnum 0 sfnum 5 splittable false
  function:
    hw_addr 00:00:00:00:00:00 state active opstate attached"
check "its mdev in sysfs, name-based UUID, first type" \
	"$(basename "$(readlink $SYS_MDEVS/$U5/mdev_type)")" msample-1
check "it counts against the pool" "$(<$T1/available_instances)" 4
check "sfnum taken" "$(run devlink port add $D flavour pcisf pfnum 0 sfnum 5)" \
	"1|Error: mdevfw: sfnum 5 is taken.
kernel answers: File exists"
U7=$(port_uuid msample/msample0/pf0sf7)
wr $T1/create "$U7" >/dev/null
check "UUID taken by a sysfs create" "$(run devlink port add $D flavour pcisf pfnum 0 sfnum 7)" \
	"1|Error: mdevfw: UUID $U7 (or its alias) is taken.
kernel answers: File exists"
check "the refused add left nothing" "$(nmdevs) $(ports)" \
	'4 ["msample/msample0/0","msample/msample0/1","msample/msample0/2","msample/msample0/5"]'
check "flavour pcipf refused" "$(run devlink port add $D flavour pcipf pfnum 0)" \
	"1|Error: mdevfw: only pcisf ports can be added.
kernel answers: Operation not supported"
check "pfnum 1 refused" "$(run devlink port add $D flavour pcisf pfnum 1)" \
	"1|Error: mdevfw: pfnum must be 0.
kernel answers: Invalid argument"

# The type of port-made mdevs is a runtime param.
ptype() { devlink -j dev param show $D name port_mdev_type |
	jq -r '.param["msample/msample0"][0].values[0].value'; }
check "port_mdev_type defaults to the first type" "$(ptype)" msample-1
want='Error: mdevfw: no mdev type "bogus" on this parent.
kernel answers: Invalid argument'
# Before 6.11 a param's set gets no extack: the errno alone.
kernel_before 6.11 && want="kernel answers: Invalid argument"
check "port_mdev_type: unknown type refused" \
	"$(run devlink dev param set $D name port_mdev_type value bogus cmode runtime)" "1|$want"
check_cmd "port_mdev_type set" devlink dev param set $D name port_mdev_type value msample-2 cmode runtime
check "port_mdev_type reads back" "$(ptype)" msample-2
devlink port add $D flavour pcisf pfnum 0 >/dev/null
U3=$(port_uuid msample/msample0/pf0sf3)
check "port add without sfnum: the lowest free, the set type" \
	"$(basename "$(readlink $SYS_MDEVS/$U3/mdev_type)") $(ports | jq -c 'map(select(endswith("/3")))')" \
	'msample-2 ["msample/msample0/3"]'
check "pool exhausted: refused" "$(run devlink port add $D flavour pcisf pfnum 0)" \
	"1|Error: mdevfw: no instances of msample-2 left.
kernel answers: Too many users"

# Port functions.
check_cmd "hw_addr set" devlink port function set $D/5 hw_addr 00:11:22:33:44:55
check "multicast hw_addr refused" "$(run devlink port function set $D/5 hw_addr 01:00:5e:00:00:01)" \
	"1|Error: mdevfw: hw_addr must be a unicast address.
kernel answers: Invalid argument"
check_cmd "state inactive" devlink port function set $D/5 state inactive
check "function shows both" "$(fn $D/5)" "00:11:22:33:44:55 inactive detached"
tty5=$(head -1 $SYS_MDEVS/$U5/ports)
check "inactive: the data path refuses opens" "$(wr /dev/$tty5 x)" ENODEV
check_cmd "state active" devlink port function set $D/5 state active
exec 3<>/dev/$tty5
check "open: state inactive refused" "$(run devlink port function set $D/5 state inactive)" \
	"1|Error: mdevfw: the mdev is open; close it first.
kernel answers: Device or resource busy"
check "open: hw_addr refused too, so hw_addr+state never half-applies" \
	"$(run devlink port function set $D/5 hw_addr 00:11:22:33:44:66 state inactive) $(fn $D/5)" \
	"1|Error: mdevfw: the mdev is open; close it first.
kernel answers: Device or resource busy 00:11:22:33:44:55 active attached"

# A mode change is refused while anything is open.
check "open: mode change refused" "$(run devlink dev eswitch set $D mode legacy)" \
	"1|Error: mdevfw: mdevs of this parent are open (1); close them first.
kernel answers: Device or resource busy"
check "refused: still switchdev, ports kept" "$(devlink dev eswitch show $D) $(ports | jq length)" \
	"$D: mode switchdev 5"
exec 3>&-
devlink port function set $D/5 state inactive
check_cmd "closed: back to legacy" devlink dev eswitch set $D mode legacy
check "legacy: ports gone, mdevs kept" "$(ports) $(nmdevs)" "[] 5"
check "legacy: no port, so no inactive function: it opens" "$(wr /dev/$tty5 x)" OK
check_cmd "switchdev again" devlink dev eswitch set $D mode switchdev
check "ports back with the same numbers and hw_addr" "$(ports | jq -c .) $(fn $D/5)" \
	'["msample/msample0/0","msample/msample0/1","msample/msample0/2","msample/msample0/3","msample/msample0/5"] 00:11:22:33:44:55 active attached'

# Either door removes what the other made; removing revokes open files.
exec 3<>/dev/$tty5
check_cmd "port del of an open mdev" devlink port del $D/5
read -r -t 10 line <&3
check "its tty was revoked: EOF" "$?:${line:-}" "1:"
exec 3>&-
check "gone from sysfs" "$(ls $SYS_MDEVS | grep -c "$U5")" 0
check "sysfs remove of a port-made mdev" "$(wr $SYS_MDEVS/$U3/remove 1)" OK
check "its port is gone" "$(ports)" \
	'["msample/msample0/0","msample/msample0/1","msample/msample0/2"]'
check "port del of a sysfs-made mdev" "$(devlink port del $D/1; ls $SYS_MDEVS | grep -c "$U1")" 0
check "freed sfnum is reused" "$(devlink port add $D flavour pcisf pfnum 0 >/dev/null; ports | jq -c .)" \
	'["msample/msample0/0","msample/msample0/1","msample/msample0/2"]'
check "port del of a missing port" "$(run devlink port del $D/9)" \
	"1|kernel answers: No such device"

check "parent delete in switchdev" "$(msample_del 0)" OK
check "nothing left" "$(ports) $(nmdevs)" "[] 0"
check "one SIGHUP: the revoked tty was our controlling terminal" "$hups" 1
ktap_finished
