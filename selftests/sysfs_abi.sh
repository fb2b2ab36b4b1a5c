#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sysfs ABI that mdevctl and libvirt hard-code, with exact contents
# and errno values (Documentation/abi.rst), on the sample parent.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 48

mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
check "new_device 1 24" "$(msample_new 1 24)" OK
check "new_device 2 3" "$(msample_new 2 3)" OK
check "new_device of an existing ID" "$(msample_new 1 4)" EEXIST
check "new_device bad input" "$(msample_new x)" EINVAL
check "new_device ID past 32 bits" "$(msample_new 4294967298 2)" EINVAL
check "new_device three numbers" "$(msample_new 5 2 3)" EINVAL
check "del_device of no such ID" "$(msample_del 77)" ENOENT
check "an ID is free again as soon as del_device returns" "$(msample_del 2)$(msample_new 2 3)" OKOK

P=msample1
T1=$(type_dir $P msample-1)
T2=$(type_dir $P msample-2)
check "mdev_bus link points at the parent" \
	"$(readlink -f $SYS_MDEV_BUS/$P)" "/sys/devices/$P"
check "types" "$(ls $SYS_MDEV_BUS/$P/mdev_supported_types | tr '\n' ' ')" \
	"msample-1 msample-2 "
check "type files" "$(ls $T1 | tr '\n' ' ')" \
	"available_instances create description device_api devices name "
check "device_api" "$(cat $T1/device_api)" vfio-pci
check "name" "$(cat $T2/name)" "Dual port serial"
check "description" "$(cat $T2/description)" "virtual serial ports=2, loopback"
check "available 1 of 24" "$(cat $T1/available_instances)" 24
check "available 2 of 24" "$(cat $T2/available_instances)" 12

U=$(new_uuid)
check "create, 36 bytes" "$(wr $T1/create "$U")" OK
check "device under the parent" "$(readlink -f $SYS_MDEVS/$U)" "/sys/devices/$P/$U"
check "mdev_type link" "$(readlink -f $SYS_MDEVS/$U/mdev_type)" "$(readlink -f $T1)"
check "devices/ link" "$(readlink -f $T1/devices/$U)" "/sys/devices/$P/$U"
check "bound to the sample driver" "$(basename "$(readlink $SYS_MDEVS/$U/driver)")" msample
check "vendor attribute exists" "$(cat $SYS_MDEVS/$U/loopback)" 1
check "pool shared: 1 after a single" "$(cat $T1/available_instances)" 23
check "pool shared: 2 after a single" "$(cat $T2/available_instances)" 11

D=$(new_uuid)
check "create dual, newline" "$(wr $T2/create "$D
")" OK
check "pool shared: 1 after a dual" "$(cat $T1/available_instances)" 21
check "two ttys for a dual" "$(wc -l <$SYS_MDEVS/$D/ports)" 2

check "35 bytes" "$(wr $T1/create "${U:0:35}")" EINVAL
check "38 bytes" "$(wr $T1/create "$(new_uuid)xy")" EINVAL
check "37th byte not a newline" "$(wr $T1/create "$(new_uuid)x")" EINVAL
check "37th byte NUL" "$(wr $T1/create "$(new_uuid)" 37)" EINVAL
check "not hex" "$(wr $T1/create "zzzzzzzz-e4f5-4a6b-8c7d-0e1f2a3b4c5d")" EINVAL
check "duplicate, same parent" "$(wr $T1/create "$U")" EEXIST
check "duplicate, other parent" "$(wr "$(type_dir msample2 msample-1)/create" "$U")" EEXIST
UP=B0A1C2D3-E4F5-4A6B-8C7D-0E1F2A3B4C5D
check "upper case accepted" "$(wr $T1/create $UP)" OK
check "named in lower case" "$(ls -d $SYS_MDEVS/b0a1c2d3-e4f5-4a6b-8c7d-0e1f2a3b4c5d | wc -l)" 1
check "duplicate differing in case" \
	"$(wr "$(type_dir msample2 msample-1)/create" "${UP,,}")" EEXIST

T3=$(type_dir msample2 msample-2)
check "exhaust: dual of 3 ports" "$(wr $T3/create "$(new_uuid)")" OK
check "exhaust: dual reads 0" "$(cat $T3/available_instances)" 0
check "exhaust: second dual" "$(wr $T3/create "$(new_uuid)")" EUSERS
check "exhaust: single fits" "$(wr "$(type_dir msample2 msample-1)/create" "$(new_uuid)")" OK
check "exhaust: single reads 0" "$(cat "$(type_dir msample2 msample-1)/available_instances")" 0

check "remove, not a number" "$(wr $SYS_MDEVS/$U/remove abc)" EINVAL
check "remove 0 does nothing" "$(wr $SYS_MDEVS/$U/remove 0)$(ls -d $SYS_MDEVS/$U | wc -l)" OK1
check "remove 1" "$(wr $SYS_MDEVS/$U/remove 1)" OK
check "removed: gone and pool back" \
	"$(ls $SYS_MDEVS | grep -c "$U") $(cat $T1/available_instances)" "0 21"
check "uuid free again" "$(wr $T1/create "$U")" OK

# Module unload with live mdevs: the sample deletes its parents.
check_cmd "unload with live mdevs" mdevfw_unload
ktap_finished
