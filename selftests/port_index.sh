#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# devlink port indexes near the top of their 32 bits: a parent whose
# port_index_base leaves room for two sfnums (the sample's module
# parameter) refuses a third up front, with its own errno and extack,
# rather than wrap the port index round to 0.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 13
mdevfw_load || ktap_exit_fail_msg "cannot load mdevfw"
insmod "$MDEVFW_MODDIR/sample-parent/mdevfw_sample.ko" port_index_base=4294967294 ||
	ktap_exit_fail_msg "cannot load the sample"
D=msample/msample0
msample_new 0 8 >/dev/null
T1=$(type_dir msample0 msample-1)
run() { local out; out=$("$@" 2>&1); echo "$?|$out"; }
# iproute2 6.1 prints a port index as a signed int: 4294967295 is -1.
ports() { devlink -j port show | jq -c '.port | keys'; }

devlink dev eswitch set $D mode switchdev
U0=$(new_uuid)
U1=$(new_uuid)
check "sfnum 0" "$(wr $T1/create "$U0")" OK
check "sfnum 1" "$(wr $T1/create "$U1")" OK
check "their ports: the last two indexes, 4294967294 and 4294967295" "$(ports)" \
	'["msample/msample0/-1","msample/msample0/-2"]'
U2=$(new_uuid)
check "a third create: no sfnum left" "$(wr $T1/create "$U2")" ENOSPC
check "its message" "$(dmesg | grep -c "msample msample0: mdevfw: create $U2: no sfnum left: at most 1 with port index base 4294967294$")" 1
check "port add of sfnum 2" "$(run devlink port add $D flavour pcisf pfnum 0 sfnum 2)" \
	"1|Error: mdevfw: sfnum 2 is out of range: at most 1.
kernel answers: Numerical result out of range"
check "port add of an sfnum over INT_MAX" \
	"$(run devlink port add $D flavour pcisf pfnum 0 sfnum 4294967295)" \
	"1|Error: mdevfw: sfnum 4294967295 is out of range: at most 1.
kernel answers: Numerical result out of range"
check "port add without sfnum" "$(run devlink port add $D flavour pcisf pfnum 0)" \
	"1|Error: mdevfw: no sfnum left: at most 1 with port index base 4294967294.
kernel answers: No space left on device"
check "nothing made, nothing wrapped" "$(ls $SYS_MDEVS | wc -l) $(ports)" \
	'2 ["msample/msample0/-1","msample/msample0/-2"]'
check "remove one" "$(wr $SYS_MDEVS/$U0/remove 1)" OK
check "port add takes its sfnum" "$(run devlink port add $D flavour pcisf pfnum 0 | head -1)" \
	"0|$D/-2: type notset flavour pcisf controller 0 pfnum 0 sfnum 0 splittable false"
devlink dev eswitch set $D mode legacy
check "legacy: the sfnums are still held" "$(wr $T1/create "$U2")" ENOSPC
check "parent delete" "$(msample_del 0)" OK
ktap_finished
