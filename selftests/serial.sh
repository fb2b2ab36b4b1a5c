#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sample's data path: bytes through the ttys, the loopback attribute,
# and hot-unplug with open files (hangup: EOF on read, EIO on write).
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 24
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
# Our ttys become the controlling terminal: their hangup sends SIGHUP.
hups=0
trap 'hups=$((hups + 1))' HUP
msample_new 1 4 >/dev/null
T2=$(type_dir msample1 msample-2)
U=$(new_uuid)
check "create dual" "$(wr $T2/create "$U")" OK
mapfile -t ttys <$SYS_MDEVS/$U/ports
check "two distinct ttys" "${#ttys[@]} $(printf '%s\n' "${ttys[@]}" | sort -u | wc -l)" "2 2"
check "tty device under the mdev" \
	"$(readlink -f /sys/class/tty/${ttys[0]}/device)" "/sys/devices/msample1/$U"
check "device node" "$(stat -c %F /dev/${ttys[0]})" "character special file"

exec 3<>/dev/${ttys[0]} 4<>/dev/${ttys[1]}
echo "port zero" >&3
echo "port one" >&4
read -r -t 10 a <&3
read -r -t 10 b <&4
check "loopback, port 0" "$a" "port zero"
check "loopback, port 1" "$b" "port one"
big=$(head -c 3000 /dev/zero | tr '\0' x)
echo "$big" >&3
read -r -t 10 c <&3
check "3000 bytes round trip" "${#c}" 3000

check "loopback attr reads 1" "$(cat $SYS_MDEVS/$U/loopback)" 1
check "loopback attr bad input" "$(wr $SYS_MDEVS/$U/loopback maybe)" EINVAL
check "loopback off" "$(wr $SYS_MDEVS/$U/loopback 0)$(cat $SYS_MDEVS/$U/loopback)" OK0
# With loopback off a write is dropped; turning it back on, the next line
# is the first to come back.
echo "dropped" >&3
wr $SYS_MDEVS/$U/loopback 1 >/dev/null
echo "after" >&3
read -r -t 10 d <&3
check "dropped while off" "$d" "after"

# Hot-unplug: the parent goes while both ttys are open.
check "del_device with open ttys" "$(msample_del 1)" OK
read -r -t 10 e <&3
check "read after unplug: EOF" "$?:${e:-}" "1:"
err=$( { echo more >&4; } 2>&1 )
check "write after unplug: EIO" "${err##*: }" "Input/output error"
exec 3>&- 4>&-
check "nothing left" "$(ls $SYS_MDEVS | wc -l) $(ls /dev | grep -c ttyMDEV)" "0 0"

# A hung-up tty still open keeps its number until its last close: the
# tty core keeps the old tty in that number's slot until then, and a new
# port given the number could not be opened.
msample_new 2 4 >/dev/null
T1=$(type_dir msample2 msample-1)
U=$(new_uuid)
wr $T1/create "$U" >/dev/null
t0=$(cat $SYS_MDEVS/$U/ports)
exec 5<>/dev/$t0
check "sysfs remove with an open tty" "$(wr $SYS_MDEVS/$U/remove 1)" OK
V=$(new_uuid)
wr $T1/create "$V" >/dev/null
t1=$(cat $SYS_MDEVS/$V/ports)
check "a held number is not given again" "$t0 $t1" "ttyMDEV0 ttyMDEV1"
check "the next mdev's tty opens while the old one is held" "$(wr /dev/$t1 x)" OK
exec 6<>/dev/$t1
check "del_device with an open tty" "$(msample_del 2)" OK
msample_new 3 4 >/dev/null
T1=$(type_dir msample3 msample-1)
W=$(new_uuid)
wr $T1/create "$W" >/dev/null
t2=$(cat $SYS_MDEVS/$W/ports)
check "two held numbers are not given again" "$t2" ttyMDEV2
check "that tty opens too" "$(wr /dev/$t2 x)" OK
read -r -t 10 f <&5
check "the held tty still reads EOF" "$?:${f:-}" "1:"
exec 5>&- 6>&-
X=$(new_uuid)
check "closed: create" "$(wr $T1/create "$X")" OK
check "closed: the lowest number is free again" "$(cat $SYS_MDEVS/$X/ports)" ttyMDEV0
msample_del 3 >/dev/null
ktap_finished
