#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sample's devlink instance through the real devlink (iproute2), in
# text and JSON: it appears with its PF and goes with it.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 6
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
msample_del 3 >/dev/null
check "gone with its PF" "$(devlink -j dev show | jq -c '.dev | keys')" "[]"
ktap_finished
