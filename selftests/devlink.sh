#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sample's devlink instance through the real devlink (iproute2), in
# text and JSON: it appears with its PF and goes with it, and its
# max_ports param resizes the parent's pool at runtime. The pool is the
# resource "ports", whose size and occupancy agree with sysfs at every
# step; "resource set" takes effect at a reload, which is refused while
# mdevs exist; the param wins over a size not applied yet.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 39
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
check "no instance before new_device" "$(devlink -j dev show | jq -c '.dev | keys')" "[]"
msample_new 3 4 >/dev/null
check "dev show" "$(devlink dev show)" "msample/msample3"
check "dev info, text" "$(devlink dev info msample/msample3)" "msample/msample3:
  driver msample
  serial_number MSAMPLE00000003
  versions:
      running:
        fw 1.0.0"
info=$(devlink -j dev info msample/msample3)
check "dev info, JSON driver and serial" \
	"$(jq -r '.info["msample/msample3"] | .driver + " " + .serial_number' <<<"$info")" \
	"msample MSAMPLE00000003"
check "dev info, JSON fw version" \
	"$(jq -r '.info["msample/msample3"].versions.running.fw' <<<"$info")" "1.0.0"
# 6.1's devlink core is net/devlink/leftover.c: its own messages carry
# that object's name, as NL_SET_ERR_MSG_MOD() puts it.
core=
kernel_before 6.2 && core="leftover: "
# The pool size, a runtime param; refused while it would strand mdevs.
param() { devlink -j dev param show msample/msample3 name max_ports |
	jq -r '.param["msample/msample3"][0].values[0].value'; }
check "param max_ports" "$(param)" 4
T1=$(type_dir msample3 msample-1)
T2=$(type_dir msample3 msample-2)
U2=$(new_uuid)
U1=$(new_uuid)
wr $T2/create "$U2" >/dev/null
wr $T1/create "$U1" >/dev/null
err=$(devlink dev param set msample/msample3 name max_ports value 2 cmode runtime 2>&1)
rc=$?
want="Error: mdevfw_sample: live mdevs use more than 2 ports; remove some first.
kernel answers: Device or resource busy"
# Before 6.11 a param's set gets no extack: the errno alone.
kernel_before 6.11 && want="kernel answers: Device or resource busy"
check "shrink below use: refused with extack" "$rc|$err" "1|$want"
check "refused: unchanged" "$(param) $(<$T1/available_instances)" "4 1"
check_cmd "grow to 8" devlink dev param set msample/msample3 name max_ports value 8 cmode runtime
check "grown: both types see it" \
	"$(param) $(<$T1/available_instances) $(<$T2/available_instances)" "8 5 2"
err=$(devlink dev param set msample/msample3 name max_ports value 2000 cmode runtime 2>&1)
check "over the limit: refused with extack" "$?|$err" \
	"1|Error: mdevfw_sample: at most 1024 ports.
kernel answers: Invalid argument"
check_cmd "shrink to exactly what is used" devlink dev param set msample/msample3 name max_ports value 3 cmode runtime
check "shrunk: nothing available" "$(<$T1/available_instances) $(<$T2/available_instances)" "0 0"


# The pool as a devlink resource: "size occ [size_new]", and the same
# figures as sysfs shows.
D=msample/msample3
res() { devlink -j resource show $D |
	jq -r '.resources["msample/msample3"][0] | "\(.size) \(.occ)" + (if .size_new then " \(.size_new)" else "" end)'; }
avail() { echo "$(<$T1/available_instances) $(<$T2/available_instances)"; }
check "resource show, text" "$(devlink resource show $D)" \
	"msample/msample3:
  name ports size 3 occ 3 unit entry size_min 0 size_max 1024 size_gran 1 dpipe_tables none"
check "resource show, JSON: size and occupancy" "$(res)" "3 3"
check "resource set: pending, nothing applied" \
	"$(devlink resource set $D path /ports size 6 2>&1; echo $?) $(res) $(param) $(avail)" "0 3 3 6 3 0 0"
check "resource show, text, pending" "$(devlink resource show $D)" \
	"msample/msample3:
  name ports size 3 size_new 6 occ 3 unit entry size_min 0 size_max 1024 size_gran 1 dpipe_tables none"
err=$(devlink resource set $D path /ports size 1025 2>&1)
check "resource set over the maximum: refused by devlink" "$?|$err" \
	"1|Error: ${core}Size larger than maximum.
kernel answers: Invalid argument"
err=$(devlink dev reload $D 2>&1)
check "reload with mdevs: refused with extack" "$?|$err" \
	"1|Error: mdevfw: mdevs of this parent exist (2); remove them first.
kernel answers: Device or resource busy"
err=$(devlink dev reload $D action fw_activate 2>&1)
check "reload fw_activate: not supported" "$?|$err" \
	"1|Error: ${core}Requested reload action is not supported by the driver.
kernel answers: Operation not supported"
check "refused: nothing changed" "$(ls $SYS_MDEVS | wc -l) $(res) $(param) $(avail)" "2 3 3 6 3 0 0"
wr $SYS_MDEVS/$U1/remove 1 >/dev/null
check "occupancy follows a remove" "$(res) $(avail)" "3 2 6 1 0"
wr $SYS_MDEVS/$U2/remove 1 >/dev/null
check "reload accepted, text" "$(devlink dev reload $D action driver_reinit 2>&1; echo $?)" "reload_actions_performed:
    driver_reinit
0"
check "reload applied the size" "$(res) $(param) $(avail)" "6 0 6 6 3"
check "the types are back" "$(ls $SYS_MDEV_BUS/msample3/mdev_supported_types | tr '\n' ' ')" "msample-1 msample-2 "
# iproute2 6.1 prints no JSON for a reload: devlink's own count says it.
reloads() { devlink -s -j dev show $D | jq -r '.dev[].stats.reload.driver_reinit.unspecified'; }
check "reload accepted, JSON: devlink counted two, not the refused ones" \
	"$(devlink -j dev reload $D >/dev/null; echo $?) $(reloads)" "0 2"
check "reload without a pending size: unchanged" "$(res) $(param) $(avail)" "6 0 6 6 3"
wr $T1/create "$U1" >/dev/null
check "resource and sysfs after a create" "$(res) $(avail)" "6 1 5 2"
# The param resizes at once and wins over a size not applied yet.
devlink resource set $D path /ports size 10
check_cmd "param set with a size pending" devlink dev param set $D name max_ports value 5 cmode runtime
check "the param won: size follows, pending dropped" "$(res) $(param) $(avail)" "5 1 5 4 2"
# The same size: iproute2 sends nothing, so the pending size stays; sent
# (raw genetlink), it wins too.
devlink resource set $D path /ports size 10
check_cmd "param set to the same size: iproute2 sends nothing" devlink dev param set $D name max_ports value 5 cmode runtime
check "not sent: the pending size stays" "$(res) $(param) $(avail)" "5 1 10 5 4 2"
check "param set to the same size, sent" \
	"$(python3 "$(dirname "$0")/lib/dl_param_set.py" msample msample3 max_ports 5; echo $?)" "0"
check "the same size won too: pending dropped" "$(res) $(param) $(avail)" "5 1 5 4 2"
wr $SYS_MDEVS/$U1/remove 1 >/dev/null
check_cmd "reload after the param" devlink dev reload $D
check "the param's size stayed" "$(res) $(param) $(avail)" "5 0 5 5 2"
err=$(devlink dev reload $D netns 1 2>&1)
check "reload into a network namespace: refused" "$?|${err%%$'\n'*}" \
	"1|Error: mdevfw: a parent cannot move to another network namespace."
check "sysfs create in a reloaded type" "$(wr $T2/create "$U2") $(res) $(avail)" "OK 5 2 3 1"
wr $SYS_MDEVS/$U2/remove 1 >/dev/null

msample_del 3 >/dev/null
check "gone with its PF" "$(devlink -j dev show | jq -c '.dev | keys')" "[]"
ktap_finished
