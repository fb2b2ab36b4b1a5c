#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The real mdevctl (Debian's 1.2.0) against the sample parent: types, list,
# start, stop, define with attrs, undefine; exact output.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 15
mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
msample_new 1 4 >/dev/null

want_types="msample1
  msample-1
    Available instances: 4
    Device API: vfio-pci
    Name: Single port serial
    Description: virtual serial ports=1, loopback
  msample-2
    Available instances: 2
    Device API: vfio-pci
    Name: Dual port serial
    Description: virtual serial ports=2, loopback"
check "mdevctl types" "$(mdevctl types 2>&1)" "$want_types"
check "mdevctl types --dumpjson: instances of msample-2" \
	"$(mdevctl types --dumpjson | jq -r '.[0].msample1[] | select(has("msample-2")) | .["msample-2"].available_instances')" 2

A=11111111-2222-4333-8444-555555555555
B=66666666-7777-4888-8999-aaaaaaaaaaaa
check_cmd "start -p -t -u" mdevctl start -p msample1 -t msample-1 -u $A
check "started in sysfs" "$(readlink -f $SYS_MDEVS/$A)" /sys/devices/msample1/$A
check "mdevctl list" "$(mdevctl list 2>&1)" "$A msample1 msample-1 manual"
check "available after start" "$(cat "$(type_dir msample1 msample-2)/available_instances")" 1

# A definition with a vendor attribute, started from the definition.
echo '{"mdev_type":"msample-2","start":"manual","attrs":[{"loopback":"0"}]}' >/run/def.json
check_cmd "define with attrs" mdevctl define -p msample1 -u $B --jsonfile /run/def.json
check "definition file" "$(jq -c . /etc/mdevctl.d/msample1/$B)" \
	'{"mdev_type":"msample-2","start":"manual","attrs":[{"loopback":"0"}]}'
check_cmd "start from the definition" mdevctl start -u $B
check "attr applied" "$(cat $SYS_MDEVS/$B/loopback)" 0
check "list -d" "$(mdevctl list -d 2>&1)" "$B msample1 msample-2 manual (active)"
check "list: defined and running" "$(mdevctl list 2>&1 | grep $B)" "$B msample1 msample-2 manual (defined)"

check_cmd "stop" mdevctl stop -u $A
check "stopped: gone from sysfs" "$(ls $SYS_MDEVS | tr '\n' ' ')" "$B "
mdevctl stop -u $B
mdevctl undefine -u $B
check "undefine" "$(ls /etc/mdevctl.d/msample1 2>/dev/null | wc -l)" 0
ktap_finished
