#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The real mdevctl (Debian's 1.2.0) against the sample parent: types, list,
# start, stop, define with attrs, undefine, modify; exact output. A start
# whose attribute write fails removes the device it created.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 38
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

# modify: type, attrs (--index counts from 0), start mode. The definitions
# as `list -d --dumpjson` prints them, byte for byte (serde's pretty print
# is jq's).
dumpjson_is() {
	check "$1" "$(mdevctl list -d --dumpjson 2>&1)" "$(jq . <<<"$2")"
}
C=77777777-8888-4999-8aaa-bbbbbbbbbbbb
def() { echo "[{\"msample1\":[{\"$C\":{\"mdev_type\":\"$1\",\"start\":\"$2\",\"attrs\":$3}}]}]"; }
check_cmd "define for modify" mdevctl define -p msample1 -t msample-1 -u $C
dumpjson_is "dumpjson: defined" "$(def msample-1 manual '[]')"
check_cmd "modify -t" mdevctl modify -u $C -t msample-2
check_cmd "modify --addattr" mdevctl modify -u $C --addattr loopback --value 1
check_cmd "modify --addattr --index 0" mdevctl modify -u $C --addattr loopback --value 0 --index 0
dumpjson_is "dumpjson: type changed, attrs added in order" \
	"$(def msample-2 manual '[{"loopback":"0"},{"loopback":"1"}]')"
check_cmd "modify --delattr --index 0" mdevctl modify -u $C --delattr --index 0
dumpjson_is "dumpjson: the first attr deleted" "$(def msample-2 manual '[{"loopback":"1"}]')"
check_cmd "modify --delattr --auto" mdevctl modify -u $C --delattr --auto
dumpjson_is "dumpjson: the last attr deleted, auto" "$(def msample-2 auto '[]')"
check "modify --auto --manual: refused" \
	"$(mdevctl modify -u $C --auto --manual >/dev/null 2>&1; echo $?)" 2
check_cmd "modify --manual" mdevctl modify -u $C --manual
dumpjson_is "dumpjson: manual again" "$(def msample-2 manual '[]')"
check "definition file after modify" "$(jq -c . /etc/mdevctl.d/msample1/$C)" \
	'{"mdev_type":"msample-2","start":"manual","attrs":[]}'
check "modify started nothing" "$(ls $SYS_MDEVS | wc -l)" 0
mdevctl undefine -u $C

# An attribute write that fails (loopback takes 0 or 1: EINVAL, after the
# first attr was written): start fails, and mdevctl removes the device it
# created. The kernel's message proves the device existed.
T1=$(type_dir msample1 msample-1)
avail=$(cat $T1/available_instances)
check "msample-1 instances before" "$avail" 4
E=88888888-9999-4aaa-8bbb-cccccccccccc
echo '{"mdev_type":"msample-1","start":"manual","attrs":[{"loopback":"1"},{"loopback":"2"}]}' >/run/bad.json
mdevctl define -p msample1 -u $E --jsonfile /run/bad.json
err=$(mdevctl start -u $E 2>&1)
check "start, attr write fails: exit status and error" "$?|$err" \
	"1|Error: Failed to write 2 to attribute loopback

Caused by:
    Invalid argument (os error 22)"
check "the kernel refused the attr of the created device" \
	"$(dmesg | grep -c "msample $E: loopback takes 0 or 1")" 1
check "removed: gone from the bus and the parent" \
	"$(ls $SYS_MDEVS | wc -l) $(ls -d /sys/devices/msample1/$E 2>/dev/null | wc -l)" "0 0"
check "removed: available_instances back" "$(cat $T1/available_instances)" "$avail"
check "the definition stays, not running" "$(mdevctl list -d 2>&1)|$(mdevctl list 2>&1)" \
	"$E msample1 msample-1 manual|"
mdevctl undefine -u $E
F=99999999-aaaa-4bbb-8ccc-dddddddddddd
err=$(mdevctl start -p msample1 -u $F --jsonfile /run/bad.json 2>&1)
check "start --jsonfile, attr write fails: exit status and error" "$?|$err" \
	"1|Error: Failed to write 2 to attribute loopback

Caused by:
    Invalid argument (os error 22)"
check "--jsonfile: removed, available_instances back" \
	"$(ls $SYS_MDEVS | wc -l) $(dmesg | grep -c "msample $F: loopback") $(cat $T1/available_instances)" \
	"0 1 $avail"
ktap_finished
