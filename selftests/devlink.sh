#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sample's devlink instance through the real devlink (iproute2), in
# text and JSON: it appears with its PF and goes with it, and its
# max_ports param resizes the parent's pool at runtime.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 14
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
# The pool size, a runtime param; refused while it would strand mdevs.
param() { devlink -j dev param show msample/msample3 name max_ports |
	jq -r '.param["msample/msample3"][0].values[0].value'; }
check "param max_ports" "$(param)" 4
T1=$(type_dir msample3 msample-1)
T2=$(type_dir msample3 msample-2)
wr $T2/create "$(new_uuid)" >/dev/null
wr $T1/create "$(new_uuid)" >/dev/null
err=$(devlink dev param set msample/msample3 name max_ports value 2 cmode runtime 2>&1)
rc=$?
want="Error: mdevfw_sample: live mdevs use more than 2 ports; remove some first.
kernel answers: Device or resource busy"
# Before 6.11 a param's set gets no extack: the errno alone.
kernel_before 6.11 && want="kernel answers: Device or resource busy"
check "shrink below use: refused with extack" "$rc|$err" "1|$want"
check "refused: unchanged" "$(param) $(cat $T1/available_instances)" "4 1"
check_cmd "grow to 8" devlink dev param set msample/msample3 name max_ports value 8 cmode runtime
check "grown: both types see it" \
	"$(param) $(cat $T1/available_instances) $(cat $T2/available_instances)" "8 5 2"
err=$(devlink dev param set msample/msample3 name max_ports value 2000 cmode runtime 2>&1)
check "over the limit: refused with extack" "$?|$err" \
	"1|Error: mdevfw_sample: at most 1024 ports.
kernel answers: Invalid argument"
check_cmd "shrink to exactly what is used" devlink dev param set msample/msample3 name max_ports value 3 cmode runtime
check "shrunk: nothing available" "$(cat $T1/available_instances) $(cat $T2/available_instances)" "0 0"

msample_del 3 >/dev/null
check "gone with its PF" "$(devlink -j dev show | jq -c '.dev | keys')" "[]"
ktap_finished
